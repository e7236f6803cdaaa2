"""Typed application errors and their RFC 9457 problem+json rendering."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_TYPE_BASE = "https://session-notes.example/problems/"
PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """An error with an HTTP status, rendered as problem+json by one handler."""

    status: int = 500
    title: str = "Internal Server Error"
    slug: str = "internal"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}


class BadRequest(AppError):
    """The request is malformed (for example a tampered cursor)."""

    status, title, slug = 400, "Bad Request", "bad-request"


class Unauthorized(AppError):
    """Missing or invalid credentials."""

    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    """The caller's role may never do this action."""

    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    """The object does not exist or is out of the caller's reach."""

    status, title, slug = 404, "Not Found", "not-found"


class Conflict(AppError):
    """The request conflicts with the current state."""

    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(AppError):
    """The If-Match ETag is stale."""

    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class PreconditionRequired(AppError):
    """The change needs an If-Match header."""

    status, title, slug = 428, "Precondition Required", "precondition-required"


class Unprocessable(AppError):
    """The input is well-formed but breaks a rule."""

    status, title, slug = 422, "Unprocessable Content", "unprocessable"


class TooManyRequests(AppError):
    """Too many attempts; retry after the given seconds."""

    status, title, slug = 429, "Too Many Requests", "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    """A dependency (the database, the audit log) is unavailable."""

    status, title, slug = 503, "Service Unavailable", "unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 2):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class ProblemError(BaseModel):
    """One field-level validation error."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem details document."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": PROBLEM_TYPE_BASE + "not-found",
                "title": "Not Found",
                "status": 404,
                "detail": "Not found",
                "instance": "/v1/clients/0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "request_id": "4f6c1d0e9b2a4c57a1e3f5d7c9b1a3e5",
            }
        }
    )

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None = None
    errors: list[ProblemError] | None = Field(default=None)


def problem_body(
    *,
    status: int,
    title: str,
    slug: str,
    detail: str,
    instance: str,
    request_id: str | None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build the problem+json document."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": request_id,
    }
    if errors is not None:
        body["errors"] = errors
    return body


DESCRIPTIONS = {
    400: "Malformed request, such as a tampered pagination cursor.",
    401: "Missing, expired or invalid credentials.",
    403: "The caller's role or scopes may never perform this operation.",
    404: "Not found, or outside the caller's reach (existence is never revealed).",
    405: "Method not allowed on this path.",
    409: "Conflict with the current state.",
    412: "The If-Match ETag is stale.",
    413: "Request body larger than 1 MiB.",
    415: "The body is not JSON (Content-Type must be application/json).",
    422: "Invalid input.",
    428: "If-Match header required.",
    429: "Too many attempts; see Retry-After.",
    500: "Unexpected error; no details are disclosed.",
    503: "Database or audit log unavailable; see Retry-After.",
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given problem statuses (plus 500 and 503)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in sorted({*codes, 500, 503}):
        out[code] = {
            "description": DESCRIPTIONS[code],
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
        }
    return out
