"""Post-processing of the generated OpenAPI document: what FastAPI cannot infer by itself."""

from __future__ import annotations

from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.security.caller import get_caller

BEARER_SCHEME = "bearerAuth"
_BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": ("An access token from `POST /v1/auth/token` (a JWT), or an API key (`nsk_…`)."),
}


def _authenticates(dependant: Dependant) -> bool:
    """Whether resolving this dependency tree authenticates the caller."""
    if dependant.call is get_caller:
        return True
    return any(_authenticates(sub) for sub in dependant.dependencies)


def declare_bearer_security(schema: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Mark every operation that authenticates its caller as needing the bearer scheme.

    The caller is read from the Authorization header by a plain dependency, which FastAPI does
    not document; clients, generators and fuzzers need to know which operations want it.
    """
    paths = schema.get("paths", {})
    secured = False
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        if not _authenticates(route.dependant):
            continue
        for method in route.methods:
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                operation["security"] = [{BEARER_SCHEME: []}]
                secured = True
    if secured:
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})[BEARER_SCHEME] = _BEARER
    return schema
