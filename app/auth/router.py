"""POST /v1/auth/token|refresh|logout|password-reset, GET /v1/me, POST /v1/me/password."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Form, Request
from sqlalchemy import select
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.auth import credentials, service
from app.auth.schemas import MeOut, PasswordChangeIn, PasswordResetIn, RefreshIn, TokenOut
from app.errors import problem_responses
from app.json_body import api_router
from app.models import User
from app.roles import ROLES
from app.schema_types import NO_NUL_PATTERN
from app.security.caller import CallerDep, require_roles
from app.state import SessionDep, app_state

router = api_router(tags=["auth"])


@router.post(
    "/v1/auth/token",
    name="create_token",
    summary="Log in",
    response_model=TokenOut,
    responses=problem_responses(401, 413, 422, 429),
    dependencies=[audited("auth.login", "user")],
)
async def token(
    request: Request,
    session: SessionDep,
    username: Annotated[
        str, Form(min_length=1, max_length=254, pattern=NO_NUL_PATTERN, description="Email")
    ],
    password: Annotated[str, Form(min_length=1, max_length=256, pattern=NO_NUL_PATTERN)],
) -> TokenOut:
    """OAuth2 password flow: exchange email and password for an access and a refresh token.

    Five failed attempts for one account from one address within 15 minutes, or 30 from one
    address across accounts, answer 429 with Retry-After.
    """
    access, expires_in, refresh = await service.login(
        session=session,
        state=app_state(request),
        ctx=audit_context(request),
        email=username,
        password=password,
    )
    return TokenOut(access_token=access, expires_in=expires_in, refresh_token=refresh)


@router.post(
    "/v1/auth/refresh",
    name="refresh_token",
    summary="Rotate a refresh token",
    response_model=TokenOut,
    responses=problem_responses(401, 413, 422),
    dependencies=[audited("auth.refresh", "user")],
)
async def refresh(request: Request, session: SessionDep, body: RefreshIn) -> TokenOut:
    """Exchange a refresh token for a new pair; the old one stops working.

    Presenting an already rotated token revokes its whole family (a sign it leaked).
    """
    access, expires_in, new_refresh = await service.refresh(
        session=session,
        state=app_state(request),
        ctx=audit_context(request),
        token=body.refresh_token,
    )
    return TokenOut(access_token=access, expires_in=expires_in, refresh_token=new_refresh)


@router.post(
    "/v1/auth/logout",
    summary="Log out",
    status_code=204,
    responses=problem_responses(401, 403, 413, 422),
    dependencies=[audited("auth.logout", "user")],
)
async def logout(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    body: Annotated[RefreshIn | None, Body()] = None,
) -> None:
    """Revoke the current access token and its refresh-token family (or the given one's)."""
    audit_context(request).target("user", caller.id)
    require_roles(caller, *ROLES)
    await service.logout(
        session=session,
        state=app_state(request),
        user_id=caller.id,
        practice_id=caller.practice_id,
        jti=caller.token_jti,
        token=body.refresh_token if body else None,
        family_id=caller.token_family,
    )


@router.get(
    "/v1/me",
    name="get_me",
    summary="Who am I",
    response_model=MeOut,
    responses=problem_responses(401, 422),
    dependencies=[audited("me.read", "user")],
)
async def me(request: Request, session: SessionDep, caller: CallerDep) -> MeOut:
    """The caller: user or API key, role, practice, scopes and purpose of use."""
    audit_context(request).target(caller.kind, caller.id)
    out = MeOut(
        kind=caller.kind,
        id=caller.id,
        practice_id=caller.practice_id,
        role=caller.role,
        scopes=sorted(caller.scopes),
        purpose_of_use=caller.purpose,
    )
    if caller.is_user:
        user = (await session.execute(select(User).where(col(User.id) == caller.id))).scalar_one()
        out.email, out.display_name = user.email, user.display_name
        out.supervisor_id, out.requires_cosign = user.supervisor_id, user.requires_cosign
    return out


@router.post(
    "/v1/auth/password-reset",
    summary="Set a password with a one-time token",
    status_code=204,
    responses=problem_responses(401, 413, 422),
    dependencies=[audited("auth.password_reset", "user")],
)
async def redeem_password_token(
    request: Request, session: SessionDep, body: PasswordResetIn
) -> None:
    """Set a new password with an invite or reset token; no login needed.

    The token works once and for 24 hours; an unknown, used, superseded or expired token is
    one 401. Every access and refresh token of the user stops working; log in afresh.
    """
    await credentials.redeem(
        session=session,
        state=app_state(request),
        ctx=audit_context(request),
        token=body.token,
        new_password=body.new_password,
    )


@router.post(
    "/v1/me/password",
    summary="Change my password",
    status_code=204,
    responses=problem_responses(401, 403, 413, 422, 429),
    dependencies=[audited("me.password", "user")],
)
async def change_my_password(
    request: Request, session: SessionDep, caller: CallerDep, body: PasswordChangeIn
) -> None:
    """Change one's own password, proving the current one (users only, not API keys).

    Every access and refresh token of the user stops working, this one included: log in
    again. A wrong current password is 422 and counts as a failed login (then 429 with
    Retry-After, like the login).
    """
    ctx = audit_context(request)
    ctx.target("user", caller.id)
    require_roles(caller, *ROLES)
    await credentials.change_own(
        session=session,
        state=app_state(request),
        ctx=ctx,
        user_id=caller.id,
        current_password=body.current_password,
        new_password=body.new_password,
    )
