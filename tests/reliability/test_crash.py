"""kill -9 mid-load: nothing acknowledged is lost, nothing is created twice, the log verifies."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.models import AuditEvent, Client
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.reliability.service import Service
from tests.waiting import eventually

pytestmark = [pytest.mark.server, pytest.mark.slow]

CREATES = 300
WORKERS = 8
KILLS = 3


class Load:
    """Creates with Idempotency-Key from a few workers, pausing while the server is down."""

    def __init__(self, service: Service, headers: dict[str, str], primary: str) -> None:
        self.service = service
        self.headers = headers
        self.primary = primary
        self.keys = [uuid.uuid4().hex for _ in range(CREATES)]
        self.pending = list(self.keys)
        self.acknowledged: dict[str, str] = {}
        self.unanswered: set[str] = set()
        # A replay is audited too, naming the same client: counted to expect its event.
        self.replays: Counter[str] = Counter()
        self.up = asyncio.Event()
        self.up.set()

    def body(self, key: str) -> dict[str, str]:
        """The request for one key (its external_id makes duplicates countable; an admin sets
        it, and so names the primary therapist)."""
        return {
            "given_name": "Crash",
            "family_name": "Test",
            "external_id": f"crash-{key}",
            "primary_therapist_id": self.primary,
        }

    async def create(self, http: httpx.AsyncClient, key: str) -> httpx.Response | None:
        """One attempt; None when the connection failed."""
        try:
            return await http.post(
                "/v1/clients", json=self.body(key), headers={**self.headers, "Idempotency-Key": key}
            )
        except httpx.TransportError:
            return None

    async def worker(self, http: httpx.AsyncClient) -> None:
        """Take keys until none are left; a key without a 201 is replayed later."""
        while self.pending:
            await self.up.wait()
            key = self.pending.pop()
            response = await self.create(http, key)
            if response is not None and response.status_code == 201:
                self.acknowledged[key] = response.json()["id"]
            else:
                self.unanswered.add(key)
                if response is None:
                    await asyncio.sleep(0.05)

    async def killer(self) -> None:
        """SIGKILL the server at random points of the run, then restart it."""
        marks = sorted(random.sample(range(CREATES // 8, CREATES * 7 // 8), KILLS))

        for mark in marks:

            async def reached(mark: int = mark) -> bool:
                return CREATES - len(self.pending) >= mark

            await eventually(reached, interval=0.01)
            await asyncio.sleep(random.uniform(0, 0.05))
            self.up.clear()
            await asyncio.to_thread(self.service.kill)
            await asyncio.to_thread(self.service.start)
            self.up.set()


async def _replay(load: Load, http: httpx.AsyncClient, key: str) -> httpx.Response:
    """Repeat a create until it is answered (409 while a killed attempt's lock is released)."""

    async def answered() -> httpx.Response | None:
        response = await load.create(http, key)
        if response is None or response.status_code in (409, 503):
            return None
        return response

    response = await eventually(answered, interval=0.25)
    if response.headers.get("idempotent-replayed") == "true":
        load.replays[response.json()["id"]] += 1
    return response


async def test_kill_9_mid_load_loses_and_duplicates_nothing(
    seeded: Seeded, services: ServiceFactory
) -> None:
    service = services()
    service.start()
    load = Load(service, seeded.world["admin"].headers, str(seeded.world["therapist"].id))
    limits = httpx.Limits(max_connections=WORKERS)
    async with service.client(limits=limits) as http:
        await asyncio.gather(load.killer(), *(load.worker(http) for _ in range(WORKERS)))
        assert load.unanswered, "no request was cut off; the kills came too late"
        for key in sorted(load.unanswered):
            replayed = await _replay(load, http, key)
            assert replayed.status_code == 201, replayed.text
            load.acknowledged[key] = replayed.json()["id"]
        for key in random.sample(sorted(load.acknowledged), 20):
            again = await _replay(load, http, key)
            assert again.headers.get("idempotent-replayed") == "true"
            assert again.json()["id"] == load.acknowledged[key]
    service.stop()

    practice = seeded.world.practice_id
    async with seeded.state.sessionmaker() as db:
        rows = (
            await db.execute(
                select(col(Client.id), col(Client.external_id)).where(
                    col(Client.practice_id) == practice
                )
            )
        ).all()
        created = (
            await db.execute(
                select(col(AuditEvent.resource_id), func.count())
                .where(
                    col(AuditEvent.practice_id) == practice,
                    col(AuditEvent.action) == "client.create",
                    col(AuditEvent.outcome) == "success",
                    col(AuditEvent.resource_id).is_not(None),
                )
                .group_by(col(AuditEvent.resource_id))
            )
        ).all()
    ids = {str(row_id) for row_id, _ in rows}
    assert len(rows) == CREATES  # one row per key: no duplicate, none missing
    assert {external for _, external in rows} == {f"crash-{key}" for key in load.keys}
    assert set(load.acknowledged.values()) == ids  # every acknowledged write is there
    # One create event per row, plus one per replay the test was answered.
    assert {str(resource): int(n) for resource, n in created} == {
        row_id: 1 + load.replays[row_id] for row_id in ids
    }

    sequenced = service.cli("audit", "checkpoint")
    assert sequenced.returncode == 0, sequenced.stderr
    verified = service.cli("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Traceback" not in service.log.read_text()
