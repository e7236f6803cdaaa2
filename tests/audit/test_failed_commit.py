"""A request whose work fails to commit still leaves its one event, as an error (SPEC §6)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.one_path import send


@pytest.fixture
def feed_commit_fails() -> Iterator[None]:
    """The change feed's work at commit fails, as a lock timeout on its counter would."""

    def fail(session: Session) -> None:
        if session.info.get("feed_pending"):
            raise OperationalError("UPDATE feed_counter", {}, Exception("lock timeout"))

    event.listen(Session, "before_commit", fail, insert=True)
    yield
    event.remove(Session, "before_commit", fail)


async def test_a_failed_commit_leaves_its_event_and_no_client(
    client: httpx.AsyncClient, state: AppState, world: World, feed_commit_fails: None
) -> None:
    body = {"given_name": "Lost", "family_name": "Write"}
    response = await send(client, "POST", "/v1/clients", world["therapist"].headers, json=body)
    assert response.status_code == 503, response.text
    assert response.json()["detail"] == "The request could not be completed; nothing was changed"
    [logged] = await events_of_request(state, response.headers["x-request-id"])
    assert (logged.outcome, logged.http_status, logged.actor_id) == (
        "error",
        503,
        world["therapist"].id,
    )
    listed = await client.get("/v1/clients", headers=world["therapist"].headers)
    assert listed.json()["items"] == []
