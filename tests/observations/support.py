"""Helpers for the observation, CCRT and progress tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.db import utcnow
from app.models import Note, TherapySession
from app.state import AppState

Headers = dict[str, str]


def relationship_episode(
    other: str = "mother",
    wish: str = "to_be_close",
    other_response: tuple[str, str] = ("rejects", "negative"),
    self_response: tuple[str, str] = ("withdraws", "negative"),
) -> dict[str, Any]:
    """A relationship episode body with short texts on every component."""
    return {
        "other_person": other,
        "wish": {"code": wish, "text": f"Wished {wish}."},
        "response_of_other": {
            "code": other_response[0],
            "text": f"The other {other_response[0]}.",
            "valence": other_response[1],
        },
        "response_of_self": {
            "code": self_response[0],
            "text": f"I {self_response[0]}.",
            "valence": self_response[1],
        },
    }


async def observe(
    http: httpx.AsyncClient,
    headers: Headers,
    session_id: str,
    code: str,
    intensity: int,
    evidence: str | None = None,
) -> dict[str, Any]:
    """POST an observation that must succeed; returns it."""
    body: dict[str, Any] = {"theme_code": code, "intensity": intensity}
    if evidence is not None:
        body["evidence"] = evidence
    response = await http.post(
        f"/v1/sessions/{session_id}/observations", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def tell(
    http: httpx.AsyncClient, headers: Headers, session_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """POST a relationship episode that must succeed; returns it."""
    response = await http.post(
        f"/v1/sessions/{session_id}/relationship-episodes", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def measure(
    http: httpx.AsyncClient,
    headers: Headers,
    client_id: str,
    instrument: str,
    items: list[int],
    **fields: Any,
) -> dict[str, Any]:
    """POST a measure that must succeed; returns it."""
    body = {"instrument": instrument, "items": items, **fields}
    response = await http.post(f"/v1/clients/{client_id}/measures", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def write_progress_note(
    state: AppState, session_id: str, *, status: str = "signed", risk_level: str | None = None
) -> None:
    """A progress note row for the session, written directly (the notes API is not under test)."""
    async with state.sessionmaker() as db:
        visit = await db.get(TherapySession, uuid.UUID(session_id))
        assert visit is not None
        signed = status == "signed"
        db.add(
            Note(
                practice_id=visit.practice_id,
                session_id=visit.id,
                client_id=visit.client_id,
                kind="progress",
                author_id=visit.therapist_id,
                status=status,
                risk_level=risk_level,
                signed_at=utcnow() if signed else None,
                signed_by=visit.therapist_id if signed else None,
            )
        )
        await db.commit()
