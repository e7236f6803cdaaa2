"""GET|POST /v1/api-keys, DELETE /v1/api-keys/{id}: admins of the same practice."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.db import utcnow
from app.errors import NotFound, problem_responses
from app.idempotency import idempotency
from app.models import ApiKey
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key, oldest_first
from app.schema_types import Name
from app.security.api_keys import new_api_key
from app.security.caller import CallerDep, SessionDep, require_roles
from app.state import app_state

router = APIRouter(tags=["api-keys"])

Scope = Literal[
    "clients:read",
    "clients:write",
    "sessions:read",
    "sessions:write",
    "notes:read",
    "progress:read",
    "audit:read",
]


class ApiKeyCreate(BaseModel):
    """A new integration credential."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"name": "Scheduling sync", "scopes": ["clients:read", "sessions:write"]}
        },
    )

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=7)


class ApiKeyOut(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_by: uuid.UUID | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new API key, with the secret shown this once."""

    key: str


def create_key(
    *,
    practice_id: uuid.UUID,
    name: str,
    scopes: list[str],
    created_by: uuid.UUID | None,
    pepper: bytes,
) -> tuple[ApiKey, str]:
    """Build a key row and return it with the plain key (never stored)."""
    key, prefix, digest = new_api_key(pepper)
    row = ApiKey(
        practice_id=practice_id,
        name=name,
        prefix=prefix,
        secret_hash=digest,
        scopes=sorted(set(scopes)),
        created_by=created_by,
    )
    return row, key


@router.get(
    "/v1/api-keys",
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
    query = select(ApiKey).where(col(ApiKey.practice_id) == caller.practice_id)
    rows = await oldest_first(session, query, ApiKey, page)
    return Page(
        items=[ApiKeyOut.model_validate(k) for k in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/api-keys",
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
    row, key = create_key(
        practice_id=caller.practice_id,
        name=body.name,
        scopes=list(body.scopes),
        created_by=caller.id,
        pepper=app_state(request).secrets.api_key_pepper,
    )
    session.add(row)
    await session.flush()
    audit_context(request).target("api_key", row.id)
    response.headers["Location"] = f"/v1/api-keys/{row.id}"
    return ApiKeyCreated(**ApiKeyOut.model_validate(row).model_dump(), key=key)


@router.get(
    "/v1/api-keys/{id}",
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
    row = await session.get(ApiKey, id)
    if row is None or row.practice_id != caller.practice_id or row.revoked_at is not None:
        raise NotFound("No such API key")
    return ApiKeyOut.model_validate(row)


@router.delete(
    "/v1/api-keys/{id}",
    summary="Revoke an API key",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("api_key.revoke", "api_key")],
)
async def revoke(id: uuid.UUID, session: SessionDep, caller: CallerDep) -> None:
    """Revoke a key at once; it stays listed with `revoked_at`."""
    require_roles(caller, "admin")
    row = await session.get(ApiKey, id)
    if row is None or row.practice_id != caller.practice_id or row.revoked_at is not None:
        raise NotFound("No such API key")
    row.revoked_at = utcnow()
    session.add(row)
