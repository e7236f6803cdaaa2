"""Every request and response header, declared where the code reads or sends it.

What each operation takes and sends is read from the route itself: the dependencies it
resolves (the caller, Idempotency-Key), the helpers its endpoint calls (`set_etag`), the
statuses it declares (428 makes If-Match required, 429 and 503 send Retry-After) and the
shape of its body (a page sends Link). Routes added later are covered without edits.
"""

from __future__ import annotations

from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from app.errors import PROBLEM_JSON
from app.security.caller import MAX_BREAK_GLASS_REASON, MIN_BREAK_GLASS_REASON, PURPOSES, get_caller

_PARAMETERS = "#/components/parameters/"
_HEADERS = "#/components/headers/"
# HTTP names are case-insensitive; the document spells them as the RFCs do.
CANONICAL = {
    name.lower(): name
    for name in (
        "Idempotency-Key",
        "If-Match",
        "If-None-Match",
        "X-Purpose-Of-Use",
        "X-Break-Glass-Reason",
        "X-Request-ID",
    )
}

# Header text as HTTP carries it (RFC 9110 field-value: visible ASCII, obs-text, inner SP and
# HTAB) without whitespace around it, which clients do not send and str.strip() would remove.
_VISIBLE = r"!-~\x80-\x84\x86-\x9f\xa1-\xff"  # not U+0085 or U+00A0, str.strip() spaces
HEADER_TEXT_PATTERN = rf"^[{_VISIBLE}](?:[\t !-~\x80-\xff]*[{_VISIBLE}])?$"

REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "RequestId": {
        "name": "X-Request-ID",
        "in": "header",
        "required": False,
        "description": "Your id for this request, echoed back and kept in the audit event when "
        "it matches `^[A-Za-z0-9._:-]{1,128}$`; otherwise (or when absent) one is generated. "
        "Never a reason to refuse a request, hence no pattern here.",
        "schema": {"type": "string"},
        "example": "4f6c1d0e9b2a4c57a1e3f5d7c9b1a3e5",
    },
    "PurposeOfUse": {
        "name": "X-Purpose-Of-Use",
        "in": "header",
        "required": False,
        "description": "HL7 v3 PurposeOfUse code recorded in the audit event (default `TREAT` for "
        "therapists and supervisors, `HOPERAT` for everyone else).",
        "schema": {"type": "string", "enum": sorted(PURPOSES)},
        "example": "TREAT",
    },
    "BreakGlassReason": {
        "name": "X-Break-Glass-Reason",
        "in": "header",
        "required": False,
        "description": "Emergency access outside the caller's caseload (therapists and "
        "supervisors only; others get 403). The reason is recorded and listed for review.",
        "schema": {
            "type": "string",
            "minLength": MIN_BREAK_GLASS_REASON,
            "maxLength": MAX_BREAK_GLASS_REASON,
            # Counted once trimmed, so no whitespace around it (HTTP sends none anyway).
            "pattern": HEADER_TEXT_PATTERN,
        },
        "example": "Client in crisis; on-call therapist needs the risk plan.",
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you hold; when it is still current the answer is 304 "
        "Not Modified, without a body.",
        "schema": {"type": "string"},
        "example": '"0193a5c47f7e-3"',
    },
}

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "RequestId": {
        "description": "The request's id (yours when you sent a sane one); quote it to support.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
    },
    "ETag": {
        "description": "The resource's strong entity tag: send it back in If-Match to change "
        "it, or in If-None-Match to revalidate.",
        "required": True,
        "schema": {"type": "string", "pattern": '^"[^"]+"$'},
    },
    "RetryAfter": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "IdempotentReplayed": {
        "description": "`true` when this is the stored response of an earlier request with "
        "the same Idempotency-Key and body.",
        "required": False,
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Link": {
        "description": 'RFC 8288 link to the next page (`<…>; rel="next"`), while there is one.',
        "required": False,
        "schema": {"type": "string"},
    },
    "CacheControl": {
        "description": "`no-store` on every /v1 answer: clinical data is never cached.",
        "required": True,
        "schema": {"type": "string", "enum": ["no-store"]},
    },
}

