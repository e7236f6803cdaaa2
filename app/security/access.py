"""The one place that decides who may reach which client's data (SPEC §2).

Routes ask `authorize_client` (or `caseload_clause` for lists); nothing else re-implements
caseload, supervision, scope or break-the-glass rules. Out-of-reach objects are 404, a role
that may never do the action is 403.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.errors import Forbidden, NotFound
from app.models import CareTeamMember, Client, User
from app.security.caller import Caller


class Area(StrEnum):
    """Kinds of client data with distinct rules."""

    DEMOGRAPHICS = "demographics"
    SESSIONS = "sessions"
    CLINICAL = "clinical"  # episodes, phases, observations, CCRT, measures, progress
    NOTES = "notes"  # progress notes (psychotherapy notes have their own rule)


class Reach(StrEnum):
    """How the caller relates to a client."""

    ADMIN = "admin"
    API_KEY = "api_key"
    CARE_TEAM = "care_team"
    SUPERVISION = "supervision"
    BREAK_GLASS = "break_glass"
    NONE = "none"


_SCOPES = {
    (Area.DEMOGRAPHICS, False): "clients:read",
    (Area.DEMOGRAPHICS, True): "clients:write",
    (Area.SESSIONS, False): "sessions:read",
    (Area.SESSIONS, True): "sessions:write",
    (Area.CLINICAL, False): "progress:read",
    (Area.NOTES, False): "notes:read",
}


def check_role(caller: Caller, area: Area, *, write: bool) -> None:
    """403 when the caller's role or scopes can never do this, whatever the client."""
    if caller.kind == "api_key":
        scope = _SCOPES.get((area, write))
        if scope is None or scope not in caller.scopes:
            raise Forbidden("This API key's scopes do not allow this operation")
        return
    if caller.role in ("therapist", "supervisor"):
        return
    if caller.role == "admin" and area in (Area.DEMOGRAPHICS, Area.SESSIONS):
        return
    raise Forbidden("Your role may not access this data")


def _supervised_ids(supervisor_id: uuid.UUID) -> sa.Select[tuple[uuid.UUID]]:
    return select(User.id).where(User.supervisor_id == supervisor_id)  # type: ignore[arg-type]


def caseload_clause(caller: Caller, *, include_supervised: bool = True) -> ColumnElement[bool]:
    """SQL condition on Client: clients the caller reaches without breaking the glass."""
    if caller.kind == "api_key" or caller.role == "admin":
        return Client.practice_id == caller.practice_id  # type: ignore[return-value]
    own = sa.or_(
        Client.primary_therapist_id == caller.id,
        Client.id.in_(  # type: ignore[attr-defined]
            select(CareTeamMember.client_id).where(CareTeamMember.user_id == caller.id)
        ),
    )
    if caller.role != "supervisor" or not include_supervised:
        return sa.and_(Client.practice_id == caller.practice_id, own)
    supervised = _supervised_ids(caller.id)
    return sa.and_(
        Client.practice_id == caller.practice_id,
        sa.or_(
            own,
            Client.primary_therapist_id.in_(supervised),  # type: ignore[attr-defined]
            Client.id.in_(  # type: ignore[attr-defined]
                select(CareTeamMember.client_id).where(CareTeamMember.user_id.in_(supervised))  # type: ignore[attr-defined]
            ),
        ),
    )


async def reach(session: AsyncSession, caller: Caller, client: Client) -> Reach:
    """The caller's relation to a client of the same practice."""
    if caller.kind == "api_key":
        return Reach.API_KEY
    if caller.role == "admin":
        return Reach.ADMIN
    if client.primary_therapist_id == caller.id:
        return Reach.CARE_TEAM
    team = list(
        (
            await session.execute(
                select(CareTeamMember.user_id).where(CareTeamMember.client_id == client.id)
            )
        ).scalars()
    )
    if caller.id in team:
        return Reach.CARE_TEAM
    if caller.role == "supervisor":
        members = [client.primary_therapist_id, *team]
        supervised = await session.execute(
            select(sa.func.count()).where(
                User.id.in_(members),  # type: ignore[attr-defined]
                User.supervisor_id == caller.id,
            )
        )
        if supervised.scalar_one():
            return Reach.SUPERVISION
    return Reach.BREAK_GLASS if caller.break_glass_reason else Reach.NONE


async def authorize_client(
    *,
    session: AsyncSession,
    caller: Caller,
    client: Client,
    area: Area,
    write: bool,
    ctx: AuditContext | None = None,
) -> Reach:
    """Allow or refuse an action on one client's data; records the client in the audit."""
    if ctx is not None:
        ctx.add_clients(client.id)
    if client.practice_id != caller.practice_id:
        raise NotFound("Not found")
    check_role(caller, area, write=write)
    relation = await reach(session, caller, client)
    if relation == Reach.NONE:
        raise NotFound("Not found")
    if relation == Reach.SUPERVISION and write and area in (Area.CLINICAL, Area.NOTES):
        raise Forbidden("Supervisors have read access to their supervisees' clinical records")
    return relation


async def load_client(
    *,
    session: AsyncSession,
    caller: Caller,
    client_id: uuid.UUID,
    area: Area,
    write: bool,
    ctx: AuditContext | None = None,
) -> tuple[Client, Reach]:
    """Load a client the caller may reach for this purpose, or 404/403."""
    if ctx is not None:
        ctx.add_clients(client_id)
    client = await session.get(Client, client_id)
    if client is None or client.practice_id != caller.practice_id:
        check_role(caller, area, write=write)
        raise NotFound("Not found")
    relation = await authorize_client(
        session=session, caller=caller, client=client, area=area, write=write, ctx=ctx
    )
    return client, relation
