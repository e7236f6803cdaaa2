"""The progress page of the benchmark's 300-session episode, drawn in headless Chromium.

The time is reported (printed and kept in bench/results/pages-progress.json), not asserted
against a budget: the target is ≤ 1 s on this machine (docs/pages.md).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from app.db import create_engine, create_sessionmaker
from app.models import Practice
from app.security.passwords import Passwords
from app.security.secrets import load_secrets
from app.users import service as users
from app.users.schemas import UserCreate
from bench.progress_data import Sizes, build
from tests.pages.browser import ROOT, check_page, sign_in, start_browser, wait
from tests.pages.conftest import FORBIDDEN_IN_URLS, Site

pytestmark = pytest.mark.server

BENCH_LOGIN = ("bench-pages@demo.example", "bench-pages-password-1234")


async def _seed(site: Site) -> str:
    """The benchmark's big episode for a new therapist of the demo practice; its client id."""
    settings = site.settings()
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            practice = (await session.execute(select(col(Practice.id)))).scalars().first()
            assert practice is not None
            user = await users.create_user(
                session=session,
                passwords=Passwords(settings),
                practice_id=practice,
                user_in=UserCreate(
                    email=BENCH_LOGIN[0],
                    display_name="Bench Therapist",
                    role="therapist",
                ),
                password=BENCH_LOGIN[1],
            )
            data = await build(
                session=session,
                ring=load_secrets(settings).key_ring,
                practice_id=practice,
                therapist_id=user.id,
                sizes=Sizes(clients=1),
            )
            await session.commit()
            return str(data.big_client_id)
    finally:
        await engine.dispose()


def test_progress_page_of_a_300_session_episode(site: Site) -> None:
    client_id = asyncio.run(_seed(site))
    driver = start_browser(site.downloads)
    try:
        sign_in(driver, site.base_url, *BENCH_LOGIN)
        timings = []
        for _ in range(3):
            # From following the link to the drawn charts: every /v1 call and the SVG.
            driver.execute_script(
                "performance.clearMarks(); window.__start = performance.now();"
                "history.pushState(null, '', arguments[0]);"
                "dispatchEvent(new PopStateEvent('popstate'))",
                f"/app/clients/{client_id}",
            )
            wait(
                driver,
                lambda d: d.execute_script(
                    "return performance.getEntriesByName('progress-chart-drawn').length"
                ),
            )
            timings.append(
                driver.execute_script(
                    "return performance.getEntriesByName('progress-chart-drawn')[0].startTime"
                    " - window.__start"
                )
            )
        cells = driver.execute_script(
            "return document.querySelectorAll('svg#themes rect.cell').length"
        )
        assert cells > 1000  # the trajectory chart of the whole episode is drawn
        check_page(driver, "client-progress-300-sessions", FORBIDDEN_IN_URLS)
        figure = {"sessions": 300, "theme_cells": cells, "ms": [round(t) for t in timings]}
        results = ROOT / "bench" / "results"
        Path(results / "pages-progress.json").write_text(json.dumps(figure))
        print(f"progress page, 300 sessions: {figure}")  # noqa: T201
    finally:
        driver.quit()
