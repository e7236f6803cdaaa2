"""The demo shows the invite flow (SPEC §2.1): an invited colleague sets their own password."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from app.demo.seed import seed
from app.main import create_app
from tests.conftest import make_settings
from tests.scratch_database import scratch_database


def test_demo_invite_redeems_once(tmp_path: Path) -> None:
    with scratch_database("sqlite", tmp_path) as url:
        asyncio.run(_redeem_demo_invite(tmp_path, url))


async def _redeem_demo_invite(tmp_path: Path, url: str) -> None:
    settings = make_settings(tmp_path, url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        state = app.state.services
        async with state.sessionmaker() as session:
            logins = await seed(session=session, settings=settings)
            await session.commit()
        invited = {email: secret for role, email, secret in logins if role == "invited"}
        [(email, shown)] = invited.items()
        token = shown.removeprefix("invite token ")
        assert token.startswith("nsp_")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            body = {"token": token, "new_password": "Seventeen orange kites"}
            redeemed = await http.post("/v1/auth/password-reset", json=body)
            assert redeemed.status_code == 204, redeemed.text
            again = await http.post("/v1/auth/password-reset", json=body)
            assert again.status_code == 401, again.text
            login = await http.post(
                "/v1/auth/token",
                data={"username": email, "password": body["new_password"]},
            )
            assert login.status_code == 200, login.text
        # Seeding again never shows a token twice.
        async with state.sessionmaker() as session:
            again_logins = await seed(session=session, settings=settings)
        assert (
            "invited",
            email,
            "(invited; an admin's reset gives a new token)",
        ) in again_logins
