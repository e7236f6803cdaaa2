"""Request bodies parsed strictly: a JSON object naming a member twice is refused (422).

Python's `json` keeps the last of repeated names, so `{"given_name": "Anna", "given_name":
"Bob"}` would store "Bob" while a proxy or a log that reads the first sees "Anna" (RFC 8259
§4: names SHOULD be unique). Every router is made by `api_router`, whose routes parse their
body with `StrictJSONRequest`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute, APIRouter


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            # FastAPI answers a JSONDecodeError as a 422 `json_invalid` naming its message.
            raise json.JSONDecodeError(f"Member {name!r} appears more than once", "", 0)
        members[name] = value
    return members


class StrictJSONRequest(Request):
    """The route's request, whose JSON body may not repeat a member's name.

    It reads the body through the request Starlette made, so that whatever reads that one
    later (an error handler naming a refused body's client) finds the body read, not a
    stream to wait on.
    """

    def __init__(self, original: Request) -> None:
        super().__init__(original.scope, original.receive)
        self._original = original

    def stream(self) -> AsyncGenerator[bytes, None]:
        """The original request's body stream."""
        return self._original.stream()

    async def body(self) -> bytes:
        """The original request's body, read once for both."""
        return await self._original.body()

    async def json(self) -> Any:
        """The body as JSON; a repeated member name raises JSONDecodeError."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), object_pairs_hook=_unique_members)
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose handler reads its body through `StrictJSONRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given the strict request in place of Starlette's."""
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request))

        return strict


def api_router(**options: Any) -> APIRouter:
    """An APIRouter of strict-JSON routes (every router of the API is one)."""
    return APIRouter(route_class=StrictJSONRoute, **options)
