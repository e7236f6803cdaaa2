"""Who is calling: a user (JWT) or an API key, with purpose of use and break-the-glass."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.audit.context import audit_context
from app.db import UTCDateTime, connection_of, utcnow
from app.driver import DriverStatement
from app.errors import Forbidden, Unauthorized, Unprocessable
from app.feed import outbox
from app.models import ApiKey, RefreshToken, RevokedAccessToken, User
from app.query_params import reject_unknown_query
from app.roles import CLINICAL_ROLES
from app.security import attempts, reach
from app.security.api_keys import PREFIX as API_KEY_PREFIX
from app.security.tokens import InvalidToken, decode_access_token, keyed_hash
from app.state import SessionDep, app_state

# HL7 v3 PurposeOfUse codes accepted in X-Purpose-Of-Use.
PURPOSES = frozenset(
    {
        "TREAT",
        "ETREAT",
        "CAREMGT",
        "CLINTRCH",
        "HPAYMT",
        "HOPERAT",
        "HSYSADMIN",
        "HQUALIMP",
        "HACCRED",
        "HCOMPL",
        "HLEGAL",
        "HRESCH",
        "HMARKT",
        "HPRGRP",
        "HDIRECT",
        "PATRQT",
        "FAMRQT",
        "PWATRNY",
        "SUPNWK",
        "PUBHLTH",
        "DISASTER",
        "THREAT",
        "COC",
        "PATADMIN",
        "PATSFTY",
        "TRAIN",
        "CLINTRL",
        "OVERSIGHT",
        "COVAUTH",
        "ELIGDTRM",
        "ETREATDS",
    }
)
READ_METHODS = frozenset({"GET", "HEAD"})
MIN_BREAK_GLASS_REASON = 10
MAX_BREAK_GLASS_REASON = 500


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of a request."""

    kind: Literal["user", "api_key"]
    id: uuid.UUID
    practice_id: uuid.UUID
    role: str | None
    scopes: frozenset[str]
    supervisor_id: uuid.UUID | None
    requires_cosign: bool
    purpose: str
    break_glass_reason: str | None
    token_jti: str | None = None
    pending_approval: bool = False
    # The refresh-token family the access token was issued from (its `sid`), if any.
    token_family: uuid.UUID | None = None

    @property
    def is_user(self) -> bool:
        """Whether the caller is a staff member (not an integration)."""
        return self.kind == "user"

    def has_role(self, *roles: str) -> bool:
        """Whether the caller is a user with one of these roles."""
        return self.kind == "user" and self.role in roles

    def has_scope(self, scope: str) -> bool:
        """Whether the caller is an API key carrying this scope."""
        return self.kind == "api_key" and scope in self.scopes


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Bearer credentials required")
    return token.strip()


def _purpose(request: Request, default: str) -> str:
    value = request.headers.get("x-purpose-of-use")
    if value is None:
        return default
    if value.strip().upper() not in PURPOSES:
        raise Unprocessable("X-Purpose-Of-Use is not a known HL7 PurposeOfUse code")
    return value.strip().upper()


def header_text(value: str) -> str:
    """A header's text as its sender wrote it: UTF-8 where its bytes are (ASGI servers hand
    them over as Latin-1, which would log "Ã„rzte" for "Ärzte"), else as received."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _break_glass(request: Request, role: str | None) -> str | None:
    value = request.headers.get("x-break-glass-reason")
    if value is None:
        return None
    reason = header_text(value).strip()
    if not MIN_BREAK_GLASS_REASON <= len(reason) <= MAX_BREAK_GLASS_REASON:
        raise Unprocessable("X-Break-Glass-Reason needs 10 to 500 characters")
    if role not in CLINICAL_ROLES:
        raise Forbidden("Only therapists and supervisors may break the glass")
    return reason


def _target(request: Request) -> tuple[str, uuid.UUID] | None:
    """The client-owned resource the path's `{id}` names, if any (see `reach.MODELS`)."""
    kind = audit_context(request).resource_type
    raw = request.path_params.get("id")
    if kind not in reach.MODELS or not isinstance(raw, str):
        return None
    try:
        return kind, uuid.UUID(raw)
    except ValueError:
        return None  # the route answers 422 for it


