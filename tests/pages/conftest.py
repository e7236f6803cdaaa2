"""One real server on PostgreSQL (SQLite without a test server) with the demo practice, and
one signed-in browser per demo role, shared by the page tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from app.config import Settings
from app.demo.clinical import CASES
from app.demo.notes import _BODIES, _PLANS, _PRIVATE
from app.demo.seed import DEMO_USERS
from tests.conftest import pg_admin_url
from tests.pages.browser import require_browser, sign_in, start_browser
from tests.scratch_database import scratch_database
from tests.server_process import free_port, start_server, stop_server

PASSWORDS = {email.split("@")[0]: password for _, email, _, password in DEMO_USERS}
# What may never appear in a URL: every demo client's name and the clinical texts.
FORBIDDEN_IN_URLS = [
    *(name for case in CASES for name in (case.given_name, case.family_name)),
    *(text[:24] for text in (*_BODIES, *_PLANS, *_PRIVATE.values())),
    *(case.concerns[:24] for case in CASES),
]


@dataclass
class Site:
    """The running server, API sessions per demo login, and the browsers opened on it."""

    base_url: str
    data_dir: Path
    database_url: str
    downloads: Path
    tokens: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, WebDriver] = field(default_factory=dict)

    def api(self, who: str) -> httpx.Client:
        """An HTTP client signed in through /v1 as a demo user (therapist, auditor, …)."""
        if who not in self.tokens:
            answer = httpx.post(
                f"{self.base_url}/v1/auth/token",
                data={"username": f"{who}@demo.example", "password": PASSWORDS[who]},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            self.tokens[who] = answer.json()["access_token"]
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
            timeout=30,
        )

    def get(self, who: str, path: str, **params: Any) -> Any:
        """GET /v1… as a demo user; the JSON body."""
        with self.api(who) as http:
            answer = http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def browser(self, who: str, password: str | None = None) -> WebDriver:
        """This login's browser, signed in with the keyboard the first time it is asked for."""
        if who not in self.browsers:
            driver = start_browser(self.downloads)
            self.browsers[who] = driver
            sign_in(driver, self.base_url, f"{who}@demo.example", password or PASSWORDS[who])
        return self.browsers[who]

    def settings(self) -> Settings:
        """The server's configuration (its database and the keys in its data folder)."""
        return Settings(data_dir=self.data_dir, database_url=self.database_url)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_browser()
    folder = tmp_path_factory.mktemp("pages")
    backend = "postgresql" if pg_admin_url() else "sqlite"
    with scratch_database(backend, folder) as url:
        port = free_port()
        process = start_server(folder, port, env={"NOTES_DEMO": "1", "NOTES_DATABASE_URL": url})
        downloads = folder / "downloads"
        downloads.mkdir()
        running = Site(f"http://127.0.0.1:{port}", folder, url, downloads)
        try:
            yield running
        finally:
            for driver in running.browsers.values():
                driver.quit()
            stop_server(process)


def run(coroutine: Any) -> Any:
    """Run a coroutine from a synchronous test."""
    return asyncio.run(coroutine)


def new_id() -> str:
    """A fresh UUID as text."""
    return str(uuid.uuid4())
