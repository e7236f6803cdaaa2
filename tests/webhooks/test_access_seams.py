"""Access seams that hold (kept as regression checks), and the SSRF guard's IPv4-compatible gap."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from app.state import AppState
from app.webhooks.ssrf import address_problem
from tests.conftest import World
from tests.factories import create_client, make_api_key
from tests.webhooks.support import make_endpoint


async def test_deactivated_admin_and_other_practice_are_refused(
    client: httpx.AsyncClient, state: AppState, world: World, other_world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, "http://127.0.0.1:9/h")
    await create_client(client, world["therapist"].headers)
    other = await make_api_key(
        state, other_world, ["events:read", "clients:read", "webhooks:manage"]
    )
    feed = (await client.get("/v1/events", headers=other)).json()["items"]
    assert not [e for e in feed if e["type"].startswith("client.")]
    base = f"/v1/webhook-endpoints/{made['id']}"
    assert (await client.get(f"{base}/deliveries", headers=other)).status_code == 404
    assert (await client.get(base, headers=other_world["admin"].headers)).status_code == 404
    # A break-the-glass header never opens the feed to an admin.
    bg = {**admin, "X-Break-Glass-Reason": "emergency, need to look"}
    assert (await client.get("/v1/events", headers=bg)).status_code == 403


@pytest.mark.parametrize(
    "address",
    ["::a9fe:a9fe", "::7f00:1", "::a00:1"],  # IPv4-compatible 169.254.169.254 etc.
)
def test_ipv4_compatible_ipv6_is_judged_by_its_ipv4(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_loopback=False) is not None
