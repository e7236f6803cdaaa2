"""Events for what the operator does with `notes-api` (SPEC §2.1): no request, same log."""

from __future__ import annotations

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
    resource_id: uuid.UUID,
    status: int,
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
        user_agent=None,
        route=f"notes-api {command}",
        action=action,
        practice_id=practice_id,
        actor_type=OPERATOR,
        purpose_of_use="HSYSADMIN",
    )
    ctx.target(resource_type, resource_id)
    await add_event(session, build_event(ctx, status))
