"""The SSRF guard: each forbidden address class, https in production, and DNS rebinding."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from app.config import Settings
from app.state import AppState
from app.webhooks import ssrf
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client, problem
from tests.webhooks.support import deliverer, make_endpoint, run_passes

FORBIDDEN = [
    ("127.0.0.1", "a loopback address"),
    ("::1", "a loopback address"),
    ("10.1.2.3", "a private address"),
    ("172.16.0.9", "a private address"),
    ("192.168.1.1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("169.254.10.1", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("224.0.0.1", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("0.0.0.0", "an unspecified address"),  # noqa: S104 - the address under test
    ("::", "an unspecified address"),
    ("169.254.169.254", "a cloud metadata address"),
    ("fd00:ec2::254", "a cloud metadata address"),
    ("100.100.100.200", "a cloud metadata address"),
    ("100.64.0.1", "a reserved address"),
    ("::ffff:127.0.0.1", "a loopback address"),
    ("::ffff:10.0.0.1", "a private address"),
    # NAT64 (RFC 6052) and 6to4 carry an IPv4 address the network delivers to.
    ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),
    ("64:ff9b::a00:5", "a private address"),
    ("64:ff9b::7f00:1", "a loopback address"),
    ("64:ff9b:1::a00:5", "a NAT64 address"),
    ("2002:a9fe:a9fe::1", "a cloud metadata address"),
    ("2002:7f00:1::1", "a loopback address"),
]


@pytest.mark.parametrize(("address", "reason"), FORBIDDEN)
def test_each_forbidden_class_is_named(address: str, reason: str) -> None:
    assert ssrf.address_problem(ipaddress.ip_address(address), allow_loopback=False) == reason


def test_public_addresses_pass_and_loopback_only_outside_production() -> None:
    public = ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "64:ff9b::5db8:d70e")
    for address in public:
        assert ssrf.address_problem(ipaddress.ip_address(address), allow_loopback=False) is None
    loopback = ipaddress.ip_address("127.0.0.1")
    assert ssrf.address_problem(loopback, allow_loopback=True) is None
    private = ipaddress.ip_address("10.0.0.1")
    assert ssrf.address_problem(private, allow_loopback=True) == "a private address"


def test_url_shapes() -> None:
    with pytest.raises(ssrf.BlockedURL, match="https"):
        ssrf.check_url("http://hooks.example.com/x", production=True)
    with pytest.raises(ssrf.BlockedURL, match="credentials"):
        ssrf.check_url("https://user:pw@hooks.example.com/x", production=True)
    with pytest.raises(ssrf.BlockedURL, match="http or https"):
        ssrf.check_url("ftp://hooks.example.com/x", production=False)
    assert ssrf.check_url("http://127.0.0.1:9/x", production=False).port == 9
    # A host that is no valid IDNA A-label is a bad URL (422), not an error of the service.
    with pytest.raises(ssrf.BlockedURL, match="not a valid URL"):
        ssrf.check_url("http://xn--zz.example/x", production=False)


class FakeDNS:
    """A resolver answering from a table that a test can change (no real DNS)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.answers:
            raise OSError("no such host")
        return self.answers[host]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """The guard's resolver replaced by a table."""
    fake = FakeDNS()
    monkeypatch.setattr(ssrf, "resolver", fake)
    return fake


@pytest.mark.parametrize(("address", "reason"), FORBIDDEN[::3])
async def test_production_refuses_a_host_resolving_to_a_forbidden_address(
    dns: FakeDNS, address: str, reason: str
) -> None:
    dns.answers["hooks.example.com"] = ["93.184.215.14", address]
    with pytest.raises(ssrf.BlockedURL, match=reason):
        await ssrf.resolve("https://hooks.example.com/x", production=True)
    with pytest.raises(ssrf.BlockedURL, match="does not resolve"):
        await ssrf.resolve("https://nowhere.example.com/x", production=True)


async def test_the_checked_address_is_the_one_connected_to(dns: FakeDNS) -> None:
    dns.answers["hooks.example.com"] = ["93.184.215.14"]
    target = await ssrf.resolve("https://hooks.example.com:8443/in?x=1", production=True)
    async with httpx.AsyncClient() as http:
        request = target.request(http, b"{}", {"webhook-id": "msg_1"})
    assert request.url.host == "93.184.215.14"
    assert (request.url.port, request.url.path, request.url.query) == (8443, "/in", b"x=1")
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    dns.answers["v6.example.com"] = ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    target = await ssrf.resolve("https://v6.example.com/in", production=True)
    async with httpx.AsyncClient() as http:
        request = target.request(http, b"{}", {})
    assert request.url.host == "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
    assert request.headers["host"] == "v6.example.com"


async def test_production_api_refuses_forbidden_urls(
    client: httpx.AsyncClient,
    world: World,
    dns: FakeDNS,
    monkeypatch: pytest.MonkeyPatch,
    state: AppState,
) -> None:
    production = state.settings.model_copy(update={"env": "production"})
    monkeypatch.setattr(state, "settings", production)
    dns.answers["metadata.example.com"] = ["169.254.169.254"]
    dns.answers["hooks.example.com"] = ["93.184.215.14"]
    admin = world["admin"].headers
    for url, reason in (
        ("http://hooks.example.com/x", "https"),
        ("https://metadata.example.com/x", "metadata"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://nowhere.example.com/x", "resolve"),
    ):
        body = {"url": url, "event_types": ["client.created"]}
        refused = await client.post("/v1/webhook-endpoints", json=body, headers=admin)
        assert reason in problem(refused, 422)["detail"]
    ok = {"url": "https://hooks.example.com/x", "event_types": ["client.created"]}
    assert (await client.post("/v1/webhook-endpoints", json=ok, headers=admin)).status_code == 201


async def test_dns_rebinding_is_caught_at_delivery(
    client: httpx.AsyncClient, state: AppState, world: World, dns: FakeDNS
) -> None:
    receiver = await Receiver().start()
    try:
        # Saved while the name pointed at the receiver (allowed: development, loopback)…
        dns.answers["rebind.example.com"] = ["127.0.0.1"]
        url = f"http://rebind.example.com:{receiver.port}/hooks"
        endpoint = await make_endpoint(client, world["admin"].headers, url)
        await create_client(client, world["therapist"].headers)
        # …then the name moves to the metadata service before the delivery.
        dns.answers["rebind.example.com"] = ["169.254.169.254"]
        d = deliverer(state)
        await run_passes(d)
        await d.close()
    finally:
        await receiver.stop()
    assert receiver.requests == []
    log = await client.get(
        f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=world["admin"].headers
    )
    attempt = log.json()["items"][0]["attempts"][0]
    assert (attempt["outcome"], attempt["response_status"]) == ("blocked", None)
    assert "metadata" in attempt["error"]


async def test_redirects_are_not_followed(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver(status=307).start()
    try:
        endpoint = await make_endpoint(client, world["admin"].headers, receiver.url)
        await create_client(client, world["therapist"].headers)
        d = deliverer(state)
        await run_passes(d)
        await d.close()
    finally:
        await receiver.stop()
    assert len(receiver.requests) == 1
    log = await client.get(
        f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=world["admin"].headers
    )
    attempt = log.json()["items"][0]["attempts"][0]
    assert (attempt["outcome"], attempt["response_status"]) == ("http_error", 307)


def test_settings_default_to_a_ten_second_timeout() -> None:
    assert Settings().webhook_timeout_seconds == 10.0
