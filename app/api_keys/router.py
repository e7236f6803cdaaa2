"""GET|POST /v1/api-keys, GET|DELETE /v1/api-keys/{id}, POST …/approve and …/rotate.

Who may do what to which kind of key: app/api_keys/rules.py (SPEC §2.1).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response

from app.api_keys import rules, service
from app.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    ApiKeyRotate,
    key_view,
)
from app.audit.context import AuditContext, audit_context, audited
from app.errors import Forbidden, problem_responses
from app.idempotency import idempotency
from app.json_body import api_router
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["api-keys"])


async def _key_creator(caller: CallerDep) -> None:
    """Role first, before a replay: a replay shows the secret only to whom may still create."""
    if not caller.has_role("admin", "auditor"):
        raise Forbidden("Your role or scopes do not allow this operation")


async def _key_approver(caller: CallerDep) -> None:
    """Role first, before a replay, as for creation."""
    rules.check_approve(caller)


async def _key_rotator(caller: CallerDep) -> None:
    """Role first, before a replay, as for creation."""
    rules.kinds_for(caller, "rotate")


@router.get(
    "/v1/api-keys",
    name="list_api_keys",
    summary="List API keys",
    response_model=Page[ApiKeyOut],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("api_key.list", "api_key")],
)
async def list_keys(
    session: SessionDep, caller: CallerDep, page: Annotated[PageParams, Depends()]
) -> Page[ApiKeyOut]:
    """The keys the caller's role sees (admins all, auditors audit, supervisors clinical)."""
    kinds = rules.kinds_for(caller, "see")
    rows = await service.list_keys(
        session=session, practice_id=caller.practice_id, kinds=kinds, page=page
    )
    return Page(
        items=[key_view(k) for k in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/api-keys",
    name="create_api_key",
    summary="Create an API key",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=problem_responses(401, 403, 409, 413, 422) | created_resource("/v1/api-keys/{id}"),
    dependencies=[
        audited("api_key.create", "api_key"),
        Depends(_key_creator),
        Depends(idempotency),
    ],
)
async def create(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: ApiKeyCreate,
) -> ApiKeyCreated:
    """Create a key; the `key` field is shown only in this response.

    Auditors create `audit:read` keys; admins the others. A key with `notes:read` or
    `progress:read` is `pending_approval` until a supervisor approves it.
    """
    pending = rules.check_create(caller, body.scopes)
    row, key = await service.add_key(
        session=session,
        practice_id=caller.practice_id,
        name=body.name,
        scopes=body.scopes,
        created_by=caller.id,
        pepper=app_state(request).secrets.api_key_pepper,
        pending_approval=pending,
        expires_at=body.expires_at,
    )
    ctx = audit_context(request)
    ctx.target("api_key", row.id)
    response.headers["Location"] = f"/v1/api-keys/{row.id}"
    return _shown_once(ctx, ApiKeyCreated(**key_view(row).model_dump(), key=key))


@router.get(
    "/v1/api-keys/{id}",
    name="get_api_key",
    summary="Get an API key",
    response_model=ApiKeyOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("api_key.read", "api_key")],
)
async def get_key(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> ApiKeyOut:
    """One live key the caller's role sees, without its secret.

    A revoked key is gone, as for a second DELETE (404); the list keeps it, with `revoked_at`.
    """
    kinds = rules.kinds_for(caller, "see")
    row = await service.get_live_key(
        session=session, practice_id=caller.practice_id, kinds=kinds, key_id=id
    )
    return key_view(row)


@router.delete(
    "/v1/api-keys/{id}",
    name="revoke_api_key",
    summary="Revoke an API key",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("api_key.revoke", "api_key")],
)
async def revoke(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> None:
    """Revoke a key at once (both secrets); it stays listed with `revoked_at`."""
    rules.kinds_for(caller, "revoke")
    row = await service.get_live_key(
        session=session,
        practice_id=caller.practice_id,
        kinds=rules.kinds_for(caller, "see"),
        key_id=id,
    )
    rules.check_manage(caller, row.kind, "revoke")
    await service.revoke_key(session=session, row=row)


@router.post(
    "/v1/api-keys/{id}/approve",
    summary="Approve a clinical API key",
    name="approve_api_key",
    response_model=ApiKeyOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[
        audited("api_key.approve", "api_key"),
        Depends(_key_approver),
        Depends(idempotency),
    ],
)
async def approve(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> ApiKeyOut:
    """A supervisor of the practice lets a key with clinical scopes work (409 if not pending)."""
    row = await service.get_live_key(
        session=session, practice_id=caller.practice_id, kinds={"clinical"}, key_id=id
    )
    await service.approve_key(session=session, row=row, approved_by=caller.id)
    return key_view(row)


@router.post(
    "/v1/api-keys/{id}/rotate",
    summary="Rotate an API key's secret",
    name="rotate_api_key",
    response_model=ApiKeyCreated,
    responses=problem_responses(401, 403, 404, 409, 413, 422),
    dependencies=[
        audited("api_key.rotate", "api_key"),
        Depends(_key_rotator),
        Depends(idempotency),
    ],
)
async def rotate(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: ApiKeyRotate | None = None,
) -> ApiKeyCreated:
    """A new secret, shown once; the old one works for `grace_seconds` more (default 24 h).

    A clinical key's new secret awaits a supervisor's approval again.
    """
    row = await service.get_live_key(
        session=session,
        practice_id=caller.practice_id,
        kinds=rules.kinds_for(caller, "see"),
        key_id=id,
    )
    rules.check_rotate(caller, row.kind, row.scopes)
    grace = timedelta(seconds=(body or ApiKeyRotate()).grace_seconds)
    key = await service.rotate_key(
        session=session,
        row=row,
        grace=grace,
        pepper=app_state(request).secrets.api_key_pepper,
        approve_again=row.kind == "clinical",
    )
    return _shown_once(audit_context(request), ApiKeyCreated(**key_view(row).model_dump(), key=key))


def _shown_once(ctx: AuditContext, created: ApiKeyCreated) -> ApiKeyCreated:
    """The answer; its idempotent replay has no secret, which is never stored (SPEC §3)."""
    ctx.replay_body = created.model_copy(update={"key": None}).model_dump_json().encode()
    return created
