"""Abuse over real HTTP: oversized bodies, oversized pages, login floods, forged tokens.

The in-process counterparts are tests/test_http_conventions.py (413), tests/auth/test_login.py
(lockout) and tests/auth/test_tokens.py (every claim, every forgery); these go through uvicorn.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import jwt
import pytest

from tests.conftest import TEST_PASSWORD
from tests.reliability.conftest import Seeded, ServiceFactory
from tests.reliability.service import Service

pytestmark = [pytest.mark.server, pytest.mark.slow]

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def replicas(services: ServiceFactory) -> Iterator[tuple[Service, Service]]:
    """Two servers on one database, as two replicas behind a load balancer would be."""
    pair = services(), services()
    for service in pair:
        service.start()
    yield pair
    for service in pair:
        service.stop()


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


async def test_bodies_over_the_limit_are_413(
    seeded: Seeded, replicas: tuple[Service, Service]
) -> None:
    headers = {**seeded.world["therapist"].headers, "content-type": "application/json"}
    padding = b'{"given_name": "' + b"x" * MIB + b'", "family_name": "Big"}'

    async def chunked() -> AsyncIterator[bytes]:
        for _ in range(24):
            yield b"y" * 65536

    async with replicas[0].client() as http:
        _problem(await http.post("/v1/clients", content=padding, headers=headers), 413)
        _problem(await http.post("/v1/clients", content=chunked(), headers=headers), 413)
        small = await http.post(
            "/v1/clients", json={"given_name": "Small", "family_name": "Body"}, headers=headers
        )
        assert small.status_code == 201


async def test_page_sizes_over_the_maximum_are_422(
    seeded: Seeded, replicas: tuple[Service, Service]
) -> None:
    headers = seeded.world["therapist"].headers
    async with replicas[0].client() as http:
        for path in ("/v1/clients", "/v1/sessions", "/v1/themes"):
            assert (await http.get(path, params={"limit": 200}, headers=headers)).status_code == 200
            _problem(await http.get(path, params={"limit": 201}, headers=headers), 422)
            _problem(await http.get(path, params={"limit": 10**9}, headers=headers), 422)
            _problem(await http.get(path, params={"limit": 0}, headers=headers), 422)


async def test_login_flood_is_429_on_every_replica(
    seeded: Seeded, replicas: tuple[Service, Service]
) -> None:
    email = seeded.world["supervisor"].email
    async with replicas[0].client() as one, replicas[1].client() as two:
        for n in range(5):
            wrong = await (one, two)[n % 2].post(
                "/v1/auth/token", data={"username": email, "password": f"wrong-password-{n}"}
            )
            _problem(wrong, 401)
        for http in (one, two):
            flooded = await http.post(
                "/v1/auth/token", data={"username": email, "password": "wrong-password-x"}
            )
            _problem(flooded, 429)
            assert int(flooded.headers["retry-after"]) > 0
            # Locked means locked: the right password waits too.
            right = await http.post(
                "/v1/auth/token", data={"username": email, "password": TEST_PASSWORD}
            )
            _problem(right, 429)


def _unsigned(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_forged_and_stale_tokens_are_401(
    seeded: Seeded, replicas: tuple[Service, Service]
) -> None:
    settings, secret = seeded.state.settings, seeded.state.secrets.jwt_secret
    member = seeded.world["therapist"]
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": str(member.id),
        "practice": str(seeded.world.practice_id),
        "role": member.role,
        "iat": now,
        "exp": now + 600,
        "aud": settings.jwt_audience,
        "iss": settings.service_name,
        "jti": uuid.uuid4().hex,
    }
    without_exp = {k: v for k, v in claims.items() if k != "exp"}
    tokens = {
        "alg none": _unsigned(claims),
        "wrong key": jwt.encode(claims, b"not-the-service-key-" + b"k" * 32, algorithm="HS256"),
        "expired": jwt.encode({**claims, "exp": now - 120}, secret, algorithm="HS256"),
        "no exp": jwt.encode(without_exp, secret, algorithm="HS256"),
    }
    async with replicas[0].client() as http:
        valid = jwt.encode(claims, secret, algorithm="HS256")
        me = await http.get("/v1/me", headers={"Authorization": f"Bearer {valid}"})
        assert me.status_code == 200
        for name, token in tokens.items():
            response = await http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
            _problem(response, 401)
            assert response.headers["www-authenticate"] == "Bearer", name


async def test_text_the_database_cannot_hold_is_never_a_500(
    seeded: Seeded, replicas: tuple[Service, Service]
) -> None:
    """NUL in a text value (PostgreSQL refuses it) is bad input, not a server error."""
    admin = seeded.world["admin"].headers
    therapist = seeded.world["therapist"].headers
    async with replicas[0].client() as http:
        key = await http.post(
            "/v1/api-keys",
            json={"name": "sync\u0000job", "scopes": ["clients:read"]},
            headers=admin,
        )
        search = await http.get("/v1/clients", params={"q": "ab\u0000c"}, headers=therapist)
    for response, accepted in ((key, 201), (search, 200)):
        if response.status_code != accepted:
            _problem(response, 422)
