"""What the database knows of a resource a path names and of the caller's relation to its client.

`app/security/access.py` decides; this module only fetches, in the columns of one statement:
the resource's row, its client's practice and primary therapist, whether the caller is on
the client's care team, and whether the caller supervises the primary therapist or a
care-team member. `app/security/caller.py` adds these columns to the statement that
authenticates the caller, so a request that names one resource resolves its caller,
revocation, resource and reach in one round trip; a resource loaded later in the request
(a finding's session) takes the same columns in a statement of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.db import connection_of
from app.driver import DriverStatement
from app.models import (
    CareTeamMember,
    Client,
    Episode,
    Measure,
    Note,
    Observation,
    RelationshipEpisode,
    TherapySession,
    User,
)

if TYPE_CHECKING:
    from app.security.caller import Caller

_CLIENT: Final = Client.__table__  # type: ignore[attr-defined]
_TEAM: Final = CareTeamMember.__table__  # type: ignore[attr-defined]
_USER: Final = User.__table__  # type: ignore[attr-defined]
_REACH_CLIENT: Final = _CLIENT.alias("reach_client")
_AUTHOR: Final = _USER.alias("reach_author")

# Resource kinds (the `resource_type` a route's `audited` names for its `{id}`) that belong to
# one client, with their tables.
MODELS: Final[dict[str, type[SQLModel]]] = {
    "client": Client,
    "episode": Episode,
    "session": TherapySession,
    "note": Note,
    "observation": Observation,
    "relationship_episode": RelationshipEpisode,
    "measure": Measure,
}
KINDS: Final = {model: kind for kind, model in MODELS.items()}


@dataclass(frozen=True)
class ClientFacts:
    """A client as the access rules see it, and the caller's ties to it."""

    id: uuid.UUID
    practice_id: uuid.UUID
    primary_therapist_id: uuid.UUID
    in_team: bool
    supervises: bool  # the caller supervises the primary therapist or a care-team member


@dataclass(frozen=True)
class AuthorFacts:
    """A note's author as the psychotherapy-note rule sees them."""

    supervisor_id: uuid.UUID | None
    requires_cosign: bool


@dataclass(frozen=True)
class Found:
    """A resource of one kind by id: its row as a detached model, and its client's facts."""

    kind: str
    id: uuid.UUID
    row: Any | None  # an instance of MODELS[kind], not attached to any session
    client: ClientFacts | None
    author: AuthorFacts | None = None


_CALLER_ID: Final = sa.bindparam("reach_caller_id", type_=sa.Uuid())
_TARGET_ID: Final = sa.bindparam("reach_target_id", type_=sa.Uuid())


def _fact_columns(client: sa.FromClause, *, with_ties: bool) -> list[sa.ColumnElement[Any]]:
    if with_ties:
        supervised = sa.select(_USER.c.id).where(_USER.c.supervisor_id == _CALLER_ID)
        in_team: sa.ColumnElement[bool] = sa.exists().where(
            _TEAM.c.client_id == client.c.id, _TEAM.c.user_id == _CALLER_ID
        )
        supervises: sa.ColumnElement[bool] = sa.or_(
            client.c.primary_therapist_id.in_(supervised),
            sa.exists().where(_TEAM.c.client_id == client.c.id, _TEAM.c.user_id.in_(supervised)),
        )
    else:  # an API key: no person, no ties
        in_team = supervises = sa.false()
    return [
        client.c.id.label("c_id"),
        client.c.practice_id.label("c_practice_id"),
        client.c.primary_therapist_id.label("c_primary_therapist_id"),
        in_team.label("c_in_team"),
        supervises.label("c_supervises"),
    ]


def target_columns(kind: str, *, with_ties: bool) -> list[sa.ColumnElement[Any]]:
    """The columns that describe a resource of this kind and its client (`t_…`, `c_…`, `a_…`)."""
    table: sa.Table = MODELS[kind].__table__  # type: ignore[attr-defined]
    columns: list[sa.ColumnElement[Any]] = [c.label(f"t_{c.name}") for c in table.columns]
    columns += _fact_columns(_REACH_CLIENT, with_ties=with_ties)
    if kind == "note":
        author = _AUTHOR
        columns += [
            author.c.supervisor_id.label("a_supervisor_id"),
            author.c.requires_cosign.label("a_requires_cosign"),
        ]
    return columns


