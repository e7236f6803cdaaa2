"""HTTP conventions of SPEC §4: problem+json everywhere, request ids, limits, health, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col
from starlette.types import Message

from app.audit.context import audited
from app.models import AuditEvent
from app.security.caller import CallerDep
from app.state import AppState
from tests.conftest import World
from tests.factories import Clinical, clinical_case, create_session, days_ago
from tests.waiting import eventually


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    """The response is an RFC 9457 problem with the given status and no trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert {"type", "title", "status", "detail", "instance", "request_id"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


async def test_unknown_route_and_wrong_method(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/does-not-exist"), 404)
    assert_problem(await client.get("/elsewhere"), 404)
    wrong = await client.delete("/v1/me")
    assert_problem(wrong, 405)
    assert "GET" in wrong.headers["allow"]


async def test_validation_error_lists_fields_without_values(
    client: httpx.AsyncClient, world: World
) -> None:
    secret = "sensitive-value-that-must-not-echo"
    response = await client.post(
        "/v1/users", headers=world["admin"].headers, json={"email": secret, "unknown_field": secret}
    )
    body = assert_problem(response, 422)
    assert secret not in response.text
    errors = body["errors"]
    assert isinstance(errors, list)
    locations = {tuple(e["loc"]) for e in errors}
    assert ("body", "unknown_field") in locations
    assert ("body", "email") in locations


async def test_a_body_that_is_not_json_is_415_and_audited(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """JSON under another media type (curl -d sends a form type) is named as such, not as an
    invalid object; nothing is created and the attempt leaves its event naming the client."""
    me = world["therapist"].headers
    case = await clinical_case(client, world)
    body = b'{"kind": "progress", "body": "B"}'
    path = f"/v1/sessions/{case.session_id}/notes"
    for media in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = me | ({"content-type": media} if media else {})
        refused = assert_problem(await client.post(path, content=body, headers=headers), 415)
        assert "application/json" in str(refused["detail"])
        async with state.sessionmaker() as session:
            event = (
                await session.execute(
                    select(AuditEvent).order_by(col(AuditEvent.occurred_at).desc()).limit(1)
                )
            ).scalar_one()
        assert (event.action, event.http_status) == ("note.create", 415)
        assert event.client_ids == [str(case.client_id)]
    listed = await client.get(path, headers=me)
    assert listed.json()["items"] == []
    # A JSON media type with parameters, or a +json type, is JSON.
    for media in ("application/json; charset=utf-8", "application/merge-patch+json"):
        made = await client.post(path, content=body, headers=me | {"content-type": media})
        assert made.status_code in (201, 409), made.text
    # A missing body is still a 422 naming the field.
    missing = await client.post(path, headers=me)
    assert_problem(missing, 422)
    assert missing.json()["errors"][0]["loc"] == ["body"]


async def test_body_over_one_mebibyte_is_413(client: httpx.AsyncClient, world: World) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post(
        "/v1/api-keys",
        content=big,
        headers={**world["admin"].headers, "content-type": "application/json"},
    )
    assert_problem(response, 413)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"y" * 65536

    streamed = await client.post(
        "/v1/api-keys",
        content=chunks(),
        headers={**world["admin"].headers, "content-type": "application/json"},
    )
    assert_problem(streamed, 413)


async def _streamed(*parts: bytes) -> AsyncIterator[bytes]:
    """A body sent chunked, without Content-Length."""
    for part in parts:
        yield part


async def _draft(http: httpx.AsyncClient, world: World) -> tuple[Clinical, httpx.Response]:
    """A therapist's case and the answer creating a draft progress note on its session."""
    case = await clinical_case(http, world)
    made = await http.post(
        f"/v1/sessions/{case.session_id}/notes",
        json={"kind": "progress", "body": "B"},
        headers=world["therapist"].headers,
    )
    assert made.status_code == 201, made.text
    return case, made


async def test_a_chunked_body_over_the_limit_changes_nothing_even_where_no_body_is_read(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    case, made = await _draft(client, world)
    note = f"/v1/notes/{made.json()['id']}"
    tag = {"If-Match": made.headers["ETag"], "content-type": "application/json"}
    # Sign and delete read no body: the pipeline reads it first, and refuses it whole.
    oversized = [b" " * 65536] * 20
    signed = await client.post(f"{note}/sign", content=_streamed(*oversized), headers=me | tag)
    assert_problem(signed, 413)
    deleted = await client.request("DELETE", note, content=_streamed(*oversized), headers=me | tag)
    assert_problem(deleted, 413)
    assert (await client.get(note, headers=me)).json()["status"] == "draft"
    # A chunked body within the limit reaches the route whole.
    body = b'{"kind": "progress", "body": "Chunked"}'
    second = await create_session(client, me, case.client_id, on=days_ago(1))
    other = await client.post(
        f"/v1/sessions/{second['id']}/notes",
        content=_streamed(body[:10], body[10:]),
        headers=me | {"content-type": "application/json"},
    )
    assert other.status_code == 201, other.text
    assert other.json()["body"] == "Chunked"


async def test_a_chunked_body_its_client_abandoned_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    _, made = await _draft(client, world)
    path = f"/v1/notes/{made.json()['id']}/sign"
    headers = [
        (b"host", b"testserver"),
        (b"authorization", me["Authorization"].encode()),
        (b"content-type", b"application/json"),
        (b"transfer-encoding", b"chunked"),
        (b"if-match", made.headers["ETag"].encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # Part of a chunked body, then the client goes away: sign reads no body, yet must not act.
    incoming: list[Message] = [
        {"type": "http.request", "body": b'{"partial', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert next(m["status"] for m in sent if m["type"] == "http.response.start") == 400
    note = (await client.get(path.removesuffix("/sign"), headers=me)).json()
    assert note["status"] == "draft"


async def test_request_id_echoed_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = await client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces"
    problem = await client.get("/v1/nope", headers={"X-Request-ID": "trace-me"})
    assert problem.json()["request_id"] == "trace-me"


async def test_health_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}

    async def sequencer_ran() -> bool:
        # The suite's event loop stands still between async tests, and the app's sequencer
        # with it: after a long stretch of other tests it reads "stalled" until its next pass.
        checks = (await client.get("/health/ready")).json()["checks"]
        return bool(checks["audit_sequencer"] == "ok")

    await eventually(sequencer_ran)
    ready = await client.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["schema"] == "ok"
    await client.get("/v1/me")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert 'notes_http_requests_total{method="GET",route="/v1/me",status="401"}' in metrics.text
    assert "notes_db_pool_checked_out" in metrics.text


async def test_unhandled_error_is_500_problem_and_audited(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    @app.get("/v1/test-explode", dependencies=[audited("test.explode", "test")])
    async def explode(caller: CallerDep) -> None:
        raise RuntimeError("secret detail that must stay inside")

    try:
        with caplog.at_level(logging.ERROR):
            response = await client.get("/v1/test-explode", headers=world["therapist"].headers)
        body = assert_problem(response, 500)
        assert "secret detail" not in response.text
        assert body["detail"] == "Unexpected error"
        async with state.sessionmaker() as session:
            event = (
                await session.execute(
                    select(AuditEvent).where(
                        col(AuditEvent.request_id) == response.headers["x-request-id"]
                    )
                )
            ).scalar_one()
        assert (event.action, event.outcome, event.http_status) == ("test.explode", "error", 500)
    finally:
        app.router.routes = [
            r for r in app.router.routes if getattr(r, "path", "") != "/v1/test-explode"
        ]


async def test_every_v1_request_leaves_one_event(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    ids = []
    for path, headers in (
        ("/v1/me", world["auditor"].headers),
        ("/v1/me", {}),
        ("/v1/users", world["therapist"].headers),
        ("/v1/zzz", {}),
    ):
        response = await client.get(path, headers=headers)
        ids.append((response.headers["x-request-id"], response.status_code))
    async with state.sessionmaker() as session:
        for request_id, status in ids:
            rows = (
                (
                    await session.execute(
                        select(AuditEvent).where(col(AuditEvent.request_id) == request_id)
                    )
                )
                .scalars()
                .all()
            )
            assert len(rows) == 1
            assert rows[0].http_status == status


async def test_openapi_documents_operations(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)
            if path.startswith("/v1/"):
                codes = set(operation["responses"])
                assert {"500", "503"} <= codes, (method, path)
                for code, response in operation["responses"].items():
                    if int(code) >= 400:
                        assert "application/problem+json" in response["content"], (path, code)
