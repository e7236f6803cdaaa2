"""GET|POST /v1/themes, GET|PATCH /v1/themes/{code}: the practice's theme catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from app.audit.context import audit_context, audited
from app.errors import problem_responses
from app.etag import OptionalIfMatch, optional_match, set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.security.caller import Caller, CallerDep, require_roles
from app.state import SessionDep
from app.themes import service
from app.themes.catalog import CODE_MAX_LENGTH, CODE_PATTERN, ThemeCategory
from app.themes.schemas import ThemeCreate, ThemeOut, ThemeUpdate

router = api_router(tags=["themes"])

EDITORS = ("admin", "therapist", "supervisor")
CodePath = Annotated[
    str,
    Path(pattern=CODE_PATTERN, max_length=CODE_MAX_LENGTH, description="A dotted theme code."),
]


def _may_read(caller: Caller) -> None:
    """Every staff member reads the catalog; API keys need `progress:read`."""
    require_roles(caller, "admin", "therapist", "supervisor", "auditor", scope="progress:read")


@router.get(
    "/v1/themes",
    summary="List the theme catalog",
    response_model=Page[ThemeOut],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("theme.list", "theme")],
)
async def list_themes(
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    category: Annotated[ThemeCategory | None, Query(description="Only this category.")] = None,
    active: Annotated[bool | None, Query(description="Only active (or inactive) themes.")] = None,
) -> Page[ThemeOut]:
    """System themes and the practice's own, ordered by code; other practices' never show."""
    _may_read(caller)
    after = page.after_values(str)
    rows = await service.list_themes(
        session=session,
        practice_id=caller.practice_id,
        category=category,
        active=active,
        after_code=after[0] if after else None,
        limit=page.limit + 1,
    )
    return Page(
        items=[service.theme_out(theme) for theme in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, lambda theme: [theme.code]),
    )


async def _editor_first(caller: CallerDep) -> None:
    """The role before an idempotent replay, which never reaches the route's own check."""
    require_roles(caller, *EDITORS)


@router.post(
    "/v1/themes",
    summary="Add a practice theme",
    status_code=201,
    response_model=ThemeOut,
    responses=problem_responses(401, 403, 409, 413, 422) | created_resource("/v1/themes/{code}"),
    dependencies=[audited("theme.create", "theme"), Depends(_editor_first), Depends(idempotency)],
)
async def create_theme(
    request: Request, response: Response, session: SessionDep, caller: CallerDep, body: ThemeCreate
) -> ThemeOut:
    """Add a theme to the practice's catalog (admins and clinicians); codes are never reused."""
    require_roles(caller, *EDITORS)
    audit_context(request).target("theme", body.code)
    theme = await service.create_theme(
        session=session, practice_id=caller.practice_id, created_by=caller.id, theme_in=body
    )
    response.headers["Location"] = f"/v1/themes/{theme.code}"
    set_etag(response, theme.id, theme.version)
    return service.theme_out(theme)


@router.get(
    "/v1/themes/{code}",
    summary="Get a theme",
    response_model=ThemeOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("theme.read", "theme")],
)
async def get_theme(
    request: Request, response: Response, code: CodePath, session: SessionDep, caller: CallerDep
) -> ThemeOut:
    """One theme of the catalog, system or the practice's own."""
    audit_context(request).target("theme", code)
    _may_read(caller)
    theme = await service.get_theme(session=session, practice_id=caller.practice_id, code=code)
    set_etag(response, theme.id, theme.version)
    return service.theme_out(theme)


@router.patch(
    "/v1/themes/{code}",
    summary="Change a practice theme",
    response_model=ThemeOut,
    responses=problem_responses(401, 403, 404, 412, 413, 422),
    dependencies=[audited("theme.update", "theme")],
)
async def update_theme(
    request: Request,
    response: Response,
    code: CodePath,
    session: SessionDep,
    caller: CallerDep,
    body: ThemeUpdate,
    if_match: OptionalIfMatch = None,
) -> ThemeOut:
    """Relabel, describe, deactivate or reactivate a practice theme; system themes are 403.

    If-Match is honoured if sent (412 when stale).
    """
    audit_context(request).target("theme", code)
    require_roles(caller, *EDITORS)
    theme = await service.get_theme(session=session, practice_id=caller.practice_id, code=code)
    expected = optional_match(if_match, theme.id, theme.version)
    theme = await service.update_theme(
        session=session, theme=theme, theme_in=body, expected_version=expected
    )
    set_etag(response, theme.id, theme.version)
    return service.theme_out(theme)
