"""Races against the real server: one ETag, twenty writers; one Idempotency-Key, many twins."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.models import AuditEvent, Client
from tests.factories import create_client, with_if_match
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.reliability.service import Service

pytestmark = [pytest.mark.server, pytest.mark.slow]

RACERS = 20


@pytest.fixture(scope="module")
def server(services: ServiceFactory) -> Iterator[Service]:
    """One server for the module's races."""
    service = services()
    service.start()
    yield service
    service.stop()


async def _connected(http: httpx.AsyncClient, n: int) -> None:
    """Open n keep-alive connections first, so the racers leave at the same moment."""
    await asyncio.gather(*(http.get("/health/live") for _ in range(n)))


async def test_twenty_patches_with_one_etag_make_one_change(
    seeded: Seeded, server: Service
) -> None:
    headers = seeded.world["therapist"].headers
    limits = httpx.Limits(max_connections=RACERS, max_keepalive_connections=RACERS)
    async with server.client(limits=limits) as http:
        record = await create_client(http, headers)
        await _connected(http, RACERS)
        responses = await asyncio.gather(
            *(
                http.patch(
                    f"/v1/clients/{record['id']}",
                    json={"preferred_name": f"Racer {n}"},
                    headers=with_if_match(headers, record["etag"]),
                )
                for n in range(RACERS)
            )
        )
        assert Counter(r.status_code for r in responses) == {200: 1, 412: RACERS - 1}
        winner = next(r for r in responses if r.status_code == 200)
        for loser in (r for r in responses if r.status_code == 412):
            assert loser.headers["content-type"] == "application/problem+json"
        now = await http.get(f"/v1/clients/{record['id']}", headers=headers)
    assert now.headers["etag"] == winner.headers["etag"] != record["etag"]
    assert now.json()["preferred_name"] == winner.json()["preferred_name"]


async def test_parallel_twins_of_one_idempotency_key_create_once(
    seeded: Seeded, server: Service
) -> None:
    # An admin: external_id is set by admins and API keys only (SPEC §2.1).
    headers = {**seeded.world["admin"].headers, "Idempotency-Key": uuid.uuid4().hex}
    body = {
        "given_name": "Twin",
        "family_name": "Test",
        "external_id": f"twin-{uuid.uuid4()}",
        "primary_therapist_id": str(seeded.world["therapist"].id),
    }
    limits = httpx.Limits(max_connections=RACERS, max_keepalive_connections=RACERS)
    async with server.client(limits=limits) as http:
        await _connected(http, RACERS)
        responses = await asyncio.gather(
            *(http.post("/v1/clients", json=body, headers=headers) for _ in range(RACERS))
        )
        statuses = Counter(r.status_code for r in responses)
        assert set(statuses) <= {201, 409}, statuses  # 409: the first is still running
        created = [r for r in responses if r.status_code == 201]
        assert created
        assert len({r.json()["id"] for r in created}) == 1
        assert sum(r.headers.get("idempotent-replayed") != "true" for r in created) <= 1
        # Once the first has finished, every twin replays it.
        again = await http.post("/v1/clients", json=body, headers=headers)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == created[0].json()["id"]
    async with seeded.state.sessionmaker() as db:
        rows = (
            await db.execute(
                select(func.count()).where(col(Client.external_id) == body["external_id"])
            )
        ).scalar_one()
        events = (
            await db.execute(
                select(func.count()).where(
                    col(AuditEvent.action) == "client.create",
                    col(AuditEvent.resource_id) == created[0].json()["id"],
                )
            )
        ).scalar_one()
    assert rows == 1
    # One event per answered request: the create, and each replay naming what it created.
    assert events == len(created) + 1
