"""/v1/users routes and password resets: admins; reads also `users:read` keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy import select
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.auth import credentials
from app.errors import Forbidden, NotFound, problem_responses
from app.etag import OptionalIfMatch, optional_match, set_etag, set_view_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import User
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key, oldest_first
from app.roles import CLINICAL_ROLES
from app.security.caller import Caller, CallerDep, require_roles
from app.state import SessionDep, app_state
from app.users import service
from app.users.schemas import (
    ClinicianOut,
    PasswordResetOut,
    UserCreate,
    UserCreated,
    UserOut,
    UserUpdate,
)

router = api_router(tags=["users"])
UserView = UserOut | ClinicianOut


def _view(caller: Caller, user: User) -> UserView:
    """Admins see the whole record; a key (`users:read`) a clinician's id, name, role, state."""
    return UserOut.model_validate(user) if caller.is_user else ClinicianOut.model_validate(user)


@router.get(
    "/v1/users",
    summary="List users",
    response_model=Page[UserView],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("user.list", "user")],
)
async def list_users(
    session: SessionDep, caller: CallerDep, page: Annotated[PageParams, Depends()]
) -> Page[UserView]:
    """The practice's staff, oldest first; a `users:read` key sees clinicians only, briefly."""
    require_roles(caller, "admin", scope="users:read")
    query = select(User).where(col(User.practice_id) == caller.practice_id)
    if not caller.is_user:
        query = query.where(col(User.role).in_(CLINICAL_ROLES))
    rows = await oldest_first(session, query, User, page)
    return Page(
        items=[_view(caller, u) for u in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


async def _admin_first(caller: CallerDep) -> None:
    """The role before an idempotent replay, which never reaches the route's own check."""
    require_roles(caller, "admin")


@router.post(
    "/v1/users",
    summary="Create a user",
    status_code=201,
    response_model=UserCreated,
    responses=problem_responses(401, 403, 409, 413, 422) | created_resource("/v1/users/{id}"),
    dependencies=[audited("user.create", "user"), Depends(_admin_first), Depends(idempotency)],
)
async def create_user(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: UserCreate,
) -> UserCreated:
    """Add a staff member with a role and return their one-time invite token.

    The admin never chooses the password: the new user sets it at
    `POST /v1/auth/password-reset` with the invite token (shown once, valid 24 hours). An
    idempotent replay answers `invite_token: null`; start a reset to hand out a new one.
    """
    require_roles(caller, "admin")
    state = app_state(request)
    user = await service.create_user(
        session=session, passwords=state.passwords, practice_id=caller.practice_id, user_in=body
    )
    token, expires_at = await credentials.issue_token(
        session=session,
        pepper=state.secrets.api_key_pepper,
        user=user,
        purpose="invite",
        created_by=caller.id,
    )
    ctx = audit_context(request)
    ctx.target("user", user.id)
    response.headers["Location"] = f"/v1/users/{user.id}"
    set_etag(response, user.id, user.version)
    out = UserOut.model_validate(user).model_dump()
    # The invite token is shown once: a replay of this create answers without it.
    ctx.replay_body = (
        UserCreated(**out, invite_token=None, invite_expires_at=expires_at)
        .model_dump_json()
        .encode()
    )
    return UserCreated(**out, invite_token=token, invite_expires_at=expires_at)


@router.get(
    "/v1/users/{id}",
    summary="Get a user",
    response_model=UserView,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("user.read", "user")],
)
async def get_user(
    id: uuid.UUID, response: Response, session: SessionDep, caller: CallerDep
) -> UserView:
    """One staff member of the caller's practice (a clinician, for a `users:read` key)."""
    require_roles(caller, "admin", scope="users:read")
    user = await service.get_user(session=session, practice_id=caller.practice_id, user_id=id)
    if not caller.is_user and user.role not in CLINICAL_ROLES:
        raise NotFound("Not found")
    view = _view(caller, user)
    if caller.is_user:
        set_etag(response, user.id, user.version)
    else:  # a key sees four fields: its ETag moves with them only
        set_view_etag(response, user.id, view)
    return view


@router.patch(
    "/v1/users/{id}",
    summary="Change a user",
    response_model=UserOut,
    responses=problem_responses(401, 403, 404, 412, 413, 422),
    dependencies=[audited("user.update", "user")],
)
async def update_user(
    request: Request,
    id: uuid.UUID,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: UserUpdate,
    if_match: OptionalIfMatch = None,
) -> UserOut:
    """Change role, supervisor, co-signing or deactivate (users are never deleted).

    Nobody changes their own role (403): an admin would otherwise reach clinical content.

    A password is never set here (422): start a reset with `POST /v1/users/{id}/password-reset`.
    If-Match is honoured if sent (412 when stale).
    """
    require_roles(caller, "admin")
    user = await service.get_user(session=session, practice_id=caller.practice_id, user_id=id)
    if user.id == caller.id and body.role is not None and body.role != user.role:
        # An admin who made themselves a supervisor would reach clinical content (§2.1).
        raise Forbidden("Nobody changes their own role; another admin may")
    expected = optional_match(if_match, user.id, user.version)
    user, before = await service.update_user(
        session=session, user=user, user_in=body, expected_version=expected
    )
    details = service.change_details(before, user)
    supervisees = await service.supervisees_if_reach_changed(session, before, user)
    if details is not None and supervisees is not None:
        details["supervisee_ids"] = supervisees
    audit_context(request).details = details
    set_etag(response, user.id, user.version)
    return UserOut.model_validate(user)


@router.post(
    "/v1/users/{id}/password-reset",
    summary="Start a password reset",
    response_model=PasswordResetOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("user.password_reset", "user")],
)
async def start_password_reset(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> PasswordResetOut:
    """Revoke every token and the password of a user, and return a one-time reset token.

    The token is shown once and is valid 24 hours; the user sets a new password with it at
    `POST /v1/auth/password-reset`. A new reset voids the previous token.
    """
    require_roles(caller, "admin")
    user = await service.get_user(session=session, practice_id=caller.practice_id, user_id=id)
    token, expires_at = await credentials.start_reset(
        session=session,
        pepper=app_state(request).secrets.api_key_pepper,
        user=user,
        created_by=caller.id,
    )
    return PasswordResetOut(user_id=user.id, reset_token=token, expires_at=expires_at)
