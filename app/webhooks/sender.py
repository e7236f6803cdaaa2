"""Sending one webhook message: to the checked address, signed, within the timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import httpx

from app.db import utcnow
from app.webhooks import signing, ssrf

MAX_RESPONSE_BYTES: Final = 64 * 1024


@dataclass
class Attempt:
    """What one HTTP request for a delivery came to."""

    delivery: Any
    at: datetime
    duration_ms: int
    outcome: str
    status: int | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        """A 2xx answer."""
        return self.outcome == "success"


class Sender:
    """The deliverer's HTTP side: one connection pool, redirects never followed."""

    def __init__(
        self,
        *,
        timeout: float,
        production: bool,
        connections: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.production = production
        self.http = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            limits=httpx.Limits(max_connections=connections),
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def target(self, url: str) -> ssrf.Target | ssrf.BlockedURL:
        """Where the endpoint's requests go now, or why they may not go there."""
        try:
            return await ssrf.resolve(url, production=self.production)
        except ssrf.BlockedURL as exc:
            return exc

    async def send(
        self, target: ssrf.Target | ssrf.BlockedURL, secrets_: list[str], delivery: Any
    ) -> Attempt:
        """One signed POST of a delivery to the endpoint's checked address."""
        at = utcnow()
        started = time.perf_counter()

        def done(outcome: str, status: int | None = None, error: str | None = None) -> Attempt:
            ms = int((time.perf_counter() - started) * 1000)
            return Attempt(delivery, at, ms, outcome, status, error and error[:200])

        if isinstance(target, ssrf.BlockedURL):
            return done("blocked", error=str(target))
        body = delivery.payload.encode()
        headers = signing.headers(
            secrets_, msg_id=signing.message_id(delivery.id), at=at, body=body
        )
        request = target.request(self.http, body, headers)
        try:
            response = await self.http.send(request, stream=True)
            try:
                read = 0
                async for chunk in response.aiter_raw():
                    read += len(chunk)
                    if read > MAX_RESPONSE_BYTES:
                        break
            finally:
                await response.aclose()
        except httpx.TimeoutException:
            return done("timeout", error="no answer within the timeout")
        except httpx.HTTPError as exc:
            return done("network_error", error=type(exc).__name__)
        if 200 <= response.status_code < 300:
            return done("success", response.status_code)
        return done("http_error", response.status_code)
