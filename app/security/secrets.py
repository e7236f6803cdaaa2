"""Secrets from configuration, or generated once into the data folder for the embedded default."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.ledger import checkpoint
from app.config import Settings
from app.security.encryption import KeyRing

log = logging.getLogger("notes.secrets")

_DEFAULT_VALUES = {"", "changeme", "change-me", "secret", "default"}


class ConfigurationError(RuntimeError):
    """The service cannot start with this configuration."""


@dataclass(frozen=True)
class Secrets:
    """Key material the running service needs."""

    jwt_secret: bytes
    api_key_pepper: bytes
    cursor_key: bytes
    key_ring: KeyRing
    signing_key: Ed25519PrivateKey
    generated: tuple[str, ...]


def _read_or_create(path: Path) -> tuple[bytes, bool]:
    """Read a random secret file, creating it with mode 0600 when missing."""
    if path.exists():
        return base64.b64decode(path.read_text().strip()), False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(value).decode() + "\n")
    return value, True


MIN_SECRET_BYTES = 32


def _configured(value: str, name: str, *, production: bool) -> bytes:
    """Validate a configured secret; production refuses weak or default values."""
    encoded = value.encode()
    if value.strip().lower() in _DEFAULT_VALUES:
        raise ConfigurationError(f"{name} is a default value; set a random secret")
    if production and len(encoded) < MIN_SECRET_BYTES:
        raise ConfigurationError(
            f"{name} is {len(encoded)} bytes; production needs {MIN_SECRET_BYTES} at least"
        )
    return encoded


def load_secrets(settings: Settings) -> Secrets:
    """Load every secret; production refuses generated or default ones, and SQLite."""
    production = settings.env == "production"
    if production and settings.is_sqlite:
        raise ConfigurationError(
            "NOTES_DATABASE_URL: SQLite is for development; production needs PostgreSQL"
        )
    generated: list[str] = []
    data = settings.data_dir
    values: dict[str, bytes] = {}
    for name, configured in (
        ("jwt_secret", settings.jwt_secret),
        ("api_key_pepper", settings.api_key_pepper),
    ):
        env_name = f"NOTES_{name.upper()}"
        if configured is not None:
            values[name] = _configured(
                configured.get_secret_value(), env_name, production=production
            )
            continue
        if production:
            raise ConfigurationError(f"{env_name} must be set when NOTES_ENV=production")
        values[name], made = _read_or_create(data / f"{name}.key")
        if made:
            generated.append(name)
    if settings.encryption_keys is not None:
        key_ring = KeyRing.from_config(settings.encryption_keys.get_secret_value())
    elif production:
        raise ConfigurationError("NOTES_ENCRYPTION_KEYS must be set when NOTES_ENV=production")
    else:
        key_ring, made = KeyRing.load_or_generate(data / "encryption.keys")
        if made:
            generated.append("encryption_keys")
    if settings.audit_signing_key is not None:
        signing_key = checkpoint.private_key_from_config(
            settings.audit_signing_key.get_secret_value()
        )
    elif production:
        raise ConfigurationError("NOTES_AUDIT_SIGNING_KEY must be set when NOTES_ENV=production")
    else:
        signing_key, made = checkpoint.load_or_generate_signing_key(data / "audit_signing.pem")
        if made:
            generated.append("audit_signing_key")
    for name in generated:
        log.warning(
            "generated %s in %s (mode 0600); set it in configuration for production", name, data
        )
    cursor_key = hmac.new(values["api_key_pepper"], b"cursor", hashlib.sha256).digest()
    return Secrets(
        jwt_secret=values["jwt_secret"],
        api_key_pepper=values["api_key_pepper"],
        cursor_key=cursor_key,
        key_ring=key_ring,
        signing_key=signing_key,
        generated=tuple(generated),
    )
