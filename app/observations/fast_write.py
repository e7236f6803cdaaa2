"""POST /v1/sessions/{id}/observations by the client's own therapist, on PostgreSQL, fast.

Recording observations is the service's most frequent write. This ASGI layer, inside the
request pipeline, answers the common case — the client's primary therapist records an active
theme in a held session whose episode is open and whose progress note is not signed, with
no Idempotency-Key — in one statement, atomic without BEGIN or COMMIT: it reads the caller,
the session, its client, episode, phase, progress-note status (share-locked, as the
application locks it) and the theme; inserts the observation only where the common case
holds; and inserts the audit event and its index row only where the observation was
inserted. The observation and its event commit together or not at all (SPEC: no change
without its event). Everything else, including every refusal and every invalid body, is
handed to the application with the body replayed: nothing was written then.
tests/observations/test_fast_write.py holds both paths to the same answers, rows and events.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import replace
from typing import Any, Final

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.audit.context import AuditContext
from app.audit.recorder import build_event
from app.db import utcnow, uuid7
from app.driver import DriverStatement, unreachable
from app.episodes.phases import phase_at
from app.handlers import database_unavailable
from app.models import (
    AuditEvent,
    AuditEventClient,
    Client,
    Episode,
    Note,
    Observation,
    RevokedAccessToken,
    Theme,
    TherapySession,
    User,
)
from app.observations import service
from app.observations.schemas import ObservationCreate
from app.security.api_keys import PREFIX as API_KEY_PREFIX
from app.security.fields import seal
from app.security.tokens import decode_access_token
from app.state import AppState

log = logging.getLogger("notes.fast_write")
PATH: Final = "/v1/sessions/{id}/observations"
_SESSION_PATH: Final = re.compile(
    r"/v1/sessions/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/observations"
)
_SKIP_HEADERS: Final = (b"x-purpose-of-use", b"x-break-glass-reason", b"idempotency-key")
_CLINICAL: Final = ("therapist", "supervisor")
_USER: Final = User.__table__  # type: ignore[attr-defined]
_REVOKED: Final = RevokedAccessToken.__table__  # type: ignore[attr-defined]
_VISIT: Final = TherapySession.__table__  # type: ignore[attr-defined]
_CLIENT: Final = Client.__table__  # type: ignore[attr-defined]
_EPISODE: Final = Episode.__table__  # type: ignore[attr-defined]
_NOTE: Final = Note.__table__  # type: ignore[attr-defined]
_THEME: Final = Theme.__table__  # type: ignore[attr-defined]
_OBSERVATION: Final = Observation.__table__  # type: ignore[attr-defined]
_EVENTS: Final = AuditEvent.__table__  # type: ignore[attr-defined]
_EVENT_CLIENTS: Final = AuditEventClient.__table__  # type: ignore[attr-defined]

# Who asks, where, and what the application's checks look at: one row, or none when the
# caller's user row is gone.
_VISIT_CTE: Final = (
    sa.select(
        _USER.c.practice_id.label("user_practice_id"),
        _USER.c.role.label("user_role"),
        _USER.c.active.label("user_active"),
        sa.exists().where(_REVOKED.c.jti == sa.bindparam("jti")).label("revoked"),
        _VISIT.c.id.label("visit_id"),
        _VISIT.c.practice_id.label("visit_practice_id"),
        _VISIT.c.client_id.label("visit_client_id"),
        _VISIT.c.starts_on.label("visit_starts_on"),
        _VISIT.c.status.label("visit_status"),
        _CLIENT.c.practice_id.label("client_practice_id"),
        _CLIENT.c.primary_therapist_id.label("client_therapist_id"),
        _EPISODE.c.status.label("episode_status"),
        phase_at(_VISIT.c.episode_id, _VISIT.c.starts_on).label("phase"),
        # Share-locked as ensure_changeable locks it: a concurrent signing waits for us.
        sa.select(_NOTE.c.status)
        .where(_NOTE.c.session_id == _VISIT.c.id, _NOTE.c.kind == "progress")
        .with_for_update(read=True)
        .scalar_subquery()
        .label("note_status"),
        _THEME.c.id.label("theme_id"),
        _THEME.c.code.label("theme_code"),
        _THEME.c.label.label("theme_label"),
        _THEME.c.category.label("theme_category"),
        _THEME.c.dmrs_level.label("theme_dmrs_level"),
        _THEME.c.active.label("theme_active"),
    )
    .select_from(
        _USER.outerjoin(_VISIT, _VISIT.c.id == sa.bindparam("session_id"))
        .outerjoin(_CLIENT, _CLIENT.c.id == _VISIT.c.client_id)
        .outerjoin(_EPISODE, _EPISODE.c.id == _VISIT.c.episode_id)
        .outerjoin(
            _THEME,
            sa.and_(
                _THEME.c.code == sa.bindparam("theme_code"),
                sa.or_(
                    _THEME.c.practice_id.is_(None), _THEME.c.practice_id == _VISIT.c.practice_id
                ),
            ),
        )
    )
    .where(_USER.c.id == sa.bindparam("user_id"))
    .cte("visit")
)


def _common_case(visit: Any) -> sa.ColumnElement[bool]:
    """The one case answered here, which the application accepts too (NULL: not it)."""
    # app/security/access.py: Reach.CARE_TEAM as primary therapist, write allowed;
    # app/observations/service.py: held session, open episode, unsigned note, active theme.
    return sa.and_(
        sa.not_(visit.c.revoked),
        visit.c.user_active.is_(True),
        visit.c.user_practice_id == sa.bindparam("practice_id", type_=sa.Uuid()),
        sa.or_(*(visit.c.user_role == role for role in _CLINICAL)),
        visit.c.visit_id.is_not(None),
        visit.c.visit_practice_id == visit.c.user_practice_id,
        visit.c.client_practice_id == visit.c.user_practice_id,
        visit.c.client_therapist_id == sa.bindparam("user_id"),
        *(visit.c.visit_status != status for status in sorted(service.NOT_HELD)),
        visit.c.episode_status == "open",
        visit.c.note_status.is_distinct_from("signed"),
        visit.c.theme_id.is_not(None),
        visit.c.theme_active.is_(True),
    )


def _write() -> sa.Select[Any]:
    """The visit row and whether the observation, its event and index row were written."""
    visit = _VISIT_CTE
    observation = {
        "id": sa.bindparam("id", type_=_OBSERVATION.c.id.type),
        "practice_id": visit.c.visit_practice_id,
        "session_id": visit.c.visit_id,
        "client_id": visit.c.visit_client_id,
        "theme_id": visit.c.theme_id,
        "intensity": sa.bindparam("intensity", type_=_OBSERVATION.c.intensity.type),
        "evidence": sa.bindparam("evidence", type_=_OBSERVATION.c.evidence.type),
        "observed_by": sa.bindparam("user_id", type_=_OBSERVATION.c.observed_by.type),
        "created_at": sa.bindparam("created_at", type_=_OBSERVATION.c.created_at.type),
    }
    recorded = (
        _OBSERVATION.insert()
        .from_select(list(observation), sa.select(*observation.values()).where(_common_case(visit)))
        .returning(_OBSERVATION.c.id)
        .cte("recorded")
    )
    # The pipeline's event (recorder.build_event), but for what only the read knows.
    event: dict[str, sa.ColumnElement[Any]] = {
        c.name: sa.bindparam(f"event_{c.name}", type_=c.type) for c in _EVENTS.columns
    }
    event["practice_id"] = visit.c.user_practice_id
    event["actor_role"] = visit.c.user_role
    event["client_ids"] = sa.func.json_build_array(sa.cast(visit.c.visit_client_id, sa.Text))
    logged = (
        _EVENTS.insert()
        .from_select(
            list(event),
            sa.select(*event.values()).select_from(visit.join(recorded, sa.true())),
        )
        .returning(_EVENTS.c.id, _EVENTS.c.practice_id, _EVENTS.c.occurred_at)
        .cte("logged")
    )
    indexed = _EVENT_CLIENTS.insert().from_select(
        ["event_id", "client_id", "practice_id", "occurred_at"],
        sa.select(
            logged.c.id, visit.c.visit_client_id, logged.c.practice_id, logged.c.occurred_at
        ).select_from(logged.join(visit, sa.true())),
    )
    return sa.select(*visit.c, sa.exists(sa.select(logged.c.id)).label("written")).add_cte(
        indexed.cte("indexed")
    )


_WRITE: Final = DriverStatement(_write())


class _Row:
    """Attribute access over a dict, with a table name for the field cipher's AAD."""

    id: uuid.UUID
    evidence: str | None

    def __init__(self, table: str, values: dict[str, Any]) -> None:
        self.__tablename__ = table
        self.__dict__.update(values)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole request body, and the messages to hand the application unchanged."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


