"""Post-processing of the generated OpenAPI document: what FastAPI cannot infer by itself."""

from __future__ import annotations

import re
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from app.security.caller import get_caller

BEARER_SCHEME = "bearerAuth"
_BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An access token from `POST /v1/auth/token` (a JWT), or an API key (`nsk_…`).",
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
    # Included routers stay wrapped (FastAPI >= 0.16x): walk them as get_openapi does.
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        if not _authenticates(route.dependant):
            continue
        for method in route.methods or ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                operation["security"] = [{BEARER_SCHEME: []}]
                secured = True
    if secured:
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})[BEARER_SCHEME] = _BEARER
    return schema


_ITEM_PATH = re.compile(r"^(?P<base>/v1/[^{}]*?)/\{(?P<param>[^/{}]+)\}(?:/.*)?$")
# Where a creating route's Location header says the template of what it points at.
LOCATION_TEMPLATE = "x-location-template"
# Paths of this API: lowercase literal segments (nothing to escape in a regex) and parameters.
_TEMPLATE = re.compile(r"^(?:/[a-z0-9_-]+|/\{[a-z_]+\})+$")
_PARAMETER = re.compile(r"\{[a-z_]+\}")


def created_resource(template: str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a creating route: its 201 names the new resource in Location.

    `template` is the path the route puts in Location (e.g. `/v1/notes/{id}`); the header's
    schema holds it as a pattern, so clients and fuzzers can check the value, and
    `declare_links` follows it to the operations on the created resource.
    """
    if not _TEMPLATE.match(template):
        raise ValueError(f"not a path template of this API: {template!r}")
    pattern = _PARAMETER.sub("[^/]+", template)
    header = {
        "description": f"Where the created resource is read: `{template}`.",
        "required": True,
        "schema": {"type": "string", "format": "uri-reference", "pattern": f"^{pattern}$"},
        LOCATION_TEMPLATE: template,
    }
    return {201: {"headers": {"Location": header}}}


def _resolve(node: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a (possibly referenced, possibly union) schema stands for."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _resolve(schemas.get(ref.rsplit("/", 1)[-1], {}), schemas)
    options = node.get("anyOf") or node.get("oneOf")
    if isinstance(options, list):
        return [found for option in options for found in _resolve(option, schemas)]
    return [node]


def _properties(node: dict[str, Any], schemas: dict[str, Any], listed: bool) -> set[str]:
    """Property names of the resource in a response: the object itself, or a page's items."""
    names: set[str] = set()
    for obj in _resolve(node, schemas):
        if listed:
            items = obj.get("properties", {}).get("items", {}).get("items")
            if isinstance(items, dict):
                names |= _properties(items, schemas, listed=False)
        else:
            names |= set(obj.get("properties", {}))
    return names


def declare_links(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI links from what creates or lists a resource to the operations on one of them.

    `POST /v1/clients` (201) and `GET /v1/clients` (200, a page) lead to `/v1/clients/{id}`
    and everything below it; a nested collection such as `/v1/sessions/{id}/notes` leads to
    `/v1/notes/{id}`. A created resource's ETag fills the target's If-Match. Clients and
    stateful testers follow these links.
    """
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    schemas: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    families: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for path, operations in paths.items():
        match = _ITEM_PATH.match(path)
        if match is not None:
            for operation in operations.values():
                families.setdefault(match["base"], []).append((match["param"], operation))
    for path, operations in paths.items():
        if not path.startswith("/v1/") or path.endswith("}"):
            continue
        last = path.rsplit("/", 1)[-1]
        by_path = families.get(path) or families.get(f"/v1/{last}") or []
        for method, operation in operations.items():
            code, pointer = {"post": ("201", ""), "get": ("200", "/items/0")}.get(method, ("", ""))
            response = operation.get("responses", {}).get(code)
            if response is None:
                continue
            family = _located_family(response, families) or by_path
            body = response.get("content", {}).get("application/json", {}).get("schema", {})
            fields = _properties(body, schemas, listed=bool(pointer))
            for param, target in family:
                if param not in fields or "operationId" not in target:
                    continue
                parameters = {f"path.{param}": f"$response.body#{pointer}/{param}"}
                for parameter in target.get("parameters", []):
                    if method == "post" and parameter["in"] == "header":
                        if parameter["name"].lower() == "if-match":
                            parameters[f"header.{parameter['name']}"] = "$response.header.ETag"
                response.setdefault("links", {})[target["operationId"]] = {
                    "operationId": target["operationId"],
                    "parameters": parameters,
                    "description": f"{target.get('summary', target['operationId'])}: the one "
                    + ("just created." if method == "post" else "listed first."),
                }
    return schema


def _located_family(
    response: dict[str, Any], families: dict[str, list[tuple[str, dict[str, Any]]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The operations on the single resource a 201's Location names (none for a list)."""
    template = response.get("headers", {}).get("Location", {}).get(LOCATION_TEMPLATE, "")
    match = _ITEM_PATH.match(template)
    if match is None or not template.endswith("}"):
        return []
    return families.get(match["base"], [])


def declare_caseload_links(schema: dict[str, Any]) -> dict[str, Any]:
    """Links from `GET /v1/me` to the lists it can filter to the caller's own caseload."""
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    me = paths.get("/v1/me", {}).get("get", {}).get("responses", {}).get("200")
    if me is None:
        return schema
    for path, operations in paths.items():
        listing = operations.get("get")
        if path.endswith("}") or listing is None or "operationId" not in listing:
            continue
        params = {(p["in"], p["name"]) for p in listing.get("parameters", [])}
        if ("query", "therapist_id") in params:
            me.setdefault("links", {})[listing["operationId"]] = {
                "operationId": listing["operationId"],
                "parameters": {"query.therapist_id": "$response.body#/id"},
                "description": f"{listing.get('summary', path)}: the caller's own caseload.",
            }
    return schema


def complete_openapi(schema: dict[str, Any], routes: list[BaseRoute]) -> dict[str, Any]:
    """Everything this module adds to the generated document."""
    return declare_caseload_links(declare_links(declare_bearer_security(schema, routes)))
