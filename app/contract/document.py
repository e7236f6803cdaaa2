"""The whole OpenAPI document: FastAPI's generation, then what the contract adds."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.contract.components import (
    name_generics,
    name_request_bodies,
    open_response_schemas,
    untitle_inline_responses,
)
from app.contract.enums import name_enums
from app.contract.examples import restore_examples
from app.contract.headers import canonical_names, declare_headers
from app.contract.info import describe
from app.errors import DESCRIPTIONS, PROBLEM_JSON
from app.openapi import complete_openapi


def _problem_content_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Error responses are documented as application/problem+json only."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code.isdigit() and int(code) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return schema


def _unsupported_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """An operation that takes a JSON body answers 415 to a body of another type."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                operation["responses"]["415"] = {
                    "description": DESCRIPTIONS[415],
                    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
    return schema


# Methods whose requests may carry a body: the pipeline answers 413 to one over the limit,
# whether or not the route reads it (a GET's body has no meaning, RFC 9110 §9.3.1).
_BODY_METHODS = frozenset({"post", "put", "patch", "delete"})


def _oversized_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation that may carry a body declares the pipeline's 413."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method in _BODY_METHODS:
                operation["responses"].setdefault(
                    "413",
                    {
                        "description": DESCRIPTIONS[413],
                        "content": {
                            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
    return schema


def _public_operations(schema: dict[str, Any]) -> dict[str, Any]:
    """Operations that need no credentials say so (`security: []`), not by omission."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("security", [])
    return schema


def build_document(app: FastAPI) -> dict[str, Any]:
    """The document served at /openapi.json and committed as openapi.json."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schema = canonical_names(_problem_content_types(restore_examples(schema)))
    schema = _oversized_bodies(_unsupported_media_types(complete_openapi(schema, app.routes)))
    schema = declare_headers(schema, app.routes)
    schema = _public_operations(name_request_bodies(name_generics(schema)))
    schema = untitle_inline_responses(schema)
    return describe(open_response_schemas(name_enums(schema)))
