"""The OpenAPI document against the app: every route in it, and its error codes where they arise."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

# FastAPI's own pages, deliberately outside the document.
# The review pages are HTML for people, not part of the API contract (docs/pages.md).
UNDOCUMENTED = {
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/app",
    "/app/static/{name}",
    "/app/{path:path}",
}
# Authenticated by what they receive (a password, a refresh token), not by a bearer token.
CREDENTIAL_EXCHANGES = {
    ("post", "/v1/auth/token"),
    ("post", "/v1/auth/refresh"),
    ("post", "/v1/auth/password-reset"),
}


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def _parameters(operation: dict[str, Any]) -> set[tuple[str, str]]:
    # Shared header parameters are references into components (not followed: none is If-Match).
    return {(p["in"], p["name"].lower()) for p in operation.get("parameters", []) if "in" in p}


async def test_every_served_route_is_documented(app: FastAPI, client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    documented = set(_operations(document))
    served = set()
    for route in iter_route_contexts(app.routes):
        if route.path in UNDOCUMENTED:
            continue
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method.lower(), route.path))
    assert served - documented == set()
    assert documented - served == set()


async def test_status_codes_follow_what_operations_take(client: httpx.AsyncClient) -> None:
    """401 where a bearer is required, 412 with If-Match, 400 with a cursor, 413 where a
    request may carry a body (POST, PUT, PATCH, DELETE: the pipeline refuses one over the
    limit whether or not the route reads it)."""
    document = (await client.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for (method, path), operation in _operations(document).items():
        if not path.startswith("/v1/"):
            continue
        where = (method, path)
        codes = set(operation["responses"])
        params = _parameters(operation)
        secured = operation.get("security") == [{"bearerAuth": []}]
        assert ("401" in codes) == (secured or where in CREDENTIAL_EXCHANGES), where
        assert ("header", "if-match") in params or not {"412", "428"} & codes, where
        assert ("header", "if-match") not in params or "412" in codes, where
        assert (("query", "cursor") in params) == ("400" in codes), where
        may_carry_body = method.lower() in {"post", "put", "patch", "delete"}
        assert may_carry_body == ("413" in codes), where


async def test_links_lead_from_created_resources(client: httpx.AsyncClient) -> None:
    """Creating a resource links to reading it, carrying its id (and ETag for If-Match)."""
    document = (await client.get("/openapi.json")).json()
    operations = _operations(document)
    created = operations[("post", "/v1/clients")]["responses"]["201"]["links"]
    read = operations[("get", "/v1/clients/{id}")]["operationId"]
    change = operations[("patch", "/v1/clients/{id}")]["operationId"]
    assert created[read]["parameters"] == {"path.id": "$response.body#/id"}
    assert created[change]["parameters"]["header.If-Match"] == "$response.header.ETag"
    listed = operations[("get", "/v1/sessions/{id}/notes")]["responses"]["200"]["links"]
    note = operations[("get", "/v1/notes/{id}")]["operationId"]
    assert listed[note]["parameters"] == {"path.id": "$response.body#/items/0/id"}
    me = operations[("get", "/v1/me")]["responses"]["200"]["links"]
    caseload = operations[("get", "/v1/clients")]["operationId"]
    assert me[caseload]["parameters"] == {"query.therapist_id": "$response.body#/id"}


async def test_created_resources_are_located(client: httpx.AsyncClient) -> None:
    """Every 201 declares its Location; a single resource's template is a readable path."""
    document = (await client.get("/openapi.json")).json()
    operations = _operations(document)
    created = {where: op for where, op in operations.items() if "201" in op["responses"]}
    assert len(created) >= 13
    for where, operation in created.items():
        header = operation["responses"]["201"].get("headers", {}).get("Location")
        assert header is not None, where
        assert header["required"] is True, where
        template = header["x-location-template"]
        assert header["schema"]["pattern"].startswith("^/v1/"), where
        assert ("get", template) in operations, f"{where}: Location {template} cannot be read"


async def test_links_follow_the_location_template(client: httpx.AsyncClient) -> None:
    """A creating route whose path does not name the resource links by its Location instead."""
    document = (await client.get("/openapi.json")).json()
    operations = _operations(document)
    for creating, reading in (
        ("/v1/audit/events/{id}/review", "/v1/audit/reviews/{id}"),
        ("/v1/notes/{id}/addenda", "/v1/addenda/{id}"),
        ("/v1/sessions/{id}/observations", "/v1/observations/{id}"),
        ("/v1/sessions/{id}/relationship-episodes", "/v1/relationship-episodes/{id}"),
        ("/v1/themes", "/v1/themes/{code}"),
    ):
        links = operations[("post", creating)]["responses"]["201"]["links"]
        target = operations[("get", reading)]["operationId"]
        param = reading.rsplit("{", 1)[1].rstrip("}")
        assert links[target]["parameters"] == {f"path.{param}": f"$response.body#/{param}"}
    # A transition's Location is its episode's list: no link may take the transition's id
    # for the episode's.
    transition = operations[("post", "/v1/episodes/{id}/phase-transitions")]["responses"]["201"]
    assert "links" not in transition
