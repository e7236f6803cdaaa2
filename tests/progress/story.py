"""A hand-computed episode: sessions, observations, CCRT and measures with known dates.

Timeline (all recorded before any transition, so every transition is back-dated):
initial from 2025-01-06, exploration from 2025-02-03, working through from 2025-03-03, and
back to exploration from 2025-03-31 (a backward move, with its rationale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from tests.conftest import World
from tests.factories import create_client, create_session, move_phase, open_episode
from tests.observations.support import measure, observe, relationship_episode, tell

START = date(2025, 1, 6)
TRANSITIONS = (
    ("exploration", date(2025, 2, 3), None),
    ("working_through", date(2025, 3, 3), None),
    ("exploration", date(2025, 3, 31), "New material about the mother reopens exploration."),
)
# (session number, date, status)
SESSIONS = (
    (1, date(2025, 1, 6), "attended"),
    (2, date(2025, 1, 13), "attended"),
    (3, date(2025, 1, 20), "no_show"),
    (4, date(2025, 1, 27), "attended"),
    (5, date(2025, 2, 3), "attended"),
    (6, date(2025, 2, 10), "attended"),
    (7, date(2025, 2, 17), "cancelled"),
    (8, date(2025, 2, 24), "attended"),
    (9, date(2025, 3, 3), "attended"),
    (10, date(2025, 3, 10), "attended"),
    (11, date(2025, 3, 17), "attended"),
    (12, date(2025, 3, 24), "attended"),
    (13, date(2025, 3, 31), "attended"),
    (14, date(2025, 4, 7), "attended"),
)
OBSERVATIONS = (
    (1, "defense.denial", 4),
    (1, "defense.projection", 3),
    (1, "affect.shame", 2),
    (2, "defense.denial", 3),
    (2, "defense.rationalization", 3),
    (2, "transference.negative", 2),
    (4, "defense.projection", 2),
    (4, "defense.devaluation_of_other", 3),
    (4, "affect.shame", 3),
    (5, "defense.rationalization", 3),
    (5, "defense.intellectualization", 4),
    (5, "affect.shame", 2),
    (6, "defense.intellectualization", 3),
    (6, "defense.isolation_of_affect", 3),
    (6, "transference.negative", 3),
    (6, "transference.negative", 4),
    (8, "defense.displacement", 2),
    (8, "defense.intellectualization", 2),
    (8, "insight.emerging", 2),
    (9, "defense.self_observation", 3),
    (9, "defense.intellectualization", 2),
    (9, "insight.emerging", 3),
    (10, "defense.humor", 2),
    (10, "defense.suppression", 3),
    (10, "insight.consolidated", 2),
    (11, "defense.self_observation", 4),
    (11, "defense.isolation_of_affect", 2),
    (12, "defense.self_observation", 4),
    (12, "defense.anticipation", 3),
    (12, "insight.consolidated", 3),
    (13, "defense.projection", 2),
    (13, "alliance.rupture", 3),
    (14, "defense.intellectualization", 3),
    (14, "alliance.repair", 4),
)
NEG, POS = "negative", "positive"
RELATIONSHIP_EPISODES = (
    (2, "mother", "to_be_close", ("rejects", NEG), ("withdraws", NEG)),
    (4, "boss", "to_be_recognized", ("criticizes", NEG), ("withdraws", NEG)),
    (6, "partner", "to_be_close", ("rejects", NEG), ("withdraws", NEG)),
    (8, "therapist", "to_be_close", ("understands", POS), ("opens_up", POS)),
    (13, "mother", "to_be_close", ("rejects", NEG), ("asserts_self", POS)),
    (10, "partner", "to_be_close", ("understands", POS), ("opens_up", POS)),
    (11, "boss", "to_be_recognized", ("criticizes", NEG), ("asserts_self", POS)),
)
# (instrument, items, administered_on, session number giving the date instead)
MEASURES: tuple[tuple[str, list[int], date | None, int | None], ...] = (
    ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], date(2024, 12, 30), None),  # before the episode
    ("phq9", [2, 2, 2, 2, 2, 2, 2, 3, 1], None, 1),  # 18, item 9 flagged
    ("gad7", [2, 2, 2, 2, 2, 1, 1], date(2025, 1, 6), None),  # 12
    ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0], date(2025, 1, 27), None),  # 16
    ("wai_sr", [3] * 12, date(2025, 2, 10), None),
    ("phq9", [2, 2, 2, 2, 1, 1, 1, 2, 0], date(2025, 2, 24), None),  # 13
    ("gad7", [1] * 7, date(2025, 3, 10), None),  # 7
    ("wai_sr", [4] * 12, date(2025, 3, 17), None),
    ("phq9", [1] * 8 + [0], date(2025, 3, 24), None),  # 8
    ("phq9", [1, 1, 1, 1, 1, 1, 0, 0, 0], date(2025, 4, 7), None),  # 6
)


@dataclass
class Story:
    """Ids of what the story created."""

    client_id: str
    episode_id: str
    sessions: dict[int, str] = field(default_factory=dict)


async def record_story(http: httpx.AsyncClient, world: World) -> Story:
    """Create the client, episode, sessions, observations, CCRT and measures (no transitions)."""
    headers = world["therapist"].headers
    created = await create_client(http, headers)
    episode = await open_episode(http, headers, created["id"], started_on=START)
    story = Story(client_id=created["id"], episode_id=episode["id"])
    for number, on, status in SESSIONS:
        visit = await create_session(http, headers, created["id"], on=on, status=status)
        story.sessions[number] = visit["id"]
    for number, code, intensity in OBSERVATIONS:
        await observe(http, headers, story.sessions[number], code, intensity)
    for number, other, wish, response, own in RELATIONSHIP_EPISODES:
        body = relationship_episode(other, wish, response, own)
        await tell(http, headers, story.sessions[number], body)
    for instrument, items, given_on, given_session in MEASURES:
        fields: dict[str, Any] = {}
        if given_on is not None:
            fields["administered_on"] = given_on.isoformat()
        if given_session is not None:
            fields["session_id"] = story.sessions[given_session]
        await measure(http, headers, story.client_id, instrument, items, **fields)
    return story


async def record_transitions(http: httpx.AsyncClient, world: World, story: Story) -> None:
    """The back-dated phase moves, the last one backward with a rationale."""
    for phase, on, rationale in TRANSITIONS:
        await move_phase(http, world["therapist"].headers, story.episode_id, phase, on, rationale)