# session.info key of the request's authenticated caller.
_CALLER = "notes.caller"
_KEY = ApiKey.__table__  # type: ignore[attr-defined]
_USER = User.__table__  # type: ignore[attr-defined]
_REVOKED = RevokedAccessToken.__table__  # type: ignore[attr-defined]
_REFRESH = RefreshToken.__table__  # type: ignore[attr-defined]
_KEY_COLUMNS = (
    _KEY.c.id.label("k_id"),
    _KEY.c.practice_id.label("k_practice_id"),
    _KEY.c.scopes,
    _KEY.c.last_used_at.label("k_last_used_at"),
    # Awaiting approval: a new key, or a clinical key's new secret after an admin rotated
    # it; the secret it replaced keeps working through its grace meanwhile.
    sa.and_(_KEY.c.pending_approval, _KEY.c.secret_hash == sa.bindparam("digest")).label(
        "k_pending"
    ),
)
_NOW = sa.bindparam("now", type_=UTCDateTime())
# A live key: not revoked, not expired, presented with its secret or, within the grace
# period of a rotation, with the one it replaced. Anything else is the same unknown key.
_LIVE_KEY = sa.and_(
    _KEY.c.revoked_at.is_(None),
    sa.or_(_KEY.c.expires_at.is_(None), _KEY.c.expires_at > _NOW),
    sa.or_(
        _KEY.c.secret_hash == sa.bindparam("digest"),
        sa.and_(
            _KEY.c.previous_secret_hash == sa.bindparam("digest"),
            _KEY.c.previous_secret_expires_at > _NOW,
        ),
    ),
)
# How fresh `last_used_at` is kept: rewriting one key's row on every request would make all
# of an integration's concurrent requests queue on that row's lock (docs/security.md).
LAST_USED_RESOLUTION = timedelta(seconds=60)
_USER_COLUMNS = (
    _USER.c.practice_id.label("u_practice_id"),
    _USER.c.role.label("u_role"),
    _USER.c.active.label("u_active"),
    _USER.c.supervisor_id.label("u_supervisor_id"),
    _USER.c.requires_cosign.label("u_requires_cosign"),
    _USER.c.token_epoch.label("u_token_epoch"),
    sa.exists().where(_REVOKED.c.jti == sa.bindparam("jti")).label("u_revoked"),
    # The refresh-token family the access token came from was revoked (reuse, logout, a
    # password change): its access tokens stop with it.
    sa.exists()
    .where(
        _REFRESH.c.family_id == sa.bindparam("family_id", type_=sa.Uuid()),
        _REFRESH.c.revoked_at.is_not(None),
    )
    .label("u_family_revoked"),
)
_STATEMENTS: dict[tuple[str, str | None], DriverStatement] = {}


def _statement(kind: Literal["user", "api_key"], target: str | None) -> DriverStatement:
    """The caller's row (user or key) and, outer-joined, the path's resource and its reach.

    Built once per caller kind and resource kind: building a statement costs more than
    running it.
    """
    key = (kind, target)
    if key not in _STATEMENTS:
        table, columns = (_USER, _USER_COLUMNS) if kind == "user" else (_KEY, _KEY_COLUMNS)
        where = table.c.id == sa.bindparam("reach_caller_id") if kind == "user" else _LIVE_KEY
        selected = list(columns)
        source: sa.FromClause = table
        if target is not None:
            selected += reach.target_columns(target, with_ties=kind == "user")
            source = reach.target_join(target, table)
        _STATEMENTS[key] = DriverStatement(sa.select(*selected).select_from(source).where(where))
    return _STATEMENTS[key]


async def _resolve(
    session: AsyncSession, kind: Literal["user", "api_key"], params: dict[str, Any], target: Any
) -> dict[str, Any] | None:
    """Run the caller's statement; keep what it found of the path's resource for the route."""
    params = {**params, "reach_target_id": target[1] if target else None}
    statement = _statement(kind, target[0] if target else None)
    row = await statement.first(await connection_of(session), params)
    if row is not None and target is not None:
        reach.keep(session, reach.found_from(target[0], target[1], row))
    return row


_TOUCH_KEY = (
    sa.update(_KEY)
    .where(_KEY.c.id == sa.bindparam("key_id"))
    .values(last_used_at=sa.bindparam("now"))
)


async def _api_key_caller(request: Request, session: AsyncSession, token: str) -> Caller:
    state = app_state(request)
    digest = keyed_hash(state.secrets.api_key_pepper, token)
    now = utcnow()
    key = await _resolve(session, "api_key", {"digest": digest, "now": now}, _target(request))
    if key is None:
        raise Unauthorized("Invalid or revoked API key")
    # A key awaiting approval is not used: it is refused (and attributed) in get_caller.
    stale = key["k_last_used_at"] is None or now - key["k_last_used_at"] >= LAST_USED_RESOLUTION
    if stale and not key["k_pending"]:
        touch = {"key_id": key["k_id"], "now": now}
        await (await connection_of(session)).execute(_TOUCH_KEY, touch)
        # A refused request's work is rolled back, this with it: the pipeline repeats it.
        audit_context(request).key_touch = touch
    return Caller(
        kind="api_key",
        id=key["k_id"],
        practice_id=key["k_practice_id"],
        role=None,
        scopes=frozenset(key["scopes"]),
        supervisor_id=None,
        requires_cosign=False,
        purpose="HOPERAT",
        break_glass_reason=None,
        pending_approval=key["k_pending"],
    )


