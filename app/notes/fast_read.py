"""GET /v1/notes/{id} for the client's own therapist, on PostgreSQL, in one statement.

The most frequent request of the service is a therapist reading a progress note of their own
client. Through FastAPI's routing and dependencies and the ORM it cost about 2 ms of CPU,
a bare asyncpg app 0.45 ms (docs/performance.md). This ASGI layer answers exactly that
case with one query on the driver connection (user, revocation, note and client), the same
decryption and output model, and the same audit context, so the pipeline around it writes
the same event. Anything else — another role or relation, an API key, a psychotherapy note,
purpose or break-the-glass headers, an unknown token, a missing row, SQLite, any error but
an unreachable database (answered 503 here, as the application would) — is handed to the
application untouched, which decides and answers as it always does. Nothing is written or
recorded before that hand-over. tests/notes/test_fast_read.py holds the two paths
to the same status, body, headers and audit event.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Final

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.audit.context import AuditContext
from app.driver import DriverStatement, unreachable
from app.etag import etag_for
from app.handlers import database_unavailable
from app.models import Client, Note, RevokedAccessToken, User
from app.notes import service
from app.security.api_keys import PREFIX as API_KEY_PREFIX
from app.security.encryption import DecryptionError
from app.security.tokens import InvalidToken, decode_access_token
from app.state import AppState

log = logging.getLogger("notes.fast_read")
PATH: Final = "/v1/notes/{id}"
# Only the canonical spelling of an id: the audit event names the path's text as written.
_NOTE_PATH: Final = re.compile(
    r"/v1/notes/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)
_SKIP_HEADERS: Final = (b"x-purpose-of-use", b"x-break-glass-reason")
_CLINICAL: Final = ("therapist", "supervisor")
_NOTE: Final = Note.__table__  # type: ignore[attr-defined]
_CLIENT: Final = Client.__table__  # type: ignore[attr-defined]
_USER: Final = User.__table__  # type: ignore[attr-defined]
_REVOKED: Final = RevokedAccessToken.__table__  # type: ignore[attr-defined]
_NOTE_FIELDS: Final = tuple(c.name for c in _NOTE.columns)


_QUERY: Final = DriverStatement(
    sa.select(
        _USER.c.practice_id.label("user_practice_id"),
        _USER.c.role.label("user_role"),
        _USER.c.active.label("user_active"),
        sa.exists().where(_REVOKED.c.jti == sa.bindparam("jti")).label("revoked"),
        _CLIENT.c.practice_id.label("client_practice_id"),
        _CLIENT.c.primary_therapist_id.label("client_therapist_id"),
        *_NOTE.columns,
    )
    .select_from(
        _USER.outerjoin(_NOTE, _NOTE.c.id == sa.bindparam("note_id")).outerjoin(
            _CLIENT, _CLIENT.c.id == _NOTE.c.client_id
        )
    )
    .where(_USER.c.id == sa.bindparam("user_id"))
)


class NoteRow:
    """The note's columns as ``note_out`` and the field cipher read them (table name for AAD)."""

    __tablename__ = "note"
    interventions: list[str] | str

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


class FastNoteRead:
    """ASGI layer inside the request pipeline: answers the common note read, else delegates."""

    def __init__(self, app: ASGIApp, *, state: AppState, route: BaseRoute) -> None:
        self.app = app
        self.state = state
        self.route = route
        self.enabled = state.engine.dialect.name == "postgresql"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http" and scope["method"] == "GET":
            match = _NOTE_PATH.fullmatch(scope["path"])
            if match is not None:
                response = await self._answer(scope, match.group(1))
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, note_text: str) -> Response | None:
        """The response when this is the common case; None hands the request on unchanged."""
        headers = dict(scope["headers"])
        if any(name in headers for name in _SKIP_HEADERS):
            return None
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or token.startswith(API_KEY_PREFIX):
            return None
        state = self.state
        try:
            claims = decode_access_token(
                token, settings=state.settings, secret=state.secrets.jwt_secret
            )
        except InvalidToken:
            return None
        values = {"jti": claims.jti, "note_id": uuid.UUID(note_text), "user_id": claims.user_id}
        ctx: AuditContext = scope["state"]["audit"]
        conn = None
        try:
            conn = await state.engine.connect()
            row = await _QUERY.fetchrow(conn, values)
        except Exception as exc:
            if conn is not None:
                await conn.close()
            if not unreachable(exc):
                return None
            # Answered here, as the app would: asking it again would wait a second time.
            ctx.action, ctx.resource_type, ctx.resource_id = "note.read", "note", note_text
            scope["route"] = self.route
            return await database_unavailable(Request(scope), exc)
        response = self._respond(scope, ctx, row, claims, note_text)
        if response is None:
            await conn.close()
        else:
            ctx.connection = conn  # the pipeline writes the event on it, then closes it
        return response

    def _respond(
        self, scope: Scope, ctx: AuditContext, row: Any, claims: Any, note_text: str
    ) -> Response | None:
        """The response and audit context of the common case; None for anything else."""
        if row is None or row["revoked"] or not row["user_active"]:
            return None
        practice, role = row["user_practice_id"], row["user_role"]
        # The one case answered here (app/security/access.py): a progress note of a client
        # of the caller's practice whose primary therapist is the caller — Reach.CARE_TEAM.
        if (
            practice != claims.practice_id
            or role not in _CLINICAL
            or row["id"] is None
            or row["kind"] != "progress"
            or row["practice_id"] != practice
            or row["client_practice_id"] != practice
            or row["client_therapist_id"] != claims.user_id
        ):
            return None
        try:
            note = NoteRow({name: row[name] for name in _NOTE_FIELDS})
            if isinstance(note.interventions, str):  # when the connection has no JSON codec
                note.interventions = json.loads(note.interventions)
            out = service.note_out(self.state.secrets.key_ring, note)  # type: ignore[arg-type]
        except DecryptionError:
            return None  # the application answers it (and logs it) as always
        except Exception:
            log.exception("fast note read failed; the application answers instead")
            return None
        ctx.action, ctx.resource_type, ctx.resource_id = "note.read", "note", note_text
        ctx.actor_type, ctx.actor_id, ctx.actor_role = "user", claims.user_id, role
        ctx.practice_id, ctx.purpose_of_use = practice, "TREAT"
        ctx.add_clients(out.client_id)
        scope["route"] = self.route
        return Response(
            out.model_dump_json().encode(),
            media_type="application/json",
            headers={"ETag": etag_for(out.id, out.version)},
        )
