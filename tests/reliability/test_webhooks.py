"""The webhook deliverer as a real process: failing receivers, kill -9, a cut database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlmodel import col

from app.config import Settings
from app.feed import outbox
from app.models import WebhookDelivery
from app.webhooks import service as webhooks
from bench.webhook_receiver import Receiver
from tests.conftest import build_world
from tests.reliability.conftest import Seeded
from tests.reliability.proxy import ThreadedProxy
from tests.reliability.service import server_env
from tests.waiting import eventually

pytestmark = [pytest.mark.server, pytest.mark.slow]

FAST = {
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_max_delay_seconds": 0.2,
    "webhook_poll_seconds": 0.1,
    "webhook_lease_seconds": 1.0,
    "webhook_batch_size": 20,
}


@dataclass
class DelivererProcess:
    """`python -m app.webhooks.process` with the module's settings; killable and restartable."""

    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        """Start (again)."""
        self.process = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "app.webhooks.process"], env={**os.environ, **self.env}
        )
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: nothing recorded for the batch in flight."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def deliverers(scratch_settings: Settings) -> Iterator[list[DelivererProcess]]:
    """Deliverer processes made by a test; all stopped after it."""
    made: list[DelivererProcess] = []
    yield made
    for process in made:
        process.stop()


def start_deliverer(
    made: list[DelivererProcess], settings: Settings, **overrides: object
) -> DelivererProcess:
    """A running deliverer process with short delays."""
    process = DelivererProcess(server_env(settings, **{**FAST, **overrides}))
    process.start()
    made.append(process)
    return process


async def practice_with_endpoint(seeded: Seeded, url: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A fresh practice and an endpoint of it subscribed to client.updated."""
    world = await build_world(seeded.state, names=("admin",))
    async with seeded.state.sessionmaker() as db:
        endpoint, _ = await webhooks.create_endpoint(
            session=db,
            ring=seeded.state.secrets.key_ring,
            practice_id=world.practice_id,
            url=url,
            types=["client.updated"],
            description=None,
        )
        await db.commit()
    return world.practice_id, endpoint.id


async def changes(seeded: Seeded, practice_id: uuid.UUID, count: int) -> None:
    """`count` feed events, each committed on its own like a request's."""
    for _ in range(count):
        async with seeded.state.sessionmaker() as db:
            outbox.record(
                db, type="client.updated", practice_id=practice_id, resource_id=uuid.uuid4()
            )
            await db.commit()


def positions(receiver: Receiver, skip: int = 0) -> list[int]:
    """Feed positions of the requests received, in arrival order."""
    return [json.loads(r.body)["position"] for r in receiver.requests[skip:]]


async def statuses(seeded: Seeded, endpoint_id: uuid.UUID) -> Counter[str]:
    """How many of the endpoint's deliveries are in each status."""
    async with seeded.state.sessionmaker() as db:
        found = await db.execute(
            select(col(WebhookDelivery.status)).where(
                col(WebhookDelivery.endpoint_id) == endpoint_id
            )
        )
        return Counter(found.scalars())


async def test_a_receiver_failing_at_first_gets_everything_in_order(
    seeded: Seeded, scratch_settings: Settings, deliverers: list[DelivererProcess]
) -> None:
    receiver = await Receiver(fail_first=5).start()
    try:
        practice_id, endpoint_id = await practice_with_endpoint(seeded, receiver.url)
        await changes(seeded, practice_id, 40)
        start_deliverer(deliverers, scratch_settings)

        async def settled() -> bool:
            return (await statuses(seeded, endpoint_id)) == Counter(succeeded=40)

        await eventually(settled)
    finally:
        await receiver.stop()
    # The first five answers were 500s, all for the first message; the rest came in order.
    assert len(set(positions(receiver)[:6])) == 1
    delivered = positions(receiver, skip=5)
    assert delivered == sorted(delivered)
    assert len(delivered) == 40
    assert delivered == list(range(delivered[0], delivered[0] + 40))


async def test_kill_9_three_times_loses_nothing(
    seeded: Seeded, scratch_settings: Settings, deliverers: list[DelivererProcess]
) -> None:
    receiver = await Receiver(delay=0.01).start()
    total = 150
    try:
        practice_id, endpoint_id = await practice_with_endpoint(seeded, receiver.url)
        await changes(seeded, practice_id, total)
        deliverer = start_deliverer(deliverers, scratch_settings)
        for kill in range(1, 4):
            await eventually(partial(_received, receiver, 25 * kill), interval=0.01)
            deliverer.kill()
            deliverer.start()

        async def settled() -> bool:
            return (await statuses(seeded, endpoint_id)) == Counter(succeeded=total)

        await eventually(settled)
    finally:
        await receiver.stop()
    ids = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(ids) == total, "every message arrived"
    bodies: dict[str, set[bytes]] = {}
    for r in receiver.requests:
        bodies.setdefault(r.headers["webhook-id"], set()).add(r.body)
    assert all(len(b) == 1 for b in bodies.values()), "a duplicate is the same message"
    duplicates = sum(ids.values()) - total
    print(f"kill -9 x3: {total} messages, {duplicates} duplicates")  # noqa: T201
    assert sorted(set(positions(receiver))) == list(
        range(min(positions(receiver)), min(positions(receiver)) + total)
    )


async def _received(receiver: Receiver, n: int) -> bool:
    return len(receiver.requests) >= n


@pytest.fixture
def proxy(seeded: Seeded, backend: str) -> Iterator[ThreadedProxy]:
    """A proxy in front of the module's PostgreSQL database."""
    if backend != "postgresql":
        pytest.skip("the outage is a cut TCP connection to PostgreSQL")
    url = seeded.state.engine.url
    threaded = ThreadedProxy(url.host or "127.0.0.1", url.port or 5432)
    threaded.start()
    yield threaded
    threaded.close()


async def test_the_deliverer_recovers_from_a_cut_database_by_itself(
    seeded: Seeded,
    scratch_settings: Settings,
    deliverers: list[DelivererProcess],
    proxy: ThreadedProxy,
) -> None:
    receiver = await Receiver(delay=0.01).start()
    total = 120
    try:
        practice_id, endpoint_id = await practice_with_endpoint(seeded, receiver.url)
        await changes(seeded, practice_id, total)
        url = make_url(scratch_settings.database_url or "")
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        deliverer = start_deliverer(
            deliverers,
            scratch_settings,
            database_url=proxied,
            db_pool_timeout=1.0,
            db_connect_timeout=1.0,
        )
        await eventually(lambda: _received(receiver, 20), interval=0.01)
        await asyncio.to_thread(proxy.cut)
        await asyncio.sleep(2.0)  # the outage under test lasts this long
        await asyncio.to_thread(proxy.restore)

        async def settled() -> bool:
            return (await statuses(seeded, endpoint_id)) == Counter(succeeded=total)

        await eventually(settled)
        assert deliverer.process is not None
        assert deliverer.process.poll() is None
        assert deliverer.starts == 1, "recovered without a restart"
    finally:
        await receiver.stop()
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == total
