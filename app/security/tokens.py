"""JWT access tokens (HS256, pinned) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from app.config import Settings
from app.db import utcnow

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "practice", "role", "iat", "exp", "aud", "iss", "jti"]
LEEWAY_SECONDS = 5
# Tokens verified by this process, by exact text (and key, audience, issuer): PyJWT's checks
# cost more than the rest of authentication and a client repeats one token for its 15
# minutes. A hit is still checked for expiry; revocation is looked up in the database on
# every request.
_VERIFIED: dict[tuple[bytes, str, str, str], AccessClaims] = {}
_VERIFIED_MAX = 4096


@dataclass(frozen=True)
class AccessClaims:
    """The verified claims of an access token."""

    user_id: uuid.UUID
    practice_id: uuid.UUID
    role: str
    jti: str
    expires_at: datetime
    # The user's token epoch when issued (a password change bumps it) and the refresh-token
    # family the token came from (a reused refresh token revokes the family).
    epoch: int = 0
    family_id: uuid.UUID | None = None


class InvalidToken(Exception):
    """The token is malformed, expired, forged or missing a claim."""


def issue_access_token(
    *,
    settings: Settings,
    secret: bytes,
    user_id: uuid.UUID,
    practice_id: uuid.UUID,
    role: str,
    epoch: int = 0,
    family_id: uuid.UUID | None = None,
) -> tuple[str, int]:
    """Sign an access token; returns it and its lifetime in seconds."""
    now = utcnow()
    lifetime = timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "practice": str(practice_id),
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "aud": settings.jwt_audience,
        "iss": settings.service_name,
        "jti": uuid.uuid4().hex,
        "epoch": epoch,
    }
    if family_id is not None:
        claims["sid"] = str(family_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM), int(lifetime.total_seconds())


def decode_access_token(token: str, *, settings: Settings, secret: bytes) -> AccessClaims:
    """Verify signature, algorithm, audience, issuer, expiry and every required claim."""
    key = (secret, settings.jwt_audience, settings.service_name, token)
    claims = _VERIFIED.get(key)
    if claims is None:
        claims = _verify(token, settings=settings, secret=secret)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()  # bounded; refilled by the next requests
        _VERIFIED[key] = claims
    if claims.expires_at.timestamp() + LEEWAY_SECONDS <= utcnow().timestamp():
        raise InvalidToken("ExpiredSignatureError")
    return claims


def _verify(token: str, *, settings: Settings, secret: bytes) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.service_name,
            options={"require": REQUIRED_CLAIMS},
            leeway=LEEWAY_SECONDS,
        )
        _check_lifetime(claims["iat"], claims["exp"], settings)
        return AccessClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            practice_id=uuid.UUID(str(claims["practice"])),
            role=str(claims["role"]),
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo),
            epoch=_epoch(claims.get("epoch", 0)),
            family_id=uuid.UUID(str(claims["sid"])) if "sid" in claims else None,
        )
    # OverflowError and OSError: a signed but absurd `exp` or `iat` (10**20, Infinity) that
    # PyJWT lets through or trips over; such a token is invalid, not a server error.
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError, OSError) as exc:
        raise InvalidToken(type(exc).__name__) from None


def _check_lifetime(issued: object, expires: object, settings: Settings) -> None:
    """Refuse a token that lives longer than ours do (an absurd `iat` or `exp`)."""
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        raise TypeError("iat/exp")
    if not 0 < expires - issued <= settings.access_token_minutes * 60 + LEEWAY_SECONDS:
        raise ValueError("lifetime")


def _epoch(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise ValueError("epoch")
    return value


def new_refresh_token() -> str:
    """A fresh opaque refresh token (256 random bits)."""
    return "nsr_" + secrets.token_urlsafe(32)


def keyed_hash(pepper: bytes, value: str) -> str:
    """HMAC-SHA256 of a secret token, hex; what the database stores instead of the token."""
    return hmac.new(pepper, value.encode(), hashlib.sha256).hexdigest()
