"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from contextlib import suppress

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from app import metrics, migrations
from app.json_body import api_router
from app.state import app_state

router = api_router(tags=["health"])


@router.get(
    "/health/live",
    name="get_liveness",
    summary="Liveness",
    responses={200: {"description": "Process up"}},
)
async def live() -> dict[str, str]:
    """The process is up; never touches the database."""
    return {"status": "ok"}


def _no_table(exc: DBAPIError) -> bool:
    """The version table is missing: PostgreSQL's undefined table, SQLite's "no such table"."""
    return isinstance(exc, ProgrammingError) or "no such table" in str(exc.orig)


@router.get(
    "/health/ready",
    name="get_readiness",
    summary="Readiness",
    responses={200: {"description": "Ready"}, 503: {"description": "Not ready"}},
)
async def ready(request: Request) -> JSONResponse:
    """Database reachable, schema at head, audit sequencer not lagging."""
    state = app_state(request)
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as conn:
            checks["database"] = "ok"
            try:
                rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            except DBAPIError as exc:  # reached, but never migrated: not a network problem
                if not _no_table(exc):
                    raise
                checks["schema"] = "not migrated (run notes-api migrate)"
            else:
                at_head = {r[0] for r in rows} == set(migrations.heads())
                checks["schema"] = "ok" if at_head else "not at head"
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = "unreachable"
    usable = checks["database"] == "ok" and not checks["schema"].startswith("not migrated")
    why = "database unreachable" if checks["database"] != "ok" else "schema not migrated"
    for name, check in getattr(request.app.state, "readiness_checks", {}).items():
        # A check may read the database too: without one, it would only wait out the timeout.
        checks[name] = await check() if usable else f"not checked ({why})"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks},
        status_code=200 if ok else 503,
        headers=None if ok else {"Retry-After": "5"},
    )


@router.get(
    "/metrics",
    name="get_metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Metrics"}},
)
async def prometheus(request: Request) -> Response:
    """Requests and latency by route template, database pool, audit sequencer lag."""
    watch = getattr(request.app.state, "sequencer_watch", None)
    if watch is not None:  # the sequencer runs in another process: its lag is in the database
        with suppress(Exception):
            await watch.observe()
    pool = app_state(request).engine.pool
    metrics.POOL_SIZE.set(getattr(pool, "size", lambda: 0)())
    metrics.POOL_CHECKED_OUT.set(getattr(pool, "checkedout", lambda: 0)())
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
