"""The verified-token cache: a hit still expires, and never crosses keys or audiences."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import Settings
from app.db import utcnow
from app.security import tokens
from tests.conftest import make_settings

SECRET = b"k" * 32


def _token(tmp_path: Path) -> tuple[str, Settings]:
    settings = make_settings(tmp_path, "sqlite://")
    token, _ = tokens.issue_access_token(
        settings=settings,
        secret=SECRET,
        user_id=uuid.uuid4(),
        practice_id=uuid.uuid4(),
        role="therapist",
    )
    return token, settings


def test_a_cached_token_still_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token, settings = _token(tmp_path)
    first = tokens.decode_access_token(token, settings=settings, secret=SECRET)
    assert tokens.decode_access_token(token, settings=settings, secret=SECRET) == first
    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode_access_token(token, settings=settings, secret=SECRET)


def test_a_cached_token_is_not_accepted_under_another_key_or_audience(tmp_path: Path) -> None:
    token, settings = _token(tmp_path)
    tokens.decode_access_token(token, settings=settings, secret=SECRET)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode_access_token(token, settings=settings, secret=b"x" * 32)
    other = make_settings(tmp_path, "sqlite://", service_name="another-service")
    with pytest.raises(tokens.InvalidToken):
        tokens.decode_access_token(token, settings=other, secret=SECRET)


def test_the_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_VERIFIED_MAX", 3)
    monkeypatch.setattr(tokens, "_VERIFIED", {})
    for _ in range(10):
        token, settings = _token(tmp_path)
        tokens.decode_access_token(token, settings=settings, secret=SECRET)
        assert len(tokens._VERIFIED) <= 3
