"""A practice's day through the generated SDK (clients/python) against a real server.

The SDK is what `make sdk` generates from the document; this drives it like an
integrator would, against `notes-api serve` on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from session_notes_client import AuthenticatedClient, Client
from session_notes_client.api.api_keys import create_api_key
from session_notes_client.api.audit import export_events, list_events
from session_notes_client.api.auth import create_token
from session_notes_client.api.clients import create_client
from session_notes_client.api.episodes import get_episode
from session_notes_client.api.measures import create_measure
from session_notes_client.api.notes import create_note, sign_note
from session_notes_client.api.observations import create_observation
from session_notes_client.api.progress import get_client_progress
from session_notes_client.api.sessions import create_session, get_session
from session_notes_client.api.themes import list_themes
from session_notes_client.api.users import list_users
from session_notes_client.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyScope,
    ApiKeyStatus,
    AuditEventPage,
    ClientCreate,
    ClientOut,
    CreateTokenForm,
    EpisodeOut,
    ExportFormat,
    Instrument,
    MeasureCreate,
    MeasureOut,
    NoteCreate,
    NoteKind,
    NoteOut,
    NoteStatus,
    ObservationCreate,
    ObservationOut,
    Phase,
    Progress,
    PurposeOfUse,
    SessionBooked,
    SessionClinicalOut,
    SessionCreate,
    SessionStatus,
    ThemePage,
    TokenOut,
    UserPage,
)

from tests.scratch_database import scratch_database
from tests.server_process import free_port, start_server, stop_server

pytestmark = pytest.mark.server


def login(base_url: str, email: str, password: str) -> AuthenticatedClient:
    """A client authenticated as a demo user."""
    with Client(base_url=base_url) as anonymous:
        token = create_token.sync(
            client=anonymous, body=CreateTokenForm(username=email, password=password)
        )
    assert isinstance(token, TokenOut), token
    return AuthenticatedClient(
        base_url=base_url, token=token.access_token, timeout=httpx.Timeout(30)
    )


def test_practice_workflow_through_the_sdk(tmp_path: Path) -> None:
    with scratch_database("postgresql", tmp_path) as url:
        port = free_port()
        process = start_server(tmp_path, port, env={"NOTES_DATABASE_URL": url, "NOTES_DEMO": "1"})
        try:
            run_workflow(f"http://127.0.0.1:{port}")
        finally:
            stop_server(process)


def run_workflow(base_url: str) -> None:
    """The scheduler's part (an API key an admin made), the therapist's, then the auditor's."""
    with login(base_url, "admin@demo.example", "demo-admin-pass") as admin:
        made = create_api_key.sync(
            client=admin,
            body=ApiKeyCreate(
                name="Scheduling system",
                scopes=[
                    ApiKeyScope.CLIENTSREAD,
                    ApiKeyScope.CLIENTSWRITE,
                    ApiKeyScope.SESSIONSWRITE,
                    ApiKeyScope.USERSREAD,
                ],
            ),
        )
    assert isinstance(made, ApiKeyCreated), made
    assert made.status == ApiKeyStatus.ACTIVE  # operational scopes work at once
    assert isinstance(made.key, str)  # null only in an idempotent replay
    with AuthenticatedClient(base_url=base_url, token=made.key) as scheduler:
        client_id, session_id = book_intake(scheduler)
    with login(base_url, "therapist@demo.example", "demo-therapist-pass") as therapist:
        therapists_day(therapist, client_id, session_id)
    with login(base_url, "auditor@demo.example", "demo-auditor-pass") as auditor:
        audit(auditor, client_id)


def book_intake(scheduler: AuthenticatedClient) -> tuple[UUID, UUID]:
    """A scheduling system picks a therapist, adds a new client, books the first session;
    the booking opens the client's episode (SPEC §9)."""
    staff = list_users.sync(client=scheduler)
    assert isinstance(staff, UserPage), staff
    [thea] = [u for u in staff.items if u.display_name == "Thea Therapist"]
    created = create_client.sync(
        client=scheduler,
        body=ClientCreate(
            given_name="Iris",
            family_name="Intake",
            external_id="crm-20931",
            primary_therapist_id=thea.id,
        ),
    )
    assert isinstance(created, ClientOut), created  # demographics only: no clinical scope
    booked = create_session.sync(
        client=scheduler,
        body=SessionCreate(
            client_id=created.id,
            starts_at=datetime.now(UTC) - timedelta(days=7),
            status=SessionStatus.ATTENDED,
        ),
    )
    # No sessions:read: the booking view, without what the client's record decided.
    assert isinstance(booked, SessionBooked), booked
    assert booked.episode_opened is True
    assert booked.client_id == created.id
    return created.id, booked.id


def therapists_day(therapist: AuthenticatedClient, client_id: UUID, session_id: UUID) -> None:
    """The intake session's findings and signed note, a PHQ-9, and progress by phase."""
    treat = PurposeOfUse.TREAT
    visit = get_session.sync(session_id, client=therapist, x_purpose_of_use=treat)
    assert isinstance(visit, SessionClinicalOut), visit
    assert visit.phase == Phase.INITIAL
    episode = get_episode.sync(visit.episode_id, client=therapist)
    assert isinstance(episode, EpisodeOut), episode
    assert episode.current_phase == Phase.INITIAL

    drafted = create_note.sync_detailed(
        visit.id,
        client=therapist,
        body=NoteCreate(kind=NoteKind.PROGRESS, body="Slept badly; dreams of the old house."),
        x_purpose_of_use=treat,
    )
    assert isinstance(drafted.parsed, NoteOut), drafted.content
    themes = list_themes.sync(client=therapist)
    assert isinstance(themes, ThemePage), themes
    observed = create_observation.sync(
        visit.id,
        client=therapist,
        body=ObservationCreate(theme_code=themes.items[0].code, intensity=3, evidence="Dream."),
    )
    assert isinstance(observed, ObservationOut), observed
    phq9 = create_measure.sync(
        client_id,
        client=therapist,
        body=MeasureCreate(
            instrument=Instrument.PHQ9, items=[1, 2, 1, 2, 1, 0, 1, 0, 0], session_id=visit.id
        ),
    )
    assert isinstance(phq9, MeasureOut), phq9
    assert phq9.severity is not None

    signed = sign_note.sync(
        drafted.parsed.id,
        client=therapist,
        if_match=drafted.headers["ETag"],
        x_purpose_of_use=treat,
    )
    assert isinstance(signed, NoteOut), signed
    assert signed.status == NoteStatus.SIGNED

    progress = get_client_progress.sync(client_id, client=therapist, x_purpose_of_use=treat)
    assert isinstance(progress, Progress), progress
    [initial] = [p for p in progress.phases if p.phase == Phase.INITIAL]
    assert initial.sessions.attended == 1


def audit(auditor: AuthenticatedClient, client_id: UUID) -> None:
    """The auditor finds the day's events about the client and exports the log."""
    found = list_events.sync(client=auditor, client_id=client_id, limit=200)
    assert isinstance(found, AuditEventPage), found
    actions = {event.action for event in found.items}
    assert {"client.create", "session.create", "note.sign", "measure.create"} <= actions
    exported = export_events.sync_detailed(client=auditor, format_=ExportFormat.NDJSON)
    assert exported.status_code == 200
    lines = [json.loads(line) for line in exported.content.splitlines() if line]
    assert str(client_id) in {c for event in lines for c in event["client_ids"]}
