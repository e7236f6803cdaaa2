"""Short operation ids: the route's name (its function name unless the decorator names it)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def operation_id(route: APIRoute) -> str:
    """`create_client`, `sign_note`: what generated clients call the operation."""
    return route.name


def name_operations(routes: Iterable[BaseRoute]) -> None:
    """Give every API route its short id (routes built on other routers missed the app's)."""
    for route in routes:
        if isinstance(route, APIRoute) and route.operation_id is None:
            route.operation_id = operation_id(route)
            route.unique_id = route.operation_id
