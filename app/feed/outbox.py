"""The outbox: a change's feed events commit in the change's own transaction, or not at all.

Services call `record` after their flush; the events wait on the session and are written
just before it commits (a `before_commit` listener), so the practice's counter row is
locked only for the last moments of the transaction. That row lock orders concurrent
writers of one practice: positions are gapless and become visible in order (on SQLite the
database lock does the same). A rollback drops what was waiting.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from app.db import utcnow, uuid7
from app.feed.types import EVENT_TYPES
from app.models import FeedCounter, FeedEvent

_PENDING: Final = "feed_pending"
_ACTOR: Final = "feed_actor"
_COUNTER = FeedCounter.__table__  # type: ignore[attr-defined]
_EVENTS = FeedEvent.__table__  # type: ignore[attr-defined]
SYSTEM_ACTOR: Final = ("system", None)
OPERATOR_ACTOR: Final = ("operator", None)


def act_as(session: Any, kind: str, actor_id: uuid.UUID | None) -> None:
    """Name who makes this session's changes (the caller of a request, the operator, …)."""
    _sync(session).info[_ACTOR] = (kind, actor_id)


def record(
    session: Any,
    *,
    type: str,
    practice_id: uuid.UUID,
    resource_id: uuid.UUID,
    client_id: uuid.UUID | None = None,
    staff_only: bool = False,
) -> None:
    """Queue a feed event to be written when (and only if) the session commits.

    `staff_only`: an event about staff whom keys do not read, shown to admins alone.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown feed event type {type!r}")
    sync = _sync(session)
    if not sync.in_transaction():
        sync.begin()  # so that a rollback, even before any statement, drops the event
    actor_type, actor_id = sync.info.get(_ACTOR, SYSTEM_ACTOR)
    sync.info.setdefault(_PENDING, []).append(
        {
            "id": uuid7(),
            "practice_id": practice_id,
            "type": type,
            "occurred_at": utcnow(),
            "resource_type": type.rsplit(".", 1)[0],
            "resource_id": resource_id,
            "client_id": client_id,
            "actor_type": actor_type,
            "actor_id": actor_id,
            "staff_only": staff_only,
        }
    )


def _sync(session: Any) -> Session:
    """The ORM Session behind an AsyncSession (or the Session itself)."""
    return session.sync_session if hasattr(session, "sync_session") else session  # type: ignore[no-any-return]


def _advance(dialect: str, practice_id: uuid.UUID, count: int) -> sa.Insert:
    """Take `count` positions from the practice's counter; returns the last one taken."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_COUNTER)
    statement = insert.values(practice_id=practice_id, position=count)
    return statement.on_conflict_do_update(
        index_elements=[_COUNTER.c.practice_id],
        set_={"position": _COUNTER.c.position + statement.excluded.position},
    ).returning(_COUNTER.c.position)


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[dict[str, Any]] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    dialect = session.get_bind().dialect.name
    by_practice: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in pending:
        by_practice[row["practice_id"]].append(row)
    for practice_id, rows in sorted(by_practice.items()):
        last = session.execute(_advance(dialect, practice_id, len(rows))).scalar_one()
        for offset, row in enumerate(rows):
            row["position"] = last - len(rows) + 1 + offset
        session.execute(_EVENTS.insert(), rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    # A savepoint's rollback keeps what the enclosing transaction still holds.
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
