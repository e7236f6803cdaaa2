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
from app.db import uuid7

OPERATOR = "operator"


async def record_operator_action(
    session: AsyncSession,
    *,
    command: str,
    action: str,
    practice_id: uuid.UUID,
    resource_type: str,
    resource_id: object,
    status: int = 200,
) -> None:
    """Add the event of one `notes-api <command>` to its transaction (atomic with the change).

    `status` is what the API answers for the same change, so that searches by outcome and
    status treat both alike; `method` is `CLI` and `route` the command.
    """
    ctx = AuditContext(
        request_id=f"cli-{uuid7().hex}",
        method="CLI",
        path=command,
        source_ip=None,
        user_agent=f"notes-api ({_os_user()})",
        route=f"notes-api {command}",
        action=action,
        practice_id=practice_id,
        actor_type=OPERATOR,
        purpose_of_use="HSYSADMIN",
    )
    ctx.target(resource_type, resource_id)
    await add_event(session, build_event(ctx, status))


def _os_user() -> str:
    """The account that ran the command, as far as the operating system tells."""
    try:
        return getpass.getuser()[:40]
    except (OSError, KeyError):
        return "unknown"
