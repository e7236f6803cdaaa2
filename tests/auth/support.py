"""Helpers of the authentication tests: logins, bearer headers, clients at other addresses."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "violet tugboat minds the harbour"  # noqa: S105 - a test password


async def login(
    client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD
) -> httpx.Response:
    """POST the OAuth2 password form."""
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def fresh_address() -> str:
    """A source address no other test uses, from the IPv6 documentation prefix (RFC 3849):
    in a /64 of its own, since the lockout counts an IPv6 source as its /64."""
    tail = uuid.uuid4().hex
    return f"2001:db8:{tail[:4]}:{tail[4:8]}::{tail[8:12]}"


@asynccontextmanager
async def client_at(app: FastAPI, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client whose requests come from this address (the ASGI `client`)."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def events(state: AppState, action: str, resource_id: object) -> list[AuditEvent]:
    """The events of one action on one resource, oldest first."""
    async with state.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent)
            .where(
                col(AuditEvent.action) == action, col(AuditEvent.resource_id) == str(resource_id)
            )
            .order_by(col(AuditEvent.occurred_at))
        )
        return list(rows.scalars())
