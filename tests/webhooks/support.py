"""Helpers for webhook tests: endpoints made through the API and a deliverer run to quiet."""

from __future__ import annotations

from typing import Any

import httpx

from app.state import AppState
from app.webhooks.deliverer import Deliverer

Headers = dict[str, str]


async def make_endpoint(
    http: httpx.AsyncClient, headers: Headers, url: str, types: list[str] | None = None
) -> dict[str, Any]:
    """POST /v1/webhook-endpoints; returns the endpoint with its secret."""
    body = {"url": url, "event_types": types or ["client.*"], "description": "test receiver"}
    response = await http.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def deliverer(state: AppState, **overrides: Any) -> Deliverer:
    """A deliverer on the app's database, with short retry delays."""
    settings = state.settings.model_copy(
        update={
            "webhook_retry_base_seconds": 0.01,
            "webhook_retry_max_delay_seconds": 0.05,
            "webhook_poll_seconds": 0.02,
            **overrides,
        }
    )
    return Deliverer(engine=state.engine, settings=settings, key_ring=state.secrets.key_ring)


async def run_passes(d: Deliverer, passes: int = 1) -> None:
    """Run passes, each waiting for the endpoints it started to be drained."""
    for _ in range(passes):
        await d.pass_once()
        await d.settle()
