"""NOTES_DATABASE_URL as people have it, mapped to our async drivers and their own options.

Managed PostgreSQL hands out libpq URLs (`postgres://…?sslmode=require&sslrootcert=…`,
`?host=/var/run/postgresql`); asyncpg takes none of those as keywords, so they are read
here with SQLAlchemy's `make_url` and turned into asyncpg's `ssl`, `host`, `timeout` and
`server_settings`. The app's engine, Alembic and the CLI all connect through this mapping.
"""

from __future__ import annotations

import ssl
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

POSTGRES_SCHEMES: Final = frozenset(
    {"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2"}
)
SQLITE_SCHEMES: Final = frozenset({"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"})
SSL_MODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# libpq parameters read from the query string; anything else is refused by name.
POSTGRES_PARAMS: Final = frozenset(
    {"sslmode", "sslrootcert", "sslcert", "sslkey", "host", "port", "connect_timeout"}
    | {"application_name"}
)


class DatabaseURLError(ValueError):
    """A database URL this service cannot use; the message names the problem in one line."""


@dataclass(frozen=True)
class DatabaseOptions:
    """What `create_async_engine` needs: the async URL and the driver's connect arguments."""

    source: str
    url: URL
    connect_args: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is an SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL and in-memory databases."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database)


def database_options(raw: str) -> DatabaseOptions:
    """Parse a database URL; raise DatabaseURLError naming what cannot be used."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseURLError(
            "not a database URL (expected postgresql://… or sqlite://…)"
        ) from None
    if url.drivername in SQLITE_SCHEMES:
        if url.query:
            raise DatabaseURLError(f"unknown parameter {sorted(url.query)[0]!r} for SQLite")
        return DatabaseOptions(raw, url.set(drivername="sqlite+aiosqlite"))
    if url.drivername not in POSTGRES_SCHEMES:
        raise DatabaseURLError(
            f"unsupported scheme {url.drivername!r} (expected postgresql://… or sqlite://…)"
        )
    return _postgres(raw, url)


# The URL each engine was made from: processes that verify the log in parallel connect anew.
_SOURCES: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def connect(options: DatabaseOptions, **kwargs: Any) -> AsyncEngine:
    """`create_async_engine` with the driver's options; `connect_args` given here win."""
    connect_args = {**options.connect_args, **kwargs.pop("connect_args", {})}
    engine = create_async_engine(options.url, connect_args=connect_args, **kwargs)
    _SOURCES[engine.sync_engine] = options.source
    return engine


def source_url(engine: AsyncEngine) -> str:
    """The URL an engine of `connect` was made from (its own URL for any other engine)."""
    return _SOURCES.get(engine.sync_engine) or engine.url.render_as_string(hide_password=False)


def _single(url: URL, name: str) -> str | None:
    value = url.query.get(name)
    if isinstance(value, tuple):
        raise DatabaseURLError(f"{name} given more than once")
    return value


def _postgres(raw: str, url: URL) -> DatabaseOptions:
    unknown = sorted(set(url.query) - POSTGRES_PARAMS)
    if unknown:
        raise DatabaseURLError(f"unknown parameter {unknown[0]!r}")
    if url.port is not None and not 0 < url.port < 65536:
        raise DatabaseURLError(f"port {url.port} is out of range (1-65535)")
    args: dict[str, Any] = {}
    if (host := _single(url, "host")) is not None:
        args["host"] = host  # as in libpq it wins over the URL's host; a directory is a socket
    if (port := _single(url, "port")) is not None:
        if not port.isdigit():
            raise DatabaseURLError(f"port {port!r} is not a number")
        if not 0 < int(port) < 65536:
            raise DatabaseURLError(f"port {port} is out of range (1-65535)")
        args["port"] = int(port)
    if (timeout := _single(url, "connect_timeout")) is not None:
        try:
            args["timeout"] = float(timeout)
        except ValueError:
            raise DatabaseURLError(f"connect_timeout {timeout!r} is not a number") from None
        if args["timeout"] <= 0:
            raise DatabaseURLError(f"connect_timeout {timeout!r} must be positive")
    if (name := _single(url, "application_name")) is not None:
        args["server_settings"] = {"application_name": name}
    tls = _ssl(url)
    if tls is not None:
        args["ssl"] = tls
    return DatabaseOptions(raw, url.set(drivername="postgresql+asyncpg", query={}), args)


def _ssl(url: URL) -> str | ssl.SSLContext | None:
    """asyncpg's `ssl`: libpq's mode name, or a context when certificate files are named."""
    mode = _single(url, "sslmode")
    root, cert, key = (_single(url, n) for n in ("sslrootcert", "sslcert", "sslkey"))
    if mode is not None and mode not in SSL_MODES:
        raise DatabaseURLError(f"unknown sslmode {mode!r} (one of {', '.join(SSL_MODES)})")
    if key is not None and cert is None:
        raise DatabaseURLError("sslkey given without sslcert")
    if mode in (None, "disable", "allow", "prefer"):
        if cert is not None:
            raise DatabaseURLError("sslcert needs sslmode=require, verify-ca or verify-full")
        return mode  # asyncpg applies libpq's rules (None: PGSSLMODE or prefer)
    if root is None and cert is None:
        return mode  # asyncpg looks for ~/.postgresql/root.crt as libpq does
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = mode == "verify-full"
    # libpq: require with a root certificate verifies the chain, as verify-ca does.
    context.verify_mode = ssl.CERT_REQUIRED if root or mode != "require" else ssl.CERT_NONE
    try:
        if root is not None:
            context.load_verify_locations(cafile=root)
        elif mode != "require":
            context.load_verify_locations(cafile=Path("~/.postgresql/root.crt").expanduser())
        if cert is not None:
            context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        named = getattr(exc, "filename", None) or root or cert
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseURLError(f"cannot load {named}: {reason}") from None
    return context
