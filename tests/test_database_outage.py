"""Database unreachable: 503 problem+json with Retry-After, then recovery without restart."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app
from tests.conftest import build_world, create_pg_database, make_settings, pg_admin_url
from tests.tcp_proxy import TcpProxy
from tests.waiting import eventually


@pytest.fixture
async def proxied_client(
    database_url: str, backend: str, settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, TcpProxy, dict[str, str]]]:
    if backend != "postgresql":
        pytest.skip("the outage is simulated on PostgreSQL's TCP connection")
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    # The suite's own data folder, so its audit signing key: this app's sequencer numbers and
    # signs the suite's shared log too, and a key of its own would make every later
    # verification of that log report its leaves and checkpoints. (Built anew, not copied:
    # a copy would keep the connect options already derived from the unproxied URL.)
    proxied_settings = make_settings(
        settings.data_dir,
        proxied,
        db_pool_size=4,
        db_pool_timeout=1.0,
        db_connect_timeout=1.0,
    )
    application = create_app(proxied_settings)
    async with application.router.lifespan_context(application):
        world = await build_world(application.state.services, ("therapist",))
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, proxy, world["therapist"].headers
    await proxy.cut()


async def test_outage_gives_503_and_recovers(
    proxied_client: tuple[httpx.AsyncClient, TcpProxy, dict[str, str]],
) -> None:
    client, proxy, headers = proxied_client
    assert (await client.get("/v1/me", headers=headers)).status_code == 200
    await proxy.cut()
    for _ in range(3):
        started = time.monotonic()
        response = await client.get("/v1/me", headers=headers)
        assert time.monotonic() - started < 2.5
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) > 0
        # The cause, not the access log its event could not reach either.
        assert response.json()["type"].endswith("/database-unavailable"), response.text
    assert (await client.get("/health/live")).status_code == 200
    assert (await client.get("/health/ready")).status_code == 503
    await proxy.restore()

    async def recovered() -> bool:  # by itself: same app, same pool, no restart
        return (await client.get("/v1/me", headers=headers)).status_code == 200

    await eventually(recovered)

    async def ready_again() -> bool:  # its sequencer too, on its next pass
        return (await client.get("/health/ready")).status_code == 200

    await eventually(ready_again)


async def test_a_database_never_migrated_is_reported_as_such(
    settings: Settings, backend: str
) -> None:
    """Reached but empty: readiness says "not migrated", not "unreachable" (which would send
    an operator looking for a network problem)."""
    admin = pg_admin_url()
    if backend != "postgresql" or admin is None:
        pytest.skip("an empty database on the test server")
    url = await create_pg_database(admin, f"empty_{uuid.uuid4().hex[:12]}")
    application = create_app(make_settings(settings.data_dir, url))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answer = await client.get("/health/ready")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["schema"].startswith("not migrated")