def target_join(kind: str, left: sa.FromClause | None) -> sa.FromClause:
    """The resource (by the `reach_target_id` parameter), its client and author, outer-joined."""
    table: sa.Table = MODELS[kind].__table__  # type: ignore[attr-defined]
    client = _REACH_CLIENT
    joined: sa.FromClause
    if left is None:
        joined = table
    else:
        joined = left.outerjoin(table, table.c.id == _TARGET_ID)
    client_id = table.c.id if kind == "client" else table.c.client_id
    joined = joined.outerjoin(client, client.c.id == client_id)
    if kind == "note":
        joined = joined.outerjoin(_AUTHOR, _AUTHOR.c.id == table.c.author_id)
    return joined


def found_from(kind: str, target_id: uuid.UUID, values: Mapping[str, Any]) -> Found:
    """The `Found` of a row holding `target_columns(kind)` (all None when there is no such id)."""
    model = MODELS[kind]
    if values["t_id"] is None:
        return Found(kind, target_id, None, None)
    fields = {name[2:]: value for name, value in values.items() if name.startswith("t_")}
    client = None
    if values["c_id"] is not None:
        client = ClientFacts(
            id=values["c_id"],
            practice_id=values["c_practice_id"],
            primary_therapist_id=values["c_primary_therapist_id"],
            in_team=bool(values["c_in_team"]),
            supervises=bool(values["c_supervises"]),
        )
    author = None
    if kind == "note":
        author = AuthorFacts(values["a_supervisor_id"], bool(values["a_requires_cosign"]))
    return Found(kind, target_id, model.model_construct(**fields), client, author)


_STATEMENTS: dict[tuple[str, bool], DriverStatement] = {}


def _standalone(kind: str, with_ties: bool) -> DriverStatement:
    key = (kind, with_ties)
    if key not in _STATEMENTS:
        table: sa.Table = MODELS[kind].__table__  # type: ignore[attr-defined]
        _STATEMENTS[key] = DriverStatement(
            sa.select(*target_columns(kind, with_ties=with_ties))
            .select_from(target_join(kind, None))
            .where(table.c.id == _TARGET_ID)
        )
    return _STATEMENTS[key]


_PRELOADED = "reach.found"


def keep(session: AsyncSession, found: Found) -> None:
    """Remember what the authenticating statement found, for the route's load-or-404."""
    session.info[_PRELOADED] = found


def kept(session: AsyncSession) -> Found | None:
    """What authentication found of the path's resource, left in place for the route."""
    found: Found | None = session.info.get(_PRELOADED)
    return found


def refusal_client(found: Found | None, caller: Caller) -> uuid.UUID | None:
    """The client a refusal of this caller names in the log, if any (SPEC §2.1).

    A client of the caller's practice only. A note's client whatever the note's kind: were a
    refused psychotherapy note's event to name none, the log would tell it from a progress
    note (docs/adr/0024-psychotherapy-note-refusals-name-the-client.md).
    """
    if found is None or found.client is None or found.client.practice_id != caller.practice_id:
        return None
    return found.client.id


def may_read_psychotherapy_note(caller: Caller, note: Note, author: AuthorFacts) -> bool:
    """Whether the caller wrote the note, or supervises the trainee who shared it."""
    if caller.kind != "user" or note.practice_id != caller.practice_id:
        return False
    if note.author_id == caller.id:
        return True
    # The role too: a supervisor made therapist is still the trainee's supervisor_id.
    return bool(
        caller.role == "supervisor"
        and note.share_with_supervisor
        and author.requires_cosign
        and author.supervisor_id == caller.id
    )


async def find(
    session: AsyncSession, kind: str, target_id: uuid.UUID, caller_id: uuid.UUID | None
) -> Found:
    """The resource and its client's facts: what authentication found, else one statement."""
    kept: Found | None = session.info.pop(_PRELOADED, None)
    if kept is not None and kept.kind == kind and kept.id == target_id:
        return kept
    statement = _standalone(kind, caller_id is not None)
    params = {"reach_target_id": target_id, "reach_caller_id": caller_id}
    row = await statement.first(await connection_of(session), params)
    if row is None:
        return Found(kind, target_id, None, None)
    return found_from(kind, target_id, row)


async def client_facts(
    session: AsyncSession, client_id: uuid.UUID, caller_id: uuid.UUID | None
) -> ClientFacts | None:
    """One client's facts (for a client named in a body rather than in the path)."""
    return (await find(session, "client", client_id, caller_id)).client
