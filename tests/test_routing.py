"""Dispatch by path prefix picks the route the full, ordered route list would (app/routing.py)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Match, Route

from app.routing import RouteIndex
from tests.factories import problem

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _scope(method: str, path: str) -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _first_match(routes: list[BaseRoute], scope: dict[str, object]) -> tuple[int, BaseRoute] | None:
    """Starlette's choice: the first full match, else the first partial one (a 405)."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return 2, route
        if match == Match.PARTIAL and partial is None:
            partial = route
    return None if partial is None else (1, partial)


def _paths(app: FastAPI) -> list[str]:
    """Each route's path with sample values, and near misses around it."""
    paths = ["/", "/v1", "/v1/", "/nothing", "/v1/nothing/here", "/docs/", "/openapi.json/x"]
    for route in app.router.routes:
        if isinstance(route, Route):
            concrete = re.sub(r"{[^}]+}", "0b5e7a52-2c3f-4a55-9c59-6c3f0e4a7d11", route.path)
            paths += [concrete, concrete + "/", concrete + "/extra", concrete.upper()]
    return paths


def test_every_path_and_method_finds_the_route_the_full_list_finds(app: FastAPI) -> None:
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    routes = list(app.router.routes)
    for path in _paths(app):
        for method in METHODS:
            scope = _scope(method, path)
            group = list(index.group_for(path).routes)
            assert _first_match(group, scope) == _first_match(routes, scope), (method, path)


async def test_requests_go_through_the_index(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Starlette's Router calls `middleware_stack`: were that to change, the index would be
    # left out silently (answers the same, only slower).
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    asked: list[str] = []
    group_for = index.group_for

    def spy(path: str) -> APIRouter:
        asked.append(path)
        return group_for(path)

    monkeypatch.setattr(index, "group_for", spy)
    await client.get("/v1/notes")
    assert asked == ["/v1/notes"]


def test_a_route_added_later_is_served(app: FastAPI) -> None:
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)

    async def extra() -> dict[str, str]:
        return {}

    before = list(app.router.routes)
    try:
        app.router.add_api_route("/v1/zz-added-later", extra)
        assert any(
            getattr(r, "path", "") == "/v1/zz-added-later"
            for r in index.group_for("/v1/zz-added-later").routes
        )
    finally:
        app.router.routes = before
    assert all(
        getattr(r, "path", "") != "/v1/zz-added-later"
        for r in index.group_for("/v1/zz-added-later").routes
    )


async def test_answers_are_the_full_routers(app: FastAPI, client: httpx.AsyncClient) -> None:
    """No route, a wrong method, a trailing slash, a bad id: as without the index."""
    cases = [
        ("GET", "/v1/no-such-thing"),
        ("PUT", "/v1/notes"),
        ("DELETE", "/v1/clients"),
        ("GET", "/health/live/"),
        ("GET", "/health/live"),
        ("GET", "/v1/notes/not-a-uuid"),
        ("GET", "/openapi.json"),
    ]
    index = app.router.middleware_stack

    async def answers() -> list[tuple[int, str | None, str | None]]:
        seen = []
        for method, path in cases:
            response = await client.request(method, path)
            seen.append(
                (
                    response.status_code,
                    response.headers.get("allow"),
                    response.headers.get("location"),
                )
            )
        return seen

    indexed = await answers()
    app.router.middleware_stack = app.router.app
    try:
        assert await answers() == indexed
    finally:
        app.router.middleware_stack = index
    assert [status for status, _, _ in indexed] == [404, 405, 405, 307, 200, 401, 200]
    problem(await client.put("/v1/notes"), 405)


async def test_a_root_path_takes_the_full_router(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Behind a proxy's prefix Starlette matches the path without it: the index leaves it be.
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    full: list[str] = []

    async def spy(scope: dict[str, object], receive: object, send: object) -> None:
        full.append(str(scope["path"]))

    monkeypatch.setattr(app.router, "app", spy)
    scope = {**_scope("GET", "/api/v1/notes"), "root_path": "/api"}
    await index(scope, None, None)  # type: ignore[arg-type]
    assert full == ["/api/v1/notes"]