async def _user_caller(request: Request, session: AsyncSession, token: str) -> Caller:
    state = app_state(request)
    try:
        claims = decode_access_token(
            token, settings=state.settings, secret=state.secrets.jwt_secret
        )
    except InvalidToken:
        raise Unauthorized("Invalid or expired access token") from None
    params = {"reach_caller_id": claims.user_id, "jti": claims.jti, "family_id": claims.family_id}
    row = await _resolve(session, "user", params, _target(request))
    if (
        row is None
        or row["u_revoked"]
        or row["u_family_revoked"]
        or row["u_token_epoch"] != claims.epoch
        or not row["u_active"]
        or row["u_practice_id"] != claims.practice_id
    ):
        raise Unauthorized("Invalid or expired access token")
    return Caller(
        kind="user",
        id=claims.user_id,
        practice_id=row["u_practice_id"],
        role=row["u_role"],
        scopes=frozenset(),
        supervisor_id=row["u_supervisor_id"],
        requires_cosign=row["u_requires_cosign"],
        purpose="TREAT" if row["u_role"] in CLINICAL_ROLES else "HOPERAT",
        break_glass_reason=None,
        token_jti=claims.jti,
        token_family=claims.family_id,
    )


def _note_break_glass_attempt(request: Request) -> str | None:
    """The break-the-glass header, if sent: its attempt is listed for review (ETREAT and the
    reason, cut to length) whatever refuses the request."""
    attempted = request.headers.get("x-break-glass-reason")
    if attempted is not None:
        ctx = audit_context(request)
        ctx.purpose_of_use = "ETREAT"
        ctx.break_glass_reason = header_text(attempted).strip()[:MAX_BREAK_GLASS_REASON]
    return attempted


async def get_caller(request: Request, session: SessionDep) -> Caller:
    """Authenticate the request and note the actor in the audit context."""
    ctx = audit_context(request)
    try:
        token = _bearer(request)
        if token.startswith(API_KEY_PREFIX):
            caller = await _api_key_caller(request, session, token)
        else:
            caller = await _user_caller(request, session, token)
    except Unauthorized:
        # Nobody to attribute it to: the log names whose record was tried instead (§2.1),
        # and an attempt to break the glass is listed for review all the same.
        await attempts.name_target(session, ctx, request)
        _note_break_glass_attempt(request)
        raise
    ctx.actor_type = caller.kind
    ctx.actor_id = caller.id
    ctx.request = request
    ctx.actor_role = caller.role
    ctx.practice_id = caller.practice_id
    ctx.purpose_of_use = caller.purpose
    # Known before any refusal, so that the refusal's event names the path's client.
    session.info[_CALLER] = caller
    if caller.pending_approval:
        raise Forbidden("This API key has clinical scopes and awaits a supervisor's approval")
    outbox.act_as(session, caller.kind, caller.id)
    # Header checks come after identity so that a refused request is still attributed.
    attempted = _note_break_glass_attempt(request)
    purpose = _purpose(request, caller.purpose)
    if attempted is None:
        ctx.purpose_of_use = purpose
    reason = _break_glass(request, caller.role)
    if reason is not None:
        purpose = "ETREAT"
        ctx.purpose_of_use, ctx.break_glass_reason = purpose, reason
        # Decided from the method alone, before any row is read: the attempt is still
        # listed for review, and no write can ever change who reaches a client (§2.1).
        if request.method not in READ_METHODS:
            await _name_refused_client(request, session, caller)
            raise Forbidden("Break-the-glass opens reads only")
    reject_unknown_query(ctx)
    if purpose == caller.purpose and reason is None:
        return caller
    return replace(caller, purpose=purpose, break_glass_reason=reason)


async def touch_refused_key(engine: AsyncEngine, touch: dict[str, Any]) -> None:
    """Record a key's use whose request was refused (its work, the touch included, rolled
    back): every use shows in `last_used_at`, a refused one too (SPEC §3)."""
    async with engine.begin() as conn:
        await conn.execute(_TOUCH_KEY, touch)


def refused_target(session: AsyncSession) -> uuid.UUID | None:
    """The client of the path's resource, for the event of a request refused before its
    route named one (a header, query or body check): the client the request aimed at (§6)."""
    caller: Caller | None = session.info.get(_CALLER)
    return None if caller is None else reach.refusal_client(reach.kept(session), caller)


async def _name_refused_client(request: Request, session: AsyncSession, caller: Caller) -> None:
    """The client of a refused break-the-glass write, of the caller's practice, for review.

    The path's (found by the caller statement), else one the query or body names.
    """
    found = reach.kept(session)
    if found is not None and found.client is not None:
        audit_context(request).add_clients(reach.refusal_client(found, caller))
        return
    for kind, named in await attempts.named_targets(request):
        practice, clients = await attempts.owners_of(session, kind, named)
        if practice == caller.practice_id:
            audit_context(request).add_clients(*clients)


CallerDep = Annotated[Caller, Depends(get_caller)]


def require_roles(caller: Caller, *roles: str, scope: str | None = None) -> None:
    """403 unless the caller has one of the roles (or, for API keys, the scope)."""
    if caller.kind == "user" and caller.role in roles:
        return
    if caller.kind == "api_key" and scope is not None and scope in caller.scopes:
        return
    raise Forbidden("Your role or scopes do not allow this operation")
