"""Serves the review pages (SPEC §10): one HTML shell for every /app/ path, and its assets.

The pages hold no data of their own: their script signs in and calls /v1 as the user, so
each figure is authorised and audited by the API call it comes from (docs/pages.md).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi.responses import RedirectResponse, Response

from app.errors import NotFound
from app.json_body import api_router

router = api_router(tags=["pages"], include_in_schema=False)

# No inline script or style anywhere: the strict policy below holds for every page.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_SUFFIXES = tuple(_MEDIA_TYPES)


@cache
def _assets() -> dict[str, bytes]:
    """Every file shipped in app/pages/static, read once: nothing else can be served."""
    folder = resources.files("app.pages") / "static"
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.name.endswith(_SUFFIXES)}


def _page_response(name: str) -> Response:
    body = _assets()[name]
    media_type = _MEDIA_TYPES[name[name.rindex(".") :]]
    return Response(body, media_type=media_type, headers=PAGE_HEADERS)


@router.get("/app")
async def pages_root() -> RedirectResponse:
    """The pages live under /app/."""
    return RedirectResponse("/app/", status_code=308, headers=PAGE_HEADERS)


@router.get("/app/static/{name}")
async def page_asset(name: str) -> Response:
    """A script, style sheet or icon of the pages."""
    if name not in _assets() or name == "index.html":
        raise NotFound("No such file")
    return _page_response(name)


@router.get("/app/{path:path}")
async def page_shell(path: str) -> Response:
    """The shell of every page; its script picks the view from the path (ids only)."""
    return _page_response("index.html")
