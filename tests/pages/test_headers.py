"""The pages' headers and files: a strict CSP, no inline script or style, nothing cached."""

from __future__ import annotations

import re
from importlib import resources

import httpx
import pytest

from app.pages.router import PAGE_HEADERS
from tests.pages.browser import readable_url

CLIENT_PAGE = "/app/clients/0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21"


@pytest.mark.parametrize("path", ["/app/", CLIENT_PAGE, "/app/audit/events", "/app/static/app.js"])
async def test_every_page_and_asset_sends_the_strict_headers(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(path)
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["cache-control"] == "no-store"
    assert "set-cookie" not in answer.headers
    assert {k: answer.headers.get(k) for k in PAGE_HEADERS} == PAGE_HEADERS


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/app/static/%3Cimg%20src=x%20onerror=alert(1)%3E.js"),  # 404, path echoed
        ("GET", "/app/static/index.html"),
        ("POST", "/app/caseload"),  # 405
    ],
)
async def test_error_answers_under_app_send_the_strict_headers(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await client.request(method, path)
    assert answer.status_code in (404, 405)
    assert {k: answer.headers.get(k) for k in PAGE_HEADERS} == PAGE_HEADERS


async def test_only_shipped_files_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/app/static/../../config.py")).status_code == 404
    assert (await client.get("/app/static/nothing.js")).status_code == 404
    missing = await client.get("/app/static/index.html")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    moved = await client.get("/app", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/app/"


def test_no_inline_script_style_or_storage_in_the_pages() -> None:
    static = resources.files("app.pages") / "static"
    html = (static / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    for item in static.iterdir():
        text = item.read_text()
        assert "style=" not in text, item.name
        assert ".style." not in text, item.name
        assert ".innerHTML" not in text, item.name
        assert "localStorage" not in text, item.name
        assert "sessionStorage" not in text, item.name
        assert "document.cookie" not in text, item.name


def test_the_url_check_sees_names_but_not_inside_cursors() -> None:
    found = readable_url("http://h/v1/clients?q=Peter%20Wu&cursor=aWuB")
    assert re.search(r"\bWu\b", found)
    assert "aWuB" not in readable_url("http://h/v1/sessions?cursor=aWuB")
