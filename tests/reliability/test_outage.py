"""The database connection cut mid-load under the real server: fast 503s, then recovery alone.

The in-process variant is tests/test_database_outage.py; this one drives a server process
through a TCP proxy it cannot tell from the database.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.factories import create_client
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.reliability.proxy import ThreadedProxy

pytestmark = [pytest.mark.server, pytest.mark.slow]

POOL_SIZE = 4
WORKERS = 8
WARM, OUTAGE, AFTER = 1.5, 3.0, 6.0


@dataclass
class Sample:
    """One request: when it started (relative to the run), how long it took, what came back."""

    started: float
    seconds: float
    status: int
    content_type: str
    retry_after: str | None


@pytest.fixture
def postgresql_only(backend: str) -> None:
    """The outage is a cut TCP connection: PostgreSQL only (SQLite is a file)."""
    if backend != "postgresql":
        pytest.skip("the outage is a cut TCP connection to PostgreSQL")


@pytest.fixture
def proxy(seeded: Seeded) -> Iterator[ThreadedProxy]:
    """A proxy in front of the module's PostgreSQL database."""
    url = seeded.state.engine.url
    threaded = ThreadedProxy(url.host or "127.0.0.1", url.port or 5432)
    threaded.start()
    yield threaded
    threaded.close()


async def _connections(plain_url: str, database: str, application: str) -> int:
    """Server connections to this database under the service's application_name."""
    conn = await asyncpg.connect(plain_url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
            database,
            application,
        )
        return count
    finally:
        await conn.close()


async def test_outage_mid_load_fails_fast_and_recovers(
    postgresql_only: None, seeded: Seeded, services: ServiceFactory, proxy: ThreadedProxy
) -> None:
    url = make_url(seeded.state.settings.database_url or "")
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    service = services(
        database_url=proxied, db_pool_size=POOL_SIZE, db_pool_timeout=1.0, db_connect_timeout=1.0
    )
    service.start()
    # The seeding pool would count in pg_stat_activity under the same application_name.
    await seeded.state.engine.dispose()
    headers = seeded.world["therapist"].headers
    samples: list[Sample] = []
    health: list[tuple[float, str, int]] = []
    checked_out: list[int] = []
    connections: list[int] = []
    async with service.client(timeout=10) as http:
        record = await create_client(http, headers)
        origin = time.monotonic()

        async def worker() -> None:
            while (now := time.monotonic() - origin) < WARM + OUTAGE + AFTER:
                try:
                    response = await http.get(f"/v1/clients/{record['id']}", headers=headers)
                except httpx.TransportError:
                    continue
                samples.append(
                    Sample(
                        now,
                        time.monotonic() - origin - now,
                        response.status_code,
                        response.headers.get("content-type", ""),
                        response.headers.get("retry-after"),
                    )
                )

        async def monitor() -> None:
            plain = url.render_as_string(hide_password=False)
            while (now := time.monotonic() - origin) < WARM + OUTAGE + AFTER:
                for path in ("/health/live", "/health/ready"):
                    status = (await http.get(path)).status_code
                    # Stamped when answered: a probe sent just before the database returns
                    # may be answered after it, and then rightly says ready.
                    health.append((time.monotonic() - origin, path, status))
                metrics = (await http.get("/metrics")).text
                found = re.search(r"^notes_db_pool_checked_out (\S+)$", metrics, re.M)
                assert found is not None
                checked_out.append(int(float(found[1])))
                if now < WARM or now > WARM + OUTAGE + 2:
                    application = seeded.state.settings.service_name
                    connections.append(await _connections(plain, url.database or "", application))
                await asyncio.sleep(0.2)

        async def outage() -> None:
            await asyncio.sleep(WARM)
            await asyncio.to_thread(proxy.cut)
            await asyncio.sleep(OUTAGE)
            await asyncio.to_thread(proxy.restore)

        await asyncio.gather(outage(), monitor(), *(worker() for _ in range(WORKERS)))

    cut, restored = WARM, WARM + OUTAGE
    before = [s for s in samples if s.started + s.seconds < cut]
    during = [s for s in samples if cut + 0.05 <= s.started and s.started + s.seconds < restored]
    late = [s for s in samples if s.started >= restored + 5]
    assert before
    assert all(s.status == 200 for s in before)
    assert during, "no request ran during the outage"
    for s in during:
        assert s.status == 503, s
        assert s.content_type == "application/problem+json"
        assert s.retry_after is not None
        assert int(s.retry_after) > 0
        assert s.seconds <= 2.0, s
    recovered = min(
        s.started + s.seconds for s in samples if s.started >= restored and s.status == 200
    )
    assert recovered - restored <= 5.0
    assert late
    assert all(s.status == 200 for s in late)
    assert all(status == 200 for _, path, status in health if path == "/health/live")
    ready_during = [
        status for t, path, status in health if path == "/health/ready" and cut + 0.5 < t < restored
    ]
    assert ready_during
    assert ready_during == [503] * len(ready_during), ready_during
    assert [status for t, path, status in health if path == "/health/ready"][-1] == 200
    assert max(checked_out) <= POOL_SIZE
    assert connections
    assert max(connections) <= POOL_SIZE
