"""The progress document of a hand-computed episode, asserted field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx

from tests.conftest import World
from tests.progress.story import Story, record_story, record_transitions


def _sessions(total: int = 0, **by_status: int) -> dict[str, int]:
    counts = dict.fromkeys(("scheduled", "attended", "cancelled", "late_cancelled", "no_show"), 0)
    counts.update(by_status)
    return {"total": total, **counts}


def _theme(code: str, n: int, sessions: int, mean: float, first: str, last: str) -> tuple[Any, ...]:
    return (code, n, sessions, mean, first, last)


def _themes(phase: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (t["code"], t["count"], t["sessions"], t["mean_intensity"], t["first_seen"], t["last_seen"])
        for t in phase["themes"]
    ]


def _levels(phase: dict[str, Any]) -> dict[int, int]:
    by_level = phase["defensive_functioning"]["by_level"]
    assert [level["level"] for level in by_level] == [1, 2, 3, 4, 5, 6, 7]
    return {level["level"]: level["count"] for level in by_level if level["count"]}


def _measures(phase: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            m["instrument"],
            m["n"],
            m["first"],
            m["last"],
            m["change"],
            m["first_on"],
            m["last_on"],
            m["last_severity"],
        )
        for m in phase["measures"]
    ]


def _responses(items: list[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    return [(r["code"], r["count"], r["positive"], r["negative"]) for r in items]


async def _progress(http: httpx.AsyncClient, world: World, story: Story, query: str = "") -> Any:
    response = await http.get(
        f"/v1/episodes/{story.episode_id}/progress{query}", headers=world["therapist"].headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_hand_computed_episode(client: httpx.AsyncClient, world: World) -> None:
    story = await record_story(client, world)
    before = await _progress(client, world, story)
    assert [s["phase"] for s in before["segments"]] == ["initial"]
    assert before["phases"][0]["sessions"] == _sessions(14, attended=12, cancelled=1, no_show=1)
    assert before["phases"][0]["defensive_functioning"]["defense_observations"] == 22

    await record_transitions(client, world, story)
    doc = await _progress(client, world, story)
    today = datetime.now(UTC).date()
    current_days = (today - date(2025, 3, 31)).days + 1
    assert doc["episode_id"] == story.episode_id
    assert doc["client_id"] == story.client_id
    assert (doc["status"], doc["started_on"], doc["ended_on"]) == ("open", "2025-01-06", None)
    assert doc["current_phase"] == "exploration"
    assert doc["as_of"] == today.isoformat()
    assert doc["segments"] == [
        {
            "phase": "initial",
            "start": "2025-01-06",
            "end": "2025-02-02",
            "days": 28,
            "sessions": _sessions(4, attended=3, no_show=1),
        },
        {
            "phase": "exploration",
            "start": "2025-02-03",
            "end": "2025-03-02",
            "days": 28,
            "sessions": _sessions(4, attended=3, cancelled=1),
        },
        {
            "phase": "working_through",
            "start": "2025-03-03",
            "end": "2025-03-30",
            "days": 28,
            "sessions": _sessions(4, attended=4),
        },
        {
            "phase": "exploration",
            "start": "2025-03-31",
            "end": None,
            "days": current_days,
            "sessions": _sessions(2, attended=2),
        },
    ]
    initial, exploration, working = doc["phases"]
    assert [p["phase"] for p in doc["phases"]] == ["initial", "exploration", "working_through"]
    assert [(p["segments"], p["days"]) for p in doc["phases"]] == [
        (1, 28),
        (2, 28 + current_days),
        (1, 28),
    ]
    assert exploration["sessions"] == _sessions(6, attended=5, cancelled=1)

    # Initial: disavowal dominates. ODF = (3 * 5 + 4) / 6 = 3.1666... -> 3.17
    assert _themes(initial) == [
        _theme("affect.shame", 2, 2, 2.5, "2025-01-06", "2025-01-27"),
        _theme("defense.denial", 2, 2, 3.5, "2025-01-06", "2025-01-13"),
        _theme("defense.projection", 2, 2, 2.5, "2025-01-06", "2025-01-27"),
        _theme("defense.devaluation_of_other", 1, 1, 3.0, "2025-01-27", "2025-01-27"),
        _theme("defense.rationalization", 1, 1, 3.0, "2025-01-13", "2025-01-13"),
        _theme("transference.negative", 1, 1, 2.0, "2025-01-13", "2025-01-13"),
    ]
    assert initial["defensive_functioning"]["odf"] == 3.17
    assert initial["defensive_functioning"]["defense_observations"] == 6
    assert _levels(initial) == {3: 5, 4: 1}
    assert initial["emerging_themes"] == [
        "affect.shame",
        "defense.denial",
        "defense.devaluation_of_other",
        "defense.projection",
        "defense.rationalization",
        "transference.negative",
    ]
    assert initial["receding_themes"] == []

    # Exploration (both segments): ODF = (6 * 5 + 5 + 3 * 2) / 8 = 5.125 -> 5.13 (half up).
    assert _themes(exploration) == [
        _theme("defense.intellectualization", 4, 4, 3.0, "2025-02-03", "2025-04-07"),
        _theme("transference.negative", 2, 1, 3.5, "2025-02-10", "2025-02-10"),
        _theme("affect.shame", 1, 1, 2.0, "2025-02-03", "2025-02-03"),
        _theme("alliance.repair", 1, 1, 4.0, "2025-04-07", "2025-04-07"),
        _theme("alliance.rupture", 1, 1, 3.0, "2025-03-31", "2025-03-31"),
        _theme("defense.displacement", 1, 1, 2.0, "2025-02-24", "2025-02-24"),
        _theme("defense.isolation_of_affect", 1, 1, 3.0, "2025-02-10", "2025-02-10"),
        _theme("defense.projection", 1, 1, 2.0, "2025-03-31", "2025-03-31"),
        _theme("defense.rationalization", 1, 1, 3.0, "2025-02-03", "2025-02-03"),
        _theme("insight.emerging", 1, 1, 2.0, "2025-02-24", "2025-02-24"),
    ]
    assert exploration["defensive_functioning"]["odf"] == 5.13
    assert _levels(exploration) == {3: 2, 5: 1, 6: 5}
    assert exploration["emerging_themes"] == [
        "alliance.repair",
        "alliance.rupture",
        "defense.displacement",
        "defense.intellectualization",
        "defense.isolation_of_affect",
        "insight.emerging",
    ]
    assert exploration["receding_themes"] == ["defense.denial", "defense.devaluation_of_other"]

    # Working through: high-adaptive defenses. ODF = (7 * 6 + 6 * 2) / 8 = 6.75
    assert _themes(working) == [
        _theme("defense.self_observation", 3, 3, 3.67, "2025-03-03", "2025-03-24"),
        _theme("insight.consolidated", 2, 2, 2.5, "2025-03-10", "2025-03-24"),
        _theme("defense.anticipation", 1, 1, 3.0, "2025-03-24", "2025-03-24"),
        _theme("defense.humor", 1, 1, 2.0, "2025-03-10", "2025-03-10"),
        _theme("defense.intellectualization", 1, 1, 2.0, "2025-03-03", "2025-03-03"),
        _theme("defense.isolation_of_affect", 1, 1, 2.0, "2025-03-17", "2025-03-17"),
        _theme("defense.suppression", 1, 1, 3.0, "2025-03-10", "2025-03-10"),
        _theme("insight.emerging", 1, 1, 3.0, "2025-03-03", "2025-03-03"),
    ]
    assert working["defensive_functioning"]["odf"] == 6.75
    assert _levels(working) == {6: 2, 7: 6}
    assert working["emerging_themes"] == [
        "defense.anticipation",
        "defense.humor",
        "defense.self_observation",
        "defense.suppression",
        "insight.consolidated",
    ]
    # Seen before 2025-03-03 and not while working through (the alliance themes came later).
    assert working["receding_themes"] == [
        "affect.shame",
        "defense.denial",
        "defense.devaluation_of_other",
        "defense.displacement",
        "defense.projection",
        "defense.rationalization",
        "transference.negative",
    ]

    # CCRT, most frequent first, ties by code.
    assert initial["ccrt"]["relationship_episodes"] == 2
    assert initial["ccrt"]["wish"] == [
        {"code": "to_be_close", "count": 1},
        {"code": "to_be_recognized", "count": 1},
    ]
    assert _responses(initial["ccrt"]["response_of_other"]) == [
        ("criticizes", 1, 0, 1),
        ("rejects", 1, 0, 1),
    ]
    assert _responses(initial["ccrt"]["response_of_self"]) == [("withdraws", 2, 0, 2)]
    assert exploration["ccrt"]["relationship_episodes"] == 3
    assert exploration["ccrt"]["wish"] == [{"code": "to_be_close", "count": 3}]
    assert _responses(exploration["ccrt"]["response_of_other"]) == [
        ("rejects", 2, 0, 2),
        ("understands", 1, 1, 0),
    ]
    assert _responses(exploration["ccrt"]["response_of_self"]) == [
        ("asserts_self", 1, 1, 0),
        ("opens_up", 1, 1, 0),
        ("withdraws", 1, 0, 1),
    ]
    assert _responses(working["ccrt"]["response_of_self"]) == [
        ("asserts_self", 1, 1, 0),
        ("opens_up", 1, 1, 0),
    ]

    # Measures by the phase of their administration date; the one before the start is out.
    assert _measures(initial) == [
        ("gad7", 1, 12, 12, 0, "2025-01-06", "2025-01-06", "moderate"),
        ("phq9", 2, 18, 16, -2, "2025-01-06", "2025-01-27", "moderately_severe"),
    ]
    assert _measures(exploration) == [
        ("phq9", 2, 13, 6, -7, "2025-02-24", "2025-04-07", "mild"),
        ("wai_sr", 1, 3.0, 3.0, 0, "2025-02-10", "2025-02-10", None),
    ]
    assert _measures(working) == [
        ("gad7", 1, 7, 7, 0, "2025-03-10", "2025-03-10", "mild"),
        ("phq9", 1, 8, 8, 0, "2025-03-24", "2025-03-24", "mild"),
        ("wai_sr", 1, 4.0, 4.0, 0, "2025-03-17", "2025-03-17", None),
    ]

    # Trajectories: one point per session (highest intensity), with the phase of its date.
    trajectories = {t["code"]: t for t in doc["theme_trajectories"]}
    assert len(trajectories) == 17
    assert [
        (p["on"], p["phase"], p["intensity"])
        for p in trajectories["transference.negative"]["points"]
    ] == [("2025-01-13", "initial", 2), ("2025-02-10", "exploration", 4)]
    assert [
        (p["on"], p["phase"]) for p in trajectories["defense.intellectualization"]["points"]
    ] == [
        ("2025-02-03", "exploration"),
        ("2025-02-10", "exploration"),
        ("2025-02-24", "exploration"),
        ("2025-03-03", "working_through"),
        ("2025-04-07", "exploration"),
    ]
    assert trajectories["transference.negative"]["points"][1] == {
        "on": "2025-02-10",
        "phase": "exploration",
        "intensity": 4,
    }
    filtered = await _progress(
        client, world, story, "?themes=transference.negative,defense.denial,dream.recurring"
    )
    assert [t["code"] for t in filtered["theme_trajectories"]] == [
        "defense.denial",
        "transference.negative",
    ]
    assert filtered["phases"] == doc["phases"]
    by_client = await client.get(
        f"/v1/clients/{story.client_id}/progress", headers=world["therapist"].headers
    )
    assert by_client.status_code == 200
    assert by_client.json() == doc
