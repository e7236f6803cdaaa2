"""The caseload report: per-client current phase, sessions, latest measures, open risk flags."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import (
    create_client,
    create_session,
    days_ago,
    make_api_key,
    move_phase,
    open_episode,
    problem,
)
from tests.observations.support import measure, write_progress_note


async def test_caseload_rows_and_summary(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    therapist = world["therapist"].headers
    # Alpha: initial for 30 days, four attended sessions and one still to come.
    alpha = await create_client(client, therapist, given_name="Ann", family_name="Alpha")
    await open_episode(client, therapist, alpha["id"], started_on=days_ago(29))
    for days in (28, 21, 14, 7):
        await create_session(client, therapist, alpha["id"], on=days_ago(days))
    tomorrow = datetime.now(UTC).date() + timedelta(days=3)
    await create_session(client, therapist, alpha["id"], on=tomorrow, status="scheduled")
    # Beta: exploration since 20 days ago; flagged by PHQ-9 item 9 and by a progress note.
    beta = await create_client(client, therapist, given_name="Ben", family_name="Beta")
    episode = await open_episode(client, therapist, beta["id"], started_on=days_ago(60))
    await create_session(client, therapist, beta["id"], on=days_ago(50))
    await create_session(client, therapist, beta["id"], on=days_ago(14))
    await create_session(client, therapist, beta["id"], on=days_ago(10), status="no_show")
    last = await create_session(client, therapist, beta["id"], on=days_ago(7))
    await move_phase(client, therapist, episode["id"], "exploration", days_ago(19))
    phq = [2, 2, 2, 2, 2, 2, 2, 2, 2]
    await measure(client, therapist, beta["id"], "phq9", phq, administered_on=str(days_ago(14)))
    phq = [1, 1, 1, 2, 2, 2, 1, 1, 1]
    await measure(client, therapist, beta["id"], "phq9", phq, session_id=last["id"])
    await measure(client, therapist, beta["id"], "gad7", [1] * 7, session_id=last["id"])
    await write_progress_note(state, last["id"], status="draft", risk_level="high")
    # Gamma: no episode yet. Delta: a trainee's client. Epsilon: therapist2's.
    gamma = await create_client(client, therapist, given_name="Cal", family_name="Gamma")
    delta = await create_client(client, world["trainee"].headers, family_name="Delta")
    await open_episode(client, world["trainee"].headers, delta["id"], started_on=days_ago(5))
    await create_client(client, world["therapist2"].headers, family_name="Epsilon")

    response = await client.get("/v1/reports/caseload", headers=therapist)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["summary"] == {
        "clients": 3,
        "by_phase": {"initial": 1, "exploration": 1, "working_through": 0, "termination": 0},
        "without_open_episode": 1,
        "with_risk_flags": 1,
    }
    rows = {row["family_name"]: row for row in report["items"]}
    assert list(rows) == ["Alpha", "Beta", "Gamma"]
    a, b, c = rows["Alpha"], rows["Beta"], rows["Gamma"]
    assert (a["current_phase"], a["phase_since"], a["days_in_phase"]) == (
        "initial",
        str(days_ago(29)),
        30,
    )
    assert (a["sessions_in_phase"], a["last_session_on"]) == (4, str(days_ago(7)))
    assert a["phq9"] is None
    assert a["gad7"] is None
    assert a["risk_flags"] == []
    assert (b["current_phase"], b["days_in_phase"], b["sessions_in_phase"]) == (
        "exploration",
        20,
        2,
    )
    assert b["episode_id"] == episode["id"]
    assert b["last_session_on"] == str(days_ago(7))
    assert b["phq9"] == {"total": 12, "severity": "moderate", "administered_on": str(days_ago(7))}
    assert b["gad7"] == {"total": 7, "severity": "mild", "administered_on": str(days_ago(7))}
    assert b["risk_flags"] == [
        {"source": "phq9_item9", "on": str(days_ago(7)), "level": None},
        {"source": "progress_note", "on": str(days_ago(7)), "level": "high"},
    ]
    assert c["client_id"] == gamma["id"]
    assert c["current_phase"] is None
    assert (c["episode_id"], c["days_in_phase"], c["sessions_in_phase"]) == (None, None, 0)

    filtered = await client.get("/v1/reports/caseload?phase=exploration", headers=therapist)
    assert [row["family_name"] for row in filtered.json()["items"]] == ["Beta"]
    assert filtered.json()["summary"] == report["summary"]
    problem(await client.get("/v1/reports/caseload?phase=done", headers=therapist), 422)

    # A supervisor sees the supervisees' caseloads; therapist_id narrows to one clinician.
    supervisor = world["supervisor"].headers
    supervised = (await client.get("/v1/reports/caseload", headers=supervisor)).json()
    assert [row["family_name"] for row in supervised["items"]] == ["Delta"]
    assert supervised["summary"]["by_phase"]["initial"] == 1
    narrowed = await client.get(
        f"/v1/reports/caseload?therapist_id={world['therapist'].id}", headers=supervisor
    )
    assert narrowed.json()["items"] == []


async def test_caseload_roles(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    for name in ("admin", "auditor"):
        problem(await client.get("/v1/reports/caseload", headers=world[name].headers), 403)
    reader = await make_api_key(state, world, ["progress:read"])
    problem(await client.get("/v1/reports/caseload", headers=reader), 403)
    empty = await client.get("/v1/reports/caseload", headers=world["therapist2"].headers)
    assert empty.status_code == 200
    assert empty.json()["items"] == []


async def test_caseload_event_names_the_clients_its_summary_counts(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    flagged = await create_client(client, me, family_name="Flagged")
    await open_episode(client, me, flagged["id"], started_on=days_ago(10))
    # PHQ-9 item 9 > 0: a risk flag on this client (clinical content).
    await measure(client, me, flagged["id"], "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
    rid = uuid.uuid4().hex
    # The only client is in `initial`: the filtered list is empty, the summary is not.
    response = await client.get(
        "/v1/reports/caseload?phase=termination", headers={**me, "X-Request-ID": rid}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["items"] == []
    assert report["summary"]["with_risk_flags"] == 1  # data derived from `flagged`
    [event] = await events_of_request(state, rid)
    # SPEC §6: client_ids = every client whose data the response held.
    assert event.client_ids == [flagged["id"]]
