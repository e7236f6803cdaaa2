"""GET /v1/episodes/{id}/progress, /v1/clients/{id}/progress and /v1/reports/caseload."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from app.audit.context import audit_context, audited
from app.episodes.dependencies import load_episode
from app.episodes.schemas import Phase
from app.errors import problem_responses
from app.json_body import api_router
from app.progress import caseload, service
from app.progress.schemas import Caseload, Progress
from app.roles import CLINICAL_ROLES
from app.security.access import Area, load_client
from app.security.caller import CallerDep, require_roles
from app.state import SessionDep
from app.themes.catalog import CODE_PATTERN

router = api_router(tags=["progress"])

MAX_THEME_FILTER = 50
# Up to 50 theme codes separated by commas, spaces around them allowed; empty for none.
_CODE = CODE_PATTERN.removeprefix("^").removesuffix("$")
THEMES_PATTERN = rf"^ *(?:{_CODE} *(?:, *{_CODE} *){{0,{MAX_THEME_FILTER - 1}}})?$"

ThemesQuery = Annotated[
    str | None,
    Query(
        max_length=4100,
        pattern=THEMES_PATTERN,
        description=f"Up to {MAX_THEME_FILTER} comma-separated theme codes: only their "
        "trajectories (all by default; none when empty).",
    ),
]


def _theme_filter(themes: str | None) -> list[str] | None:
    """The codes of `?themes=` (its pattern checked them), or None for all."""
    if themes is None:
        return None
    return sorted({code.strip() for code in themes.split(",") if code.strip()})


def _json(document: Progress) -> Response:
    """Serialize once: the document is built from typed rows, re-validating it costs time."""
    return Response(content=document.model_dump_json(), media_type="application/json")


@router.get(
    "/v1/episodes/{id}/progress",
    name="get_episode_progress",
    summary="Progress of an episode, phase by phase",
    response_model=Progress,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("progress.read", "episode")],
)
async def episode_progress(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    themes: ThemesQuery = None,
) -> Response:
    """Phase timeline and per-phase themes, defenses (ODF), CCRT and measures of an episode."""
    codes = _theme_filter(themes)
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=False, ctx=audit_context(request)
    )
    return _json(await service.build_progress(session=session, episode=episode, themes=codes))


@router.get(
    "/v1/clients/{id}/progress",
    name="get_client_progress",
    summary="Progress of a client's current episode",
    response_model=Progress,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("progress.read", "client")],
)
async def client_progress(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    themes: ThemesQuery = None,
) -> Response:
    """The progress document of the client's open episode, or of the latest one when none is."""
    codes = _theme_filter(themes)
    client, _ = await load_client(
        session=session,
        caller=caller,
        client_id=id,
        area=Area.CLINICAL,
        write=False,
        ctx=audit_context(request),
    )
    episode = await service.episode_for_client(session=session, client_id=client.id)
    return _json(await service.build_progress(session=session, episode=episode, themes=codes))


@router.get(
    "/v1/reports/caseload",
    name="get_caseload_report",
    summary="Caseload report",
    response_model=Caseload,
    responses=problem_responses(401, 403, 422),
    dependencies=[audited("caseload.read", "report")],
)
async def caseload_report(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    phase: Annotated[Phase | None, Query(description="Only clients now in this phase.")] = None,
    therapist_id: Annotated[
        uuid.UUID | None, Query(description="Only this clinician's clients (a supervisee's).")
    ] = None,
) -> Caseload:
    """One row per active client of the caller's caseload (a supervisor's includes supervisees')."""
    require_roles(caller, *CLINICAL_ROLES)
    report, counted = await caseload.build_caseload(
        session=session, caller=caller, phase=phase, therapist_id=therapist_id
    )
    audit_context(request).add_clients(*counted)
    return report