class FastObservationWrite:
    """ASGI layer inside the request pipeline: records the common observation, else delegates."""

    def __init__(self, app: ASGIApp, *, state: AppState, route: BaseRoute) -> None:
        self.app = app
        self.state = state
        self.route = route
        self.enabled = state.engine.dialect.name == "postgresql"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = None
        if self.enabled and scope["type"] == "http" and scope["method"] == "POST":
            match = _SESSION_PATH.fullmatch(scope["path"])
        if match is None or not self._eligible(scope):
            await self.app(scope, receive, send)
            return
        body, messages = await _read_body(receive)
        response = await self._answer(scope, match.group(1), body)
        if response is not None:
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _eligible(self, scope: Scope) -> bool:
        headers: dict[bytes, bytes] = dict(scope["headers"])
        if any(name in headers for name in _SKIP_HEADERS):
            return False
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        auth = headers.get(b"authorization", b"")
        return media == b"application/json" and auth[:7].lower() == b"bearer "

    async def _answer(self, scope: Scope, session_text: str, body: bytes) -> Response | None:
        """The 201 when this is the common case; None hands the request on unchanged."""
        token = dict(scope["headers"])[b"authorization"][7:].decode("latin-1").strip()
        if not token or token.startswith(API_KEY_PREFIX):
            return None
        state = self.state
        try:
            claims = decode_access_token(
                token, settings=state.settings, secret=state.secrets.jwt_secret
            )
            # As FastAPI reads a JSON body: json.loads, then the model.
            observation = ObservationCreate.model_validate(json.loads(body))
        except Exception:  # noqa: BLE001 - a bad token or body: the application answers it
            return None
        ctx: AuditContext = scope["state"]["audit"]
        record = _Row(
            "observation",
            {
                "id": uuid7(),
                "intensity": observation.intensity,
                "observed_by": claims.user_id,
                "created_at": utcnow(),
            },
        )
        record.evidence = seal(state.secrets.key_ring, record, "evidence", observation.evidence)
        # The event the pipeline would write for this 201 (the read fills in the rest); the
        # request's own context changes only once the statement has written it.
        done = replace(
            ctx,
            action="observation.create",
            resource_type="observation",
            resource_id=str(record.id),
            actor_type="user",
            actor_id=claims.user_id,
            purpose_of_use="TREAT",
            route=self.route.path,  # type: ignore[attr-defined]
        )
        event = build_event(done, 201)
        values = {
            **record.__dict__,
            "jti": claims.jti,
            "session_id": uuid.UUID(session_text),
            "theme_code": observation.theme_code,
            "user_id": claims.user_id,
            "practice_id": claims.practice_id,
            **{f"event_{name}": value for name, value in event.items()},
        }
        try:
            async with state.engine.connect() as conn:
                row = await _WRITE.fetchrow(conn, values)
        except Exception as exc:
            if not unreachable(exc):
                log.exception("fast observation write failed; the application answers instead")
                return None
            ctx.action, ctx.resource_type, ctx.resource_id = (
                "observation.create",
                "session",
                session_text,
            )
            scope["route"] = self.route
            return await database_unavailable(Request(scope), exc)
        if row is None or not row["written"]:
            return None  # nothing was written: the application decides and answers
        ctx.action, ctx.resource_type, ctx.resource_id = (
            done.action,
            done.resource_type,
            done.resource_id,
        )
        ctx.actor_type, ctx.actor_id, ctx.actor_role = "user", claims.user_id, row["user_role"]
        ctx.practice_id, ctx.purpose_of_use = row["user_practice_id"], "TREAT"
        ctx.add_clients(row["visit_client_id"])
        ctx.committed = True  # the event is in: the pipeline writes no other
        record.__dict__.update(
            practice_id=row["visit_practice_id"],
            session_id=row["visit_id"],
            client_id=row["visit_client_id"],
            theme_id=row["theme_id"],
        )
        theme = _Row(
            "theme",
            {
                "code": row["theme_code"],
                "label": row["theme_label"],
                "category": row["theme_category"],
                "dmrs_level": row["theme_dmrs_level"],
            },
        )
        visit = _Row("session", {"starts_on": row["visit_starts_on"]})
        out = service.observation_out(state.secrets.key_ring, record, theme, visit, row["phase"])  # type: ignore[arg-type]
        scope["route"] = self.route
        return Response(
            out.model_dump_json().encode(),
            status_code=201,
            media_type="application/json",
            headers={"Location": f"/v1/observations/{record.id}"},
        )
