"""Routes sit on the app's own router, each once: no included routers to match twice."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

from app.json_body import StrictJSONRoute
from app.main import ROUTERS


def test_routes_are_flat_and_complete(app: FastAPI) -> None:
    # An included (nested) router is matched twice per request (docs/performance.md).
    assert {type(route) for route in app.router.routes} <= {StrictJSONRoute, Route}
    served = [route for route in app.router.routes if isinstance(route, APIRoute)]
    assert len(served) == len(set(map(id, served)))
    assert {id(route) for route in served} == {id(r) for router in ROUTERS for r in router.routes}
    for router in ROUTERS:
        assert {type(route) for route in router.routes} <= {StrictJSONRoute}, router