NOT_MODIFIED: dict[str, Any] = {
    "description": "Not Modified: the ETag sent in If-None-Match is current; no body.",
}


INVALID_HEADER: dict[str, Any] = {
    "description": "Invalid input.",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": (_PARAMETERS if kind == "parameter" else _HEADERS) + name}


def _calls(dependant: Dependant, function: object) -> bool:
    """Whether resolving this dependency tree calls `function` (e.g. authenticates)."""
    if dependant.call is function:
        return True
    return any(_calls(sub, function) for sub in dependant.dependencies)


def _sets_etag(route: APIRoute) -> bool:
    """Whether the endpoint puts an ETag on its answer (it calls `app.etag.set_etag`)."""
    code = getattr(route.endpoint, "__code__", None)
    return code is not None and "set_etag" in code.co_names


def _is_page(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    return "next_cursor" in target.get("properties", {})


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A required header's schema: FastAPI types the optional parameter `string | null`."""
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if len(options) != 1:
        return schema
    return {**options[0], **{k: v for k, v in schema.items() if k != "anyOf"}}


def _declare_request(operation: dict[str, Any], route: APIRoute) -> None:
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    codes = set(operation.get("responses", {}))
    for parameter in parameters:
        if parameter.get("in") == "header":
            parameter["name"] = CANONICAL.get(parameter["name"].lower(), parameter["name"])
            if parameter["name"] == "If-Match" and "428" in codes:
                parameter["required"] = True
                parameter["schema"] = _not_null(parameter["schema"])
    wanted = ["RequestId"]
    if _calls(route.dependant, get_caller):
        wanted.append("PurposeOfUse")
        if "403" in codes:
            wanted.append("BreakGlassReason")
        # An unknown purpose or a too-short reason is refused before anything else.
        operation["responses"].setdefault("422", dict(INVALID_HEADER))
    if "GET" in (route.methods or ()) and _sets_etag(route):
        wanted.append("IfNoneMatch")
        operation["responses"].setdefault("304", dict(NOT_MODIFIED))
    parameters.extend(_ref("parameter", name) for name in wanted)


def _declare_responses(operation: dict[str, Any], route: APIRoute, schemas: dict[str, Any]) -> None:
    names = {p.get("name") for p in operation.get("parameters", [])}
    for code, response in operation.get("responses", {}).items():
        headers: dict[str, Any] = response.setdefault("headers", {})
        headers["X-Request-ID"] = _ref("header", "RequestId")
        if route.path.startswith("/v1/"):
            headers["Cache-Control"] = _ref("header", "CacheControl")
        if code in {"429", "503"}:
            headers["Retry-After"] = _ref("header", "RetryAfter")
        if code == "304":
            headers["ETag"] = _ref("header", "ETag")
        if not code.startswith("2"):
            continue
        if _sets_etag(route):
            headers["ETag"] = _ref("header", "ETag")
        if "Idempotency-Key" in names:
            headers["Idempotent-Replayed"] = _ref("header", "IdempotentReplayed")
        if code == "200" and _is_page(response, schemas):
            headers["Link"] = _ref("header", "Link")


def canonical_names(schema: dict[str, Any]) -> dict[str, Any]:
    """Header parameters spelt as the RFCs do (`If-Match`), before links refer to them."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header":
                    name = parameter["name"]
                    parameter["name"] = CANONICAL.get(name.lower(), name)
    return schema


def declare_headers(schema: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Declare each operation's request and response headers (shared as components)."""
    paths = schema.get("paths", {})
    components = schema.setdefault("components", {})
    schemas = components.get("schemas", {})
    for route in iter_route_contexts(routes):
        original = route.original_route
        if not isinstance(original, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _declare_request(operation, original)
                _declare_responses(operation, original, schemas)
    components["parameters"] = REQUEST_HEADERS
    components["headers"] = RESPONSE_HEADERS
    return schema
