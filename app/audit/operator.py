"""Operator actions from the command line, recorded in the access log (SPEC §2.1).

Whoever runs `notes-api` already holds the database and the keys, so its commands are not
refused; each use that creates or changes a credential is one event (actor type
`operator`) in the same transaction as the change.
"""

from __future__ import annotations

import getpass
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.audit.recorder import add_event, build_event


async def record_operator_action(
    session: AsyncSession,
    *,
    command: str,
    action: str,
    practice_id: uuid.UUID,
    resource_type: str,
    resource_id: object,
) -> None:
    """Add one event for a command-line action to the session's transaction."""
    ctx = AuditContext(
        request_id=f"cli-{uuid.uuid4().hex}",
        method="CLI",
        path=f"notes-api {command}",
        source_ip=None,
        user_agent=f"notes-api ({_os_user()})",
    )
    ctx.route = ctx.path
    ctx.action = action
    ctx.actor_type = "operator"
    ctx.practice_id = practice_id
    ctx.target(resource_type, resource_id)
    await add_event(session, build_event(ctx, 200))


def _os_user() -> str:
    """The account that ran the command, as far as the operating system tells."""
    try:
        return getpass.getuser()[:40]
    except (OSError, KeyError):
        return "unknown"
