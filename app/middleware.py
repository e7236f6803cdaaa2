"""The request pipeline: request id, body limit, metrics, and the fail-closed audit commit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.audit.context import AuditContext
from app.audit.recorder import add_event, build_event, write_event
from app.conditional import not_modified
from app.errors import PROBLEM_JSON, problem_body
from app.pages.router import PAGE_HEADERS
from app.routing import route_path
from app.security import attempts
from app.security.caller import header_text, refused_target, touch_refused_key
from app.security.encryption import KeyRing
from app.security.fields import seal
from app.security.refused_bodies import attribute_refused_body

log = logging.getLogger("notes.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# The pages' own headers, on every answer under /app: its 404s and 405s included.
_PAGE_HEADERS = [(k.lower().encode(), v.encode()) for k, v in PAGE_HEADERS.items()]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _text(value: str | None) -> str | None:
    return None if value is None else header_text(value)


def _problem_messages(
    status: int,
    title: str,
    slug: str,
    detail: str,
    path: str,
    request_id: str,
    headers: dict[str, str] | None = None,
) -> list[Message]:
    body = json.dumps(
        problem_body(
            status=status,
            title=title,
            slug=slug,
            detail=detail,
            instance=path,
            request_id=request_id,
        )
    ).encode()
    raw = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return [
        {"type": "http.response.start", "status": status, "headers": raw},
        {"type": "http.response.body", "body": body, "more_body": False},
    ]


class RequestPipeline:
    """Pure ASGI middleware; buffers each /v1 response until its audit event has committed."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: AsyncEngine,
        key_ring: KeyRing,
        max_body_bytes: int,
    ):
        self.app = app
        self.engine = engine
        self.max_body_bytes = max_body_bytes
        self.key_ring = key_ring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        supplied = _header(scope, b"x-request-id")
        request_id = supplied if supplied and _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        path: str = scope["path"]
        client = scope.get("client")
        ctx = AuditContext(
            request_id=request_id,
            method=scope["method"],
            path=path,
            source_ip=client[0] if client else None,
            user_agent=_text(_header(scope, b"user-agent")),
        )
        scope.setdefault("state", {})["audit"] = ctx
        # What the routes see: behind a proxy prefix (root_path) a /v1 request is still one.
        routed = route_path(scope)
        audited = routed.startswith("/v1/")
        added = [(b"x-request-id", request_id.encode())]
        if audited:
            # Client data must not linger in shared or browser caches (SPEC §4).
            added.append((b"cache-control", b"no-store"))
        elif routed == "/app" or routed.startswith("/app/"):
            added += _PAGE_HEADERS
        status_holder = {"status": 500}

        async def passthrough(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                message["headers"] = headers + [h for h in added if h[0] not in present]
            await send(message)

        length = _header(scope, b"content-length")
        complete = True
        if length is None and _header(scope, b"transfer-encoding") is not None:
            # A body of unstated length is read before the route runs: a route that reads no
            # body (sign, delete) would otherwise act on a request answered 413, or on one
            # its client abandoned halfway.
            receive, length, complete = await self._read_ahead(receive)
        too_long = length is not None and length.isdigit() and int(length) > self.max_body_bytes
        if too_long or not complete:
            if too_long:
                status, title, slug = 413, "Content Too Large", "too-large"
                detail = "Request body larger than 1 MiB"
            else:
                status, title, slug = 400, "Bad Request", "bad-request"
                detail = "The request body was not finished"
            messages = _problem_messages(status, title, slug, detail, path, request_id)
            if audited:
                await _attribute(scope)
            await self._finish(ctx, scope, messages, audited, passthrough, started, None)
            return

        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # Cut the body off; whatever the app answers is replaced by a 413 below.
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        buffered: list[Message] = []

        async def capture(message: Message) -> None:
            if ctx.streaming or not audited:
                await passthrough(message)
            else:
                buffered.append(message)

        try:
            await self.app(scope, limited_receive, capture)
        except Exception:
            # Unhandled: log the type and stack (SQL parameters are hidden by the engine).
            log.exception("unhandled error", extra={"request_id": request_id})
            buffered = _problem_messages(
                500, "Internal Server Error", "internal", "Unexpected error", path, request_id
            )
        if scope["method"] in ("GET", "HEAD"):
            buffered = not_modified(_header(scope, b"if-none-match"), buffered) or buffered
        if too_large:
            buffered = _problem_messages(
                413,
                "Content Too Large",
                "too-large",
                "Request body larger than 1 MiB",
                path,
                request_id,
            )
        await self._finish(
            ctx, scope, buffered, audited, passthrough, started, status_holder["status"]
        )

    async def _read_ahead(self, receive: Receive) -> tuple[Receive, str, bool]:
        """Read a chunked body (up to just past the limit): its receive, its length, and
        whether it was finished (False when the client went away first)."""
        chunks: list[bytes] = []
        size, more = 0, True
        while more and size <= self.max_body_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([], message, receive), str(size), False
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return _replay([body], None, receive), str(size), True

    async def _finish(
        self,
        ctx: AuditContext,
        scope: Scope,
        messages: list[Message],
        audited: bool,
        send: Send,
        started: float,
        sent_status: int | None,
    ) -> None:
        route = scope.get("route")
        ctx.route = getattr(route, "path", None)
        status = next((m["status"] for m in messages if m["type"] == "http.response.start"), None)
        if status is None:
            status = sent_status
        try:
            if audited and not ctx.committed and status is not None:
                await self._commit_with_event(ctx, status, messages)
        except Exception as exc:
            event_written = isinstance(exc, _WorkNotCommitted)
            log.exception(
                "commit failed; answering 503"
                if event_written
                else "audit write failed; answering 503",
                extra={"request_id": ctx.request_id},
            )
            # A 503 already (the database unavailable) keeps its problem, which names the
            # cause: its event failed for the same reason, and it returns nothing either.
            if status != 503:
                status = 503
                messages = _problem_messages(
                    503,
                    "Service Unavailable",
                    "unavailable",
                    "The request could not be completed; nothing was changed"
                    if event_written
                    else "The access log could not be written; nothing was returned or changed",
                    ctx.path,
                    ctx.request_id,
                    {"Retry-After": "2"},
                )
        finally:
            if ctx.session is not None:
                await ctx.session.close()
        for message in messages:
            await send(message)
        metrics.observe_request(
            ctx.method, ctx.route or "unmatched", status or 500, time.perf_counter() - started
        )
        log.info(
            "request",
            extra={
                "request_id": ctx.request_id,
                "method": ctx.method,
                "route": ctx.route,
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )

    async def _commit_with_event(
        self, ctx: AuditContext, status: int, messages: list[Message]
    ) -> None:
        """Commit the request's work and its event together, or only the event on failure."""
        session = ctx.session
        if status < 400 and session is not None:
            event = build_event(ctx, status)
            if ctx.idempotency is not None:
                _store_response(ctx, status, messages, self.key_ring)
            try:
                await add_event(session, event)
                # An autocommitted read has nothing left to commit unless the ORM holds changes.
                if not ctx.autocommit or session.new or session.dirty or session.deleted:
                    await session.commit()
            except Exception as exc:
                # The work is lost with its event: the attempt is still logged, apart (§6).
                await session.rollback()
                await write_event(self.engine, build_event(ctx, 503))
                await _touch_key(self.engine, ctx)
                raise _WorkNotCommitted from exc
            return
        if session is not None:
            if not ctx.client_ids:
                ctx.add_clients(refused_target(session))
            await session.rollback()
            if not ctx.client_ids and status < 500:
                await _name_client_of_request(ctx, session)
                # Its connection goes back before the event takes one: under a burst of
                # refusals each holding one, the pool would have none left for the events.
                await session.close()
        await write_event(self.engine, build_event(ctx, status))
        await _touch_key(self.engine, ctx)


async def _touch_key(engine: AsyncEngine, ctx: AuditContext) -> None:
    """The refused request's key use, which its rollback undid; the refusal stands anyway."""
    if ctx.key_touch is None:
        return
    try:
        await touch_refused_key(engine, ctx.key_touch)
    except Exception as exc:
        log.warning("could not record a refused request's key use: %s", type(exc).__name__)


class _WorkNotCommitted(Exception):
    """The request's work failed to commit; its event, with status 503, was written apart."""


# Path resources whose clients authentication's statement does not find: a delivery's
# message, the access log's own records.
_NAMED_BY_PATH = frozenset({"webhook_delivery", "audit_event", "audit_review"})


async def _name_client_of_request(ctx: AuditContext, session: AsyncSession) -> None:
    """The clients a signed-in caller's refused request aimed at, if of the caller's
    practice (SPEC §6): those its query or body names, else those of its path's resource
    where authentication's statement does not name them."""
    if ctx.request is None or ctx.practice_id is None:
        return
    try:
        named = await attempts.named_targets(ctx.request)
        if not named and ctx.resource_type in _NAMED_BY_PATH and ctx.resource_id:
            named = [(ctx.resource_type, uuid.UUID(ctx.resource_id))]
        for kind, target in named:
            practice, clients = await attempts.owners_of(session, kind, target)
            if practice == ctx.practice_id:
                ctx.add_clients(*clients)
    except Exception as exc:  # the refusal stands; its event keeps what it has
        log.warning("could not name a refused request's client: %s", type(exc).__name__)


def _replay(messages: list[Message], last: Message | None, receive: Receive) -> Receive:
    """A receive that gives `messages` (then `last`, if any) before asking `receive` again."""
    pending = [*messages, *([last] if last is not None else [])]

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _attribute(scope: Scope) -> None:
    """Name the caller and route of a body refused before routing (SPEC §2.1)."""
    try:
        await attribute_refused_body(Request(scope))
    except Exception as exc:  # the 413 stands; the event keeps what it has
        # The type only: a database error's message may quote the values it refused.
        log.warning("could not attribute an oversized body: %s", type(exc).__name__)


def _store_response(
    ctx: AuditContext, status: int, messages: list[Message], key_ring: KeyRing
) -> None:
    """Keep the response of a creating POST so a repeated Idempotency-Key replays it."""
    record = ctx.idempotency
    assert record is not None  # noqa: S101 - guarded by the caller
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    if ctx.replay_body is not None:
        body = ctx.replay_body
    start: Message = next(m for m in messages if m["type"] == "http.response.start")
    keep = {b"content-type", b"location", b"etag"}
    record.response_status = status
    # What this request's event names, so that a replay's event names it too.
    record.resource_type, record.resource_id = ctx.resource_type, ctx.resource_id
    record.client_ids = sorted(str(c) for c in ctx.client_ids)
    record.caller_role = ctx.actor_role
    # The stored response may hold note bodies or presenting concerns: encrypted like them.
    record.response_body = seal(key_ring, record, "response_body", body.decode())
    record.response_headers = {
        k.decode(): v.decode() for k, v in start.get("headers", []) if k.lower() in keep
    }
