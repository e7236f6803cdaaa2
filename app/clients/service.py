"""Client rules: primary therapist, care team, external ids, archiving; flushes, never commits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.clients.schemas import ClientClinicalOut, ClientCreate, ClientOut
from app.db import text_lower, utcnow, uuid7
from app.errors import Conflict, Unprocessable
from app.etag import bump_version
from app.feed import outbox as feed
from app.models import CareTeamMember, Client, Episode, Note, User
from app.roles import CLINICAL_ROLES
from app.security.caller import Caller
from app.security.encryption import KeyRing
from app.security.fields import seal, unseal

_REQUIRED = ("given_name", "family_name", "status", "primary_therapist_id")


async def check_clinician(
    session: AsyncSession, *, practice_id: uuid.UUID, user_id: uuid.UUID, field: str
) -> User:
    """The active therapist or supervisor of this practice named by a field, else 422."""
    user = await session.get(User, user_id)
    if (
        user is None
        or user.practice_id != practice_id
        or not user.active
        or user.role not in CLINICAL_ROLES
    ):
        raise Unprocessable(f"{field} must name an active therapist or supervisor of this practice")
    return user


async def care_teams(
    session: AsyncSession, client_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Care-team user ids per client, in one query."""
    teams: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if not client_ids:
        return teams
    rows = await session.execute(
        select(col(CareTeamMember.client_id), col(CareTeamMember.user_id))
        .where(col(CareTeamMember.client_id).in_(client_ids))
        .order_by(col(CareTeamMember.client_id), col(CareTeamMember.user_id))
    )
    for client_id, user_id in rows:
        teams[client_id].append(user_id)
    return teams


def client_view(
    client: Client, team: list[uuid.UUID], *, ring: KeyRing, clinical: bool
) -> ClientOut | ClientClinicalOut:
    """The client as this caller may see it: demographics, plus concerns when `clinical`."""
    fields: dict[str, Any] = {
        name: getattr(client, name)
        for name in ClientOut.model_fields
        if name not in ("care_team", "view")  # the view is the class, not a column
    }
    if not clinical:
        return ClientOut(**fields, care_team=team)
    concerns = unseal(ring, client, "presenting_concerns")
    return ClientClinicalOut(**fields, care_team=team, presenting_concerns=concerns)


async def _check_external_id(
    session: AsyncSession,
    practice_id: uuid.UUID,
    external_id: str | None,
    client_id: uuid.UUID | None = None,
) -> None:
    if external_id is None:
        return
    query = select(func.count()).where(
        col(Client.practice_id) == practice_id, col(Client.external_id) == external_id
    )
    if client_id is not None:
        query = query.where(col(Client.id) != client_id)
    if (await session.execute(query)).scalar_one():
        raise Conflict("Another client of this practice has this external_id")


