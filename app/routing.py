"""Route dispatch by path prefix: a request is matched against its prefix's routes only.

Routes are grouped by their first two path segments where both are literal
(`/v1/notes/{id}` under `v1/notes`); a route with a parameter there belongs to every group.
A group keeps the routes' order and is served by an `APIRouter` of its own, so the first
route that matches is the one the full list would have found; when the group has none, the
full router answers (its redirect, 404 or 405). The index stands in Starlette's
`Router.middleware_stack`: starlette is pinned below its next minor version and
tests/test_routing.py holds dispatch to the full router's (docs/adr/0020-route-index.md).
"""

from __future__ import annotations

from fastapi.routing import APIRouter
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

_ANY = object()  # the group key of a route with a parameter in its first two segments


def route_path(scope: Scope) -> str:
    """The path the routes match: behind a proxy prefix (ASGI `root_path`, which the server
    puts in front of `path`), the path without it, as Starlette's routing reads it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path


def path_key(path: str) -> tuple[str, ...]:
    """The first two segments of a path: `/v1/notes/x` → ('v1', 'notes')."""
    return tuple(path.split("/", 3)[1:3])


def route_key(route: BaseRoute) -> object:
    """The group of a route, or `_ANY` when its first two segments are not both literal."""
    if not isinstance(route, Route):
        return _ANY  # a mount, a host: let every group try it
    key = path_key(route.path)
    return _ANY if any("{" in part for part in key) else key


class RouteIndex:
    """The router's routes by path prefix, rebuilt whenever its route list changes."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._built_from: list[BaseRoute] | None = None
        self._built_count = 0
        self._groups: dict[object, APIRouter] = {}
        self._rest: APIRouter | None = None

    def _build(self) -> None:
        routes = self.router.routes
        keys = [route_key(route) for route in routes]
        grouped: dict[object, list[BaseRoute]] = {key: [] for key in keys if key is not _ANY}
        for route, key in zip(routes, keys, strict=True):
            for group_key, members in grouped.items():
                if key is _ANY or key == group_key:
                    members.append(route)
        self._groups = {key: self._group(members) for key, members in grouped.items()}
        self._rest = self._group([r for r, k in zip(routes, keys, strict=True) if k is _ANY])
        self._built_from, self._built_count = routes, len(routes)

    def _group(self, routes: list[BaseRoute]) -> APIRouter:
        # No match in the group: the full router decides (redirect, 404 or 405) as before.
        return APIRouter(
            routes=routes,
            redirect_slashes=False,
            default=self.router.app,
            form_limits=self.router.form_limits or None,
        )

    def group_for(self, path: str) -> APIRouter:
        """The router of the routes that can match this path, in the full list's order."""
        routes = self.router.routes
        # A route list assigned anew or appended to (tests do both) is indexed again; one
        # changed in place at the same length is not (nothing here does that).
        if routes is not self._built_from or len(routes) != self._built_count:
            self._build()
        group = self._groups.get(path_key(path), self._rest)
        assert group is not None  # noqa: S101 - built above
        return group

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.router.app(scope, receive, send)
            return
        # url_for and FastAPI's helpers read the router from the scope: the full one.
        scope.setdefault("router", self.router)
        await self.group_for(scope["path"]).app(scope, receive, send)


def index_routes(router: APIRouter) -> RouteIndex:
    """Serve the router's requests through a `RouteIndex` (Starlette's `middleware_stack`)."""
    if router.middleware_stack != router.app:
        raise RuntimeError("the router has middleware of its own; index its routes inside it")
    index = RouteIndex(router)
    router.middleware_stack = index
    return index
