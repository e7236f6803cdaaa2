"""Exception handlers: every error leaves as problem+json, without traces or protected data."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from app.audit.context import audit_context
from app.errors import PROBLEM_JSON, AppError, problem_body
from app.idempotency import IdempotentReplay, replay_response
from app.routing import route_path
from app.security.encryption import DecryptionError
from app.security.refused_bodies import attribute_refused_body, attribute_unrouted
from app.state import app_state

log = logging.getLogger("notes.errors")

_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_HTTP_TITLES = {404: ("Not Found", "not-found"), 405: ("Method Not Allowed", "method-not-allowed")}


def _problem(
    request: Request,
    status: int,
    title: str,
    slug: str,
    detail: str,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    ctx = audit_context(request)
    body = problem_body(
        status=status,
        title=title,
        slug=slug,
        detail=detail,
        instance=request.url.path,
        request_id=ctx.request_id,
        errors=errors,
    )
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _message(error: dict[str, Any]) -> str:
    """An error's message; for undecodable JSON also the parser's reason (its position and
    kind, or the member named twice), which never quotes the body's values."""
    message = str(error.get("msg", "invalid"))
    reason = (error.get("ctx") or {}).get("error")
    if error.get("type") == "json_invalid" and reason:
        return f"{message}: {reason}"
    return message


async def app_error(request: Request, exc: Exception) -> Response:
    """Render a typed application error."""
    assert isinstance(exc, AppError)  # noqa: S101
    return _problem(request, exc.status, exc.title, exc.slug, exc.detail, exc.headers)


def _json_media_type(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _body_not_json(request: Request) -> bool:
    """A body sent to a route that takes JSON, under another media type (or none)."""
    route = request.scope.get("route")
    body_params = route.dependant.body_params if isinstance(route, APIRoute) else []
    if not body_params or any(isinstance(p.field_info, params.Form) for p in body_params):
        return False
    length = request.headers.get("content-length")
    sent = (length is not None and length != "0") or "transfer-encoding" in request.headers
    return sent and not _json_media_type(request.headers.get("content-type", ""))


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 with field locations and messages, but never the submitted values; 415 for a body
    that is not JSON, which FastAPI does not parse (rather than "not an object")."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    await _attribute(request)
    if _body_not_json(request):
        return _problem(
            request,
            415,
            "Unsupported Media Type",
            "unsupported-media-type",
            "The body must be JSON, sent with Content-Type: application/json",
        )
    errors = [
        {
            "loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
            "msg": _message(e),
            "type": str(e.get("type", "value_error")),
        }
        for e in exc.errors()
    ]
    return _problem(
        request,
        422,
        "Unprocessable Content",
        "validation",
        "The request did not validate",
        errors=errors,
    )


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) as problem+json."""
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    if exc.status_code == 400:
        # FastAPI raises a bare 400 only for a body it cannot decode (bytes that are not UTF-8
        # JSON, a broken form); like malformed JSON, which it reports as 422, it is bad input.
        await _attribute(request)
        return _problem(
            request,
            422,
            "Unprocessable Content",
            "validation",
            "The request did not validate",
            errors=[{"loc": ["body"], "msg": "The body could not be decoded", "type": "body"}],
        )
    if exc.status_code in (404, 405) and route_path(request.scope).startswith("/v1/"):
        await _attribute_unrouted(request)
    title, slug = _HTTP_TITLES.get(exc.status_code, ("Error", "http"))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    detail = "No such route" if exc.status_code == 404 else str(exc.detail)
    return _problem(request, exc.status_code, title, slug, detail, headers)


async def _attribute(request: Request) -> None:
    """Name caller, action and resource of a body refused before the route's dependencies."""
    if audit_context(request).action is not None:
        return  # the dependencies ran: the event is attributed already
    try:
        await attribute_refused_body(request)
    except Exception as exc:  # the refusal stands; the event keeps what it has
        # The type only: a database error's message may quote the values it refused.
        log.warning("could not attribute a refused body: %s", type(exc).__name__)


async def _attribute_unrouted(request: Request) -> None:
    """Name the caller of a request no route answers; the 404 or 405 stands whatever happens."""
    try:
        await attribute_unrouted(request)
    except Exception as exc:  # the answer stands; the event keeps what it has
        log.warning("could not attribute an unrouted request: %s", type(exc).__name__)


def _allowed_methods(request: Request) -> str:
    """Every method of every route on this path: Starlette names only the first route's."""
    path = route_path(request.scope)
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(path):
            methods |= route.methods
    return ", ".join(sorted(methods, key=lambda m: (_rank(m), m)))


def _rank(method: str) -> int:
    return _METHOD_ORDER.index(method) if method in _METHOD_ORDER else len(_METHOD_ORDER)


def _refused_value(exc: Exception) -> bool:
    """SQLSTATE class 22, a data exception (e.g. NUL in text): the value is wrong, not the DB.

    asyncpg's errors reach SQLAlchemy as plain DBAPIError, so the SQLSTATE decides, not the type.
    """
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DataError) or (isinstance(code, str) and code.startswith("22"))


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """The database is unreachable or the pool is exhausted: 503, retry shortly."""
    if _refused_value(exc):
        return await invalid_data(request, exc)
    if (
        isinstance(exc, DBAPIError)
        and not isinstance(exc, OperationalError | InterfaceError)
        and not exc.connection_invalidated
    ):
        raise exc
    log.warning("database unavailable: %s", type(exc).__name__)
    return _problem(
        request,
        503,
        "Service Unavailable",
        "database-unavailable",
        "The database is unavailable; retry shortly",
        {"Retry-After": "2"},
    )


async def invalid_data(request: Request, exc: Exception) -> Response:
    """The database refused a value as data (SQLSTATE class 22, e.g. NUL in text): bad input."""
    log.warning("database refused a value: %s", type(getattr(exc, "orig", exc)).__name__)
    return _problem(
        request,
        422,
        "Unprocessable Content",
        "validation",
        "A value in the request cannot be stored or compared",
    )


async def decryption_failed(request: Request, exc: Exception) -> Response:
    """A ciphertext that does not belong where it was found: a security event, never content."""
    log.error("security event: protected field failed to decrypt (%s)", exc)
    return _problem(request, 500, "Internal Server Error", "internal", "Unexpected error")


async def replay(request: Request, exc: Exception) -> Response:
    """Send the stored response of an earlier request with the same Idempotency-Key."""
    assert isinstance(exc, IdempotentReplay)  # noqa: S101
    return replay_response(exc.record, app_state(request).secrets.key_ring)


def install(app: FastAPI) -> None:
    """Register every handler."""
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for exc_type in (
        OperationalError,
        InterfaceError,
        PoolTimeout,
        ConnectionError,
        TimeoutError,
        DBAPIError,
    ):
        app.add_exception_handler(exc_type, database_unavailable)
    app.add_exception_handler(DecryptionError, decryption_failed)
    app.add_exception_handler(IdempotentReplay, replay)
