"""GET|POST /v1/api-keys, DELETE /v1/api-keys/{id}: admins of the same practice."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.api_keys import service
from app.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from app.audit.context import audit_context, audited
from app.errors import problem_responses
from app.idempotency import idempotency
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key
from app.security.caller import CallerDep, require_roles
from app.state import SessionDep, app_state

router = APIRouter(tags=["api-keys"])


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
    """The practice's API keys, revoked ones included, oldest first."""
    require_roles(caller, "admin")
    rows = await service.list_keys(session=session, practice_id=caller.practice_id, page=page)
    return Page(
        items=[ApiKeyOut.model_validate(k) for k in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/api-keys",
    name="create_api_key",
    summary="Create an API key",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=problem_responses(401, 403, 409, 413, 422) | created_resource("/v1/api-keys/{id}"),
    dependencies=[audited("api_key.create", "api_key"), Depends(idempotency)],
)
async def create(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: ApiKeyCreate,
) -> ApiKeyCreated:
    """Create a key with scopes; the `key` field is shown only in this response."""
    require_roles(caller, "admin")
    row, key = await service.add_key(
        session=session,
        practice_id=caller.practice_id,
        name=body.name,
        scopes=body.scopes,
        created_by=caller.id,
        pepper=app_state(request).secrets.api_key_pepper,
    )
    audit_context(request).target("api_key", row.id)
    response.headers["Location"] = f"/v1/api-keys/{row.id}"
    return ApiKeyCreated(**ApiKeyOut.model_validate(row).model_dump(), key=key)


@router.get(
    "/v1/api-keys/{id}",
    name="get_api_key",
    summary="Get an API key",
    response_model=ApiKeyOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("api_key.read", "api_key")],
)
async def get_key(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> ApiKeyOut:
    """One of the practice's live API keys, without its secret.

    A revoked key is gone, as for a second DELETE (404); the list keeps it, with `revoked_at`.
    """
    require_roles(caller, "admin")
    row = await service.get_live_key(session=session, practice_id=caller.practice_id, key_id=id)
    return ApiKeyOut.model_validate(row)


@router.delete(
    "/v1/api-keys/{id}",
    name="revoke_api_key",
    summary="Revoke an API key",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("api_key.revoke", "api_key")],
)
async def revoke(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> None:
    """Revoke a key at once; it stays listed with `revoked_at`."""
    require_roles(caller, "admin")
    await service.revoke_key(session=session, practice_id=caller.practice_id, key_id=id)
