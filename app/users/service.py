"""Creating and changing staff members; flushes, never commits."""

from __future__ import annotations

import uuid
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.service import revoke_every_token
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.etag import bump_version
from app.feed import outbox as feed
from app.models import User
from app.roles import CLINICAL_ROLES
from app.security.passwords import NO_PASSWORD, Passwords
from app.users.schemas import UserCreate, UserUpdate

SUPERVISING_ROLES = ("supervisor",)


async def get_user(*, session: AsyncSession, practice_id: uuid.UUID, user_id: uuid.UUID) -> User:
    """Load a user of this practice, or 404."""
    user = await session.get(User, user_id)
    if user is None or user.practice_id != practice_id:
        raise NotFound("Not found")
    return user


async def _check_supervisor(
    session: AsyncSession,
    practice_id: uuid.UUID,
    supervisor_id: uuid.UUID | None,
    user_id: uuid.UUID | None = None,
) -> None:
    if supervisor_id is None:
        return
    if supervisor_id == user_id:
        raise Unprocessable("A user cannot supervise themselves")
    # Share-locked: a demotion or deactivation of the supervisor beside this waits for it,
    # then sees the new supervisee (and refuses), or this sees it demoted.
    supervisor = (
        await session.execute(
            select(User)
            .where(col(User.id) == supervisor_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if supervisor is None or supervisor.practice_id != practice_id:
        raise Unprocessable("supervisor_id is not a user of this practice")
    if supervisor.role not in SUPERVISING_ROLES or not supervisor.active:
        raise Unprocessable("supervisor_id must name an active supervisor")


async def email_taken(session: AsyncSession, email: str) -> bool:
    """Whether an account already uses this email (case-insensitive)."""
    found = await session.execute(select(func.count()).where(col(User.email) == email.lower()))
    return bool(found.scalar_one())


async def create_user(
    *,
    session: AsyncSession,
    passwords: Passwords,
    practice_id: uuid.UUID,
    user_in: UserCreate,
    password: str | None = None,
) -> User:
    """Create a staff member; emails are unique across the service, case-insensitively."""
    # Through the API there is no password: the user sets one with their invite token. The
    # operator's command line may give one, already checked against the policy.
    email = str(user_in.email).lower()
    if await email_taken(session, email):
        raise Conflict("A user with this email already exists")
    await _check_supervisor(session, practice_id, user_in.supervisor_id)
    if user_in.requires_cosign and user_in.supervisor_id is None:
        raise Unprocessable("requires_cosign needs a supervisor_id")
    user = User(
        practice_id=practice_id,
        email=email,
        display_name=user_in.display_name,
        role=user_in.role,
        supervisor_id=user_in.supervisor_id,
        requires_cosign=user_in.requires_cosign,
        password_hash=NO_PASSWORD if password is None else passwords.hash(password),
    )
    session.add(user)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # A concurrent request took the same email first.
        raise Conflict("A user with this email already exists") from None
    feed.record(
        session,
        type="user.created",
        practice_id=practice_id,
        resource_id=user.id,
        staff_only=user.role not in CLINICAL_ROLES,
    )
    return user


async def update_user(
    *, session: AsyncSession, user: User, user_in: UserUpdate, expected_version: int | None
) -> tuple[User, dict[str, Any]]:
    """Apply the fields that were sent (never a password: SPEC §2.1); 412 if changed meanwhile.

    Returns the user and what its recorded fields were before (see `change_details`).
    """
    changes: dict[str, Any] = user_in.model_dump(exclude_unset=True, exclude={"password"})
    # Held first (its version moved), then read again: the rules below see any change
    # committed beside this one, so two edits valid alone cannot together break one.
    await bump_version(session, user, expected_version)
    await session.refresh(user)
    before = {field: getattr(user, field) for field in RECORDED_CHANGES}
    if "supervisor_id" in changes:
        await _check_supervisor(session, user.practice_id, changes["supervisor_id"], user.id)
    for field in ("display_name", "role", "active", "requires_cosign"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"{field} cannot be null")
    was_clinician, was_active = user.role in CLINICAL_ROLES, user.active
    for field, value in changes.items():
        setattr(user, field, value)
    if user.requires_cosign and user.supervisor_id is None:
        raise Unprocessable("requires_cosign needs a supervisor_id")
    if before["role"] in SUPERVISING_ROLES and (
        user.role not in SUPERVISING_ROLES or (was_active and not user.active)
    ):
        await _no_supervisee_left_waiting(session, user)
    if was_active and not user.active:
        # Deactivation ends every token for good: reactivated, the user signs in afresh
        # rather than finding old (perhaps stolen) tokens working again.
        await revoke_every_token(session, user)
    user.updated_at = utcnow()
    session.add(user)
    await session.flush()
    # Keys see it while the user is, or just stopped being, a clinician they may read.
    feed.record(
        session,
        type="user.updated",
        practice_id=user.practice_id,
        resource_id=user.id,
        staff_only=not was_clinician and user.role not in CLINICAL_ROLES,
    )
    return user, before


async def _no_supervisee_left_waiting(session: AsyncSession, user: User) -> None:
    """409 for demoting or deactivating the supervisor of active users whose notes need
    cosignature: nobody could cosign or return their notes. Reassign them first."""
    waiting = await session.scalar(
        select(func.count()).where(
            col(User.supervisor_id) == user.id,
            col(User.requires_cosign).is_(True),
            col(User.active).is_(True),
        )
    )
    if waiting:
        raise Conflict(
            "This user supervises clinicians whose notes need cosignature; "
            "give them another supervisor first"
        )


# What a user change records in its event (SPEC §2.1: every way to gain access): ids, roles
# and flags, never a name or an email.
RECORDED_CHANGES: Final = ("role", "supervisor_id", "active", "requires_cosign")


def change_details(before: dict[str, Any], user: User) -> dict[str, Any] | None:
    """The event's record of a user change; a new supervisor gains reach to the user's
    clients (and the old one loses it), named as a care-team change names its users."""
    changed = {
        field: {"from": _plain(before[field]), "to": _plain(getattr(user, field))}
        for field in RECORDED_CHANGES
        if before[field] != getattr(user, field)
    }
    if not changed:
        return None
    details: dict[str, Any] = {"changes": changed}
    if "supervisor_id" in changed:
        old, new = before["supervisor_id"], user.supervisor_id
        details["added_user_ids"] = [] if new is None else [str(new)]
        details["removed_user_ids"] = [] if old is None else [str(old)]
    return details


async def supervisees_if_reach_changed(
    session: AsyncSession, before: dict[str, Any], user: User
) -> list[str] | None:
    """The users whose clients this user gains or loses through supervision by the change (a
    role to or from supervisor, an activation or deactivation of one), else None.

    A supervisor made therapist stays their supervisees' `supervisor_id`: made supervisor again,
    they reach those clients again, which the event names (SPEC §2.1).
    """
    could = before["role"] in SUPERVISING_ROLES and before["active"]
    can = user.role in SUPERVISING_ROLES and user.active
    if could == can:
        return None
    rows = await session.scalars(select(col(User.id)).where(col(User.supervisor_id) == user.id))
    return sorted(str(row) for row in rows)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value