async def _check_team(
    session: AsyncSession, practice_id: uuid.UUID, user_ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    team = list(dict.fromkeys(user_ids))
    for user_id in team:
        await check_clinician(
            session, practice_id=practice_id, user_id=user_id, field="care team member"
        )
    return team


async def _flush_unique(session: AsyncSession) -> None:
    """Flush; a unique violation (a concurrent twin with the same external_id) is a 409."""
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("Another client of this practice has this external_id") from None


async def create_client(
    *, session: AsyncSession, ring: KeyRing, caller: Caller, client_in: ClientCreate
) -> tuple[Client, list[uuid.UUID]]:
    """Create a client; a clinician creating it becomes its primary therapist."""
    if caller.has_role(*CLINICAL_ROLES):
        if client_in.primary_therapist_id not in (None, caller.id):
            raise Unprocessable(
                "A clinician creating a client becomes its primary therapist; "
                "add colleagues through care_team"
            )
        primary = caller.id
    elif client_in.primary_therapist_id is None:
        raise Unprocessable("primary_therapist_id is required")
    else:
        primary = client_in.primary_therapist_id
    await check_clinician(
        session, practice_id=caller.practice_id, user_id=primary, field="primary_therapist_id"
    )
    await _check_external_id(session, caller.practice_id, client_in.external_id)
    team = await _check_team(session, caller.practice_id, client_in.care_team)
    data = client_in.model_dump(
        exclude={"care_team", "primary_therapist_id", "presenting_concerns"}
    )
    client = Client(
        id=uuid7(), practice_id=caller.practice_id, primary_therapist_id=primary, **data
    )
    client.presenting_concerns = seal(
        ring, client, "presenting_concerns", client_in.presenting_concerns
    )
    session.add(client)
    await _flush_unique(session)
    for user_id in team:
        session.add(
            CareTeamMember(client_id=client.id, user_id=user_id, practice_id=caller.practice_id)
        )
    await session.flush()
    _changed(session, client, "client.created")
    return client, team


def _changed(session: AsyncSession, client: Client, type: str) -> None:
    feed.record(
        session,
        type=type,
        practice_id=client.practice_id,
        resource_id=client.id,
        client_id=client.id,
    )


async def has_open_episode(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """Whether the client has an open episode of care."""
    found = await session.execute(
        select(func.count()).where(
            col(Episode.client_id) == client_id, col(Episode.status) == "open"
        )
    )
    return bool(found.scalar_one())


async def update_client(
    *,
    session: AsyncSession,
    ring: KeyRing,
    client: Client,
    changes: dict[str, Any],
    expected_version: int,
) -> Client:
    """Apply the sent fields with a compare-and-set on the version (412 when stale)."""
    for field in _REQUIRED:
        if field in changes and changes[field] is None:
            raise Unprocessable(f"{field} cannot be null")
    if client.status == "archived" and set(changes) - {"status"}:
        raise Conflict("An archived client is read-only; set status to active first")
    # The version moves first: it holds the row, so an intake booked at once (which holds
    # the client too) either shows as an open episode below or is refused.
    await bump_version(session, client, expected_version)
    if (
        changes.get("status") in ("discharged", "archived")
        and changes["status"] != client.status
        and await has_open_episode(session, client.id)
    ):
        raise Conflict("Close the client's open episode before discharging or archiving")
    if "primary_therapist_id" in changes:
        await check_clinician(
            session,
            practice_id=client.practice_id,
            user_id=changes["primary_therapist_id"],
            field="primary_therapist_id",
        )
        team = (await care_teams(session, [client.id]))[client.id]
        await _keep_notes_cosignable(session, client.id, {changes["primary_therapist_id"], *team})
    if "external_id" in changes:
        await _check_external_id(session, client.practice_id, changes["external_id"], client.id)
    if "presenting_concerns" in changes:
        changes["presenting_concerns"] = seal(
            ring, client, "presenting_concerns", changes["presenting_concerns"]
        )
    for field, value in changes.items():
        setattr(client, field, value)
    client.updated_at = utcnow()
    session.add(client)
    await _flush_unique(session)
    _changed(session, client, "client.updated")
    return client


async def replace_care_team(
    *, session: AsyncSession, client: Client, user_ids: list[uuid.UUID], expected_version: int
) -> list[uuid.UUID]:
    """Replace the care team (clinicians of the practice) and bump the client's version."""
    if client.status == "archived":
        raise Conflict("An archived client is read-only; set status to active first")
    team = await _check_team(session, client.practice_id, user_ids)
    await bump_version(session, client, expected_version)
    await _keep_notes_cosignable(session, client.id, {client.primary_therapist_id, *team})
    await session.execute(delete(CareTeamMember).where(col(CareTeamMember.client_id) == client.id))
    for user_id in team:
        session.add(
            CareTeamMember(client_id=client.id, user_id=user_id, practice_id=client.practice_id)
        )
    client.updated_at = utcnow()
    session.add(client)
    await session.flush()
    _changed(session, client, "client.updated")
    return sorted(team)


async def _keep_notes_cosignable(
    session: AsyncSession, client_id: uuid.UUID, clinicians: set[uuid.UUID]
) -> None:
    """409 when a clinician leaving the client has a note awaiting cosignature: their
    supervisor reaches the client only through them, and the note could never be signed."""
    waiting = await session.scalar(
        select(func.count()).where(
            col(Note.client_id) == client_id,
            col(Note.kind) == "progress",
            col(Note.status) == "pending_cosign",
            col(Note.author_id).not_in(clinicians),
        )
    )
    if waiting:
        raise Conflict(
            "A clinician leaving this client has notes awaiting cosignature; "
            "their supervisor must cosign or return them first"
        )


def _name_matches(q: str) -> ColumnElement[bool]:
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(
        *(
            text_lower(column).like(pattern, escape="\\")
            for column in (
                col(Client.given_name),
                col(Client.family_name),
                col(Client.preferred_name),
            )
        )
    )


def list_query(
    *,
    caseload: ColumnElement[bool],
    status: str | None,
    therapist_id: uuid.UUID | None,
    external_id: str | None,
    q: str | None,
) -> sa.Select[Client]:
    """Clients in the caller's caseload matching the filters, in keyset order."""
    query = select(Client).where(caseload)
    if status is not None:
        query = query.where(col(Client.status) == status)
    if therapist_id is not None:
        query = query.where(
            or_(
                col(Client.primary_therapist_id) == therapist_id,
                col(Client.id).in_(
                    select(col(CareTeamMember.client_id)).where(
                        col(CareTeamMember.user_id) == therapist_id
                    )
                ),
            )
        )
    if external_id is not None:
        query = query.where(col(Client.external_id) == external_id)
    if q:
        query = query.where(_name_matches(q))
    return query
