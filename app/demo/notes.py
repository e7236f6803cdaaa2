"""Demo notes: signed progress notes on past sessions, a few drafts, one note awaiting cosign.

Called by the demo seed with the attended sessions it created (oldest first). Each client's
latest session is left unfinished — a draft for a therapist, a note awaiting cosignature for
the trainee — so a newcomer can try the lifecycle; everything older is signed (and cosigned
for the trainee). Two psychotherapy notes show the private side: one kept to its author, one
a trainee shared with the supervisor.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import Episode, Note, TherapySession, User
from app.security.encryption import KeyRing
from app.security.fields import seal

_BODIES = (
    "Arrived early and spoke of the week at work; long silences when the topic turned to home.",
    "Brought a dream of a house with a locked room; associations led to the parents' divorce.",
    "Angry that the last session was moved; we linked it to being left waiting as a child.",
    "Talked about the sister's visit; noticed how quickly she took care of everyone else.",
    "Quieter today. Grief came up around the anniversary; stayed with it rather than moving on.",
    "Reported standing up to a colleague for the first time; curious and a little afraid of it.",
)
_INTERVENTIONS = (
    ["clarification", "supportive"],
    ["dream_work", "interpretation"],
    ["transference_interpretation", "clarification"],
    ["defense_interpretation", "confrontation"],
    ["supportive", "psychoeducation"],
    ["interpretation", "clarification"],
)
_PLANS = (
    "Continue weekly; follow the theme of waiting.",
    "Keep the frame; revisit the dream if it returns.",
    "Weekly; name the anger at breaks when it shows.",
)
_PRIVATE = {
    "therapist": "Felt protective and a little bored; wondering what the boredom keeps out.",
    "trainee": "I wanted to rescue her today. Bring the urge to supervision.",
}


def _note(
    visit: TherapySession, author: User, ring: KeyRing, index: int, *, kind: str = "progress"
) -> Note:
    note = Note(
        practice_id=visit.practice_id,
        session_id=visit.id,
        client_id=visit.client_id,
        kind=kind,
        author_id=author.id,
        interventions=list(_INTERVENTIONS[index % len(_INTERVENTIONS)])
        if kind == "progress"
        else [],
        risk_level=("low" if index % 7 == 3 else "none") if kind == "progress" else None,
        created_at=visit.starts_at + timedelta(hours=1),
        updated_at=visit.starts_at + timedelta(hours=1),
    )
    if kind == "progress":
        note.body = seal(ring, note, "body", _BODIES[index % len(_BODIES)])
        note.plan = seal(ring, note, "plan", _PLANS[index % len(_PLANS)])
        if note.risk_level == "low":
            note.risk_details = seal(
                ring,
                note,
                "risk_details",
                "Fleeting hopelessness; no plan or intent; safety plan kept.",
            )
    else:
        note.body = seal(ring, note, "body", _PRIVATE.get(_role_key(author), _PRIVATE["therapist"]))
    return note


def _role_key(author: User) -> str:
    return "trainee" if author.requires_cosign else "therapist"


def _sign(
    note: Note,
    author: User,
    supervisor_id: uuid.UUID | None,
    visit: TherapySession,
    *,
    finished: bool,
) -> None:
    """Move a note along its lifecycle as its author (and supervisor) would have."""
    note.signed_at, note.signed_by = visit.starts_at + timedelta(hours=3), author.id
    note.version = 2
    if note.kind == "progress" and author.requires_cosign:
        note.status = "pending_cosign"
        if finished and supervisor_id is not None:
            note.status, note.version = "signed", 3
            note.cosigned_at = visit.starts_at + timedelta(days=1)
            note.cosigned_by = supervisor_id
    else:
        note.status = "signed"
    note.updated_at = note.cosigned_at or note.signed_at


async def seed_notes(
    *,
    session: AsyncSession,
    visits: list[TherapySession],
    users: Mapping[str, User],
    ring: KeyRing,
) -> int:
    """Write the demo notes on these attended sessions (once); returns how many were written."""
    authors = {user.id: user for user in users.values()}
    closed = set(
        (
            await session.execute(
                select(col(Episode.id)).where(
                    col(Episode.id).in_({v.episode_id for v in visits}),
                    col(Episode.status) == "closed",
                )
            )
        ).scalars()
    )
    written = set(
        (
            await session.execute(
                select(col(Note.session_id)).where(col(Note.session_id).in_([v.id for v in visits]))
            )
        ).scalars()
    )
    visits = [v for v in visits if v.id not in written]  # seeding twice writes nothing new
    latest: dict[uuid.UUID, TherapySession] = {}
    for visit in visits:
        if visit.episode_id not in closed:  # a closed episode's notes are all finished
            latest[visit.client_id] = visit
    notes: list[Note] = []
    private_written: set[str] = set()
    for index, visit in enumerate(visits):
        author = authors[visit.therapist_id]
        note = _note(visit, author, ring, index)
        last = visit.client_id in latest and latest[visit.client_id].id == visit.id
        if not (last and not author.requires_cosign):
            _sign(note, author, author.supervisor_id, visit, finished=not last)
        notes.append(note)
        role = _role_key(author)
        if last and role not in private_written:
            private = _note(visit, author, ring, index, kind="psychotherapy")
            private.share_with_supervisor = author.requires_cosign
            _sign(private, author, None, visit, finished=True)
            notes.append(private)
            private_written.add(role)
    session.add_all(notes)
    await session.flush()
    return len(notes)
