"""Demo clinical data: clients with episodes in each phase and weeks of past sessions.

`seed_clinical` returns the attended sessions (oldest first) so that other demo seeders can
write notes, observations or measures on them; each session's `therapist_id` is the
clinician who would author them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import uuid7
from app.models import CareTeamMember, Client, Episode, PhaseTransition, TherapySession, User
from app.security.encryption import KeyRing
from app.security.fields import seal


@dataclass(frozen=True)
class DemoCase:
    """One demo client: who treats them, and the phase history in weeks since the start."""

    given_name: str
    family_name: str
    therapist: str
    concerns: str
    goals: str
    weeks: int
    moves: tuple[tuple[int, str, str | None], ...]  # (week, phase, rationale)
    utc_offset_hours: int = 0
    closed_reason: str | None = None
    care_team: tuple[str, ...] = ()


CASES = (
    DemoCase(
        "Mara",
        "Lindqvist",
        "therapist",
        "Sleeplessness and dread since starting a new job.",
        "Understand the dread; agree a frame for weekly work.",
        3,
        (),
    ),
    DemoCase(
        "Jonas",
        "Okafor",
        "therapist",
        "Recurrent breakups; feels nobody stays.",
        "Explore the pattern of leaving before being left.",
        12,
        ((4, "exploration", None),),
        utc_offset_hours=-5,
    ),
    DemoCase(
        "Elena",
        "Duarte",
        "trainee",
        "Harsh self-criticism, low mood after her mother's death.",
        "Mourn; soften the inner critic.",
        30,
        ((6, "exploration", None), (18, "working_through", None)),
        care_team=("therapist",),
    ),
    DemoCase(
        "Peter",
        "Wu",
        "therapist",
        "Anger at work, conflicts with authority.",
        "Link the anger to early experiences; keep his job.",
        40,
        (
            (5, "exploration", None),
            (15, "working_through", None),
            (22, "exploration", "A dream about his father reopened exploration."),
            (26, "working_through", None),
            (36, "termination", None),
        ),
        utc_offset_hours=1,
    ),
    DemoCase(
        "Ruth",
        "Abrams",
        "trainee",
        "Panic attacks when travelling.",
        "Travel alone again.",
        16,
        ((3, "exploration", None), (8, "working_through", None), (13, "termination", None)),
        closed_reason="completed",
    ),
)


def _status(case_index: int, week: int) -> str:
    """Mostly attended, with the odd cancellation and no-show."""
    if (week + case_index) % 9 == 4:
        return "cancelled"
    if (week + case_index) % 13 == 7:
        return "no_show"
    return "attended"


async def seed_clinical(
    *,
    session: AsyncSession,
    practice_id: uuid.UUID,
    users: Mapping[str, User],
    ring: KeyRing,
    today: date | None = None,
) -> list[TherapySession]:
    """Seed the demo clients, episodes, phase histories and weekly sessions."""
    today = today or datetime.now(UTC).date()
    attended: list[TherapySession] = []
    for index, case in enumerate(CASES):
        therapist = users[case.therapist]
        started = today - timedelta(weeks=case.weeks, days=1)
        client = Client(
            id=uuid7(),
            practice_id=practice_id,
            given_name=case.given_name,
            family_name=case.family_name,
            primary_therapist_id=therapist.id,
            external_id=f"demo-{index + 1}",
            status="discharged" if case.closed_reason else "active",
        )
        client.presenting_concerns = seal(ring, client, "presenting_concerns", case.concerns)
        episode = Episode(
            id=uuid7(),
            practice_id=practice_id,
            client_id=client.id,
            therapist_id=therapist.id,
            started_on=started,
            current_phase=case.moves[-1][1] if case.moves else "initial",
        )
        episode.goals = seal(ring, episode, "goals", case.goals)
        if case.closed_reason:
            episode.status, episode.close_reason = "closed", case.closed_reason
            episode.ended_on = started + timedelta(weeks=case.weeks - 1, days=1)
            episode.close_summary = seal(
                ring, episode, "close_summary", "Planned ending; relapse prevention agreed."
            )
        session.add_all([client, episode])
        await session.flush()
        for name in case.care_team:
            session.add(
                CareTeamMember(client_id=client.id, user_id=users[name].id, practice_id=practice_id)
            )
        history = [(0, "initial", None), *case.moves]
        for position, (week, phase, rationale) in enumerate(history):
            transition = PhaseTransition(
                id=uuid7(),
                practice_id=practice_id,
                episode_id=episode.id,
                position=position,
                from_phase=history[position - 1][1] if position else None,
                to_phase=phase,
                effective_on=started + timedelta(weeks=week),
                recorded_by=therapist.id,
            )
            transition.rationale = seal(ring, transition, "rationale", rationale)
            session.add(transition)
        zone = timezone(timedelta(hours=case.utc_offset_hours))
        last_week = case.weeks - (1 if case.closed_reason else 0)
        for week in range(last_week):
            on = started + timedelta(weeks=week, days=1)
            starts_at = datetime.combine(on, time(17 if week % 2 else 10), tzinfo=zone)
            visit = TherapySession(
                practice_id=practice_id,
                client_id=client.id,
                episode_id=episode.id,
                therapist_id=therapist.id,
                starts_at=starts_at.astimezone(UTC),
                starts_on=on,
                utc_offset_minutes=case.utc_offset_hours * 60,
                duration_minutes=50,
                modality="video" if week % 5 == 3 else "in_person",
                status=_status(index, week),
            )
            session.add(visit)
            if visit.status == "attended":
                attended.append(visit)
        if not case.closed_reason:
            upcoming = datetime.combine(today + timedelta(days=6), time(10), tzinfo=zone)
            session.add(
                TherapySession(
                    practice_id=practice_id,
                    client_id=client.id,
                    episode_id=episode.id,
                    therapist_id=therapist.id,
                    starts_at=upcoming.astimezone(UTC),
                    starts_on=upcoming.date(),
                    utc_offset_minutes=case.utc_offset_hours * 60,
                    duration_minutes=50,
                    modality="in_person",
                    status="scheduled",
                )
            )
    await session.flush()
    return sorted(attended, key=lambda s: s.starts_at)
