"""NOTES_DATABASE_URL: every accepted form mapped to asyncpg's options, and the refusals."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.config import Settings, async_database_url
from app.database_url import DatabaseURLError, database_options
from app.db import create_engine
from tests.conftest import pg_admin_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u:p%40ss@h/db?sslmode=require", "postgresql+asyncpg://u:p%40ss@h/db"),
        ("sqlite:///data/notes.db", "sqlite+aiosqlite:///data/notes.db"),
        ("sqlite:////abs/notes.db", "sqlite+aiosqlite:////abs/notes.db"),
        ("sqlite+aiosqlite:///n.db", "sqlite+aiosqlite:///n.db"),
    ],
)
def test_plain_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


def _args(url: str) -> dict[str, Any]:
    return database_options(url).connect_args


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_sslmode_without_files_is_asyncpgs_own_mode(mode: str) -> None:
    # asyncpg applies libpq's rules to its mode names (~/.postgresql/root.crt included).
    assert _args(f"postgresql://u@h/db?sslmode={mode}") == {"ssl": mode}


def test_no_sslmode_leaves_asyncpgs_default() -> None:
    assert _args("postgresql://u@h/db") == {}


def test_socket_host_port_timeout_and_application_name() -> None:
    args = _args(
        "postgresql://u@/db?host=/var/run/postgresql&port=5433"
        "&connect_timeout=7&application_name=billing%20sync"
    )
    assert args == {
        "host": "/var/run/postgresql",
        "port": 5433,
        "timeout": 7.0,
        "server_settings": {"application_name": "billing sync"},
    }
    assert database_options("postgresql://u@/db?host=/tmp").url.host is None


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A self-signed CA that also serves as the server's and the client's certificate."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    paths = {"cert": folder / "server.crt", "key": folder / "server.key"}
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    paths["key"].chmod(0o600)
    return paths


@pytest.mark.parametrize(
    ("mode", "verify", "hostname"),
    [
        ("require", ssl.CERT_REQUIRED, False),  # libpq: require with a root cert = verify-ca
        ("verify-ca", ssl.CERT_REQUIRED, False),
        ("verify-full", ssl.CERT_REQUIRED, True),
    ],
)
def test_certificate_files_build_a_context(
    certificates: dict[str, Path], mode: str, verify: ssl.VerifyMode, hostname: bool
) -> None:
    url = (
        f"postgresql://u@h/db?sslmode={mode}&sslrootcert={certificates['cert']}"
        f"&sslcert={certificates['cert']}&sslkey={certificates['key']}"
    )
    context = _args(url)["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == verify
    assert context.check_hostname is hostname
    assert len(context.get_ca_certs()) == 1
    assert database_options(url).url.query == {}


def test_require_with_a_client_certificate_only_does_not_verify(
    certificates: dict[str, Path],
) -> None:
    url = (
        f"postgresql://u@h/db?sslmode=require&sslcert={certificates['cert']}"
        f"&sslkey={certificates['key']}"
    )
    context = _args(url)["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_NONE


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://u@h/db?sslmode=foo", "unknown sslmode 'foo'"),
        ("postgresql://u@h/db?sslmode=require&sslmode=disable", "sslmode given more than once"),
        ("postgresql://u@h/db?sslfoo=1", "unknown parameter 'sslfoo'"),
        ("postgresql://u@h/db?connect_timeout=soon", "connect_timeout 'soon' is not a number"),
        ("postgresql://u@h/db?connect_timeout=0", "connect_timeout '0' must be positive"),
        ("postgresql://u@/db?host=/s&port=x", "port 'x' is not a number"),
        ("postgresql://u@h/db?sslkey=/k", "sslkey given without sslcert"),
        ("postgresql://u@h/db?sslcert=/c&sslkey=/k", "sslcert needs sslmode=require"),
        (
            "postgresql://u@h/db?sslmode=verify-full&sslrootcert=/nowhere/root.crt",
            "cannot load /nowhere/root.crt: No such file or directory",
        ),
        ("mysql://u@h/db", "unsupported scheme 'mysql'"),
        ("not a url", "not a database URL"),
        ("sqlite:///n.db?mode=ro", "unknown parameter 'mode' for SQLite"),
    ],
)
def test_unusable_urls_are_named_in_one_line(url: str, problem: str) -> None:
    with pytest.raises(DatabaseURLError) as caught:
        database_options(url)
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_settings_refuse_an_unusable_url() -> None:
    with pytest.raises(ValueError, match="unknown sslmode 'foo'"):
        Settings(database_url="postgresql://u@h/db?sslmode=foo")


# Against the local PostgreSQL: the modes a server without TLS can serve, a Unix socket, and
# the application name the server sees.


def _admin() -> str:
    admin = pg_admin_url()
    if not admin:
        pytest.skip("NOTES_TEST_DATABASE_URL not set")
    return admin


def _local(query: str) -> str:
    return f"{_admin()}?{query}"


async def _server_view(url: str, tmp_path: Path) -> tuple[str, bool]:
    """(application_name, ssl) of this connection as pg_stat_activity/pg_stat_ssl show it."""
    engine = create_engine(Settings(database_url=url, data_dir=tmp_path))
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT a.application_name, s.ssl FROM pg_stat_activity a "
                        "JOIN pg_stat_ssl s USING (pid) WHERE a.pid = pg_backend_pid()"
                    )
                )
            ).one()
            return str(row[0]), bool(row[1])
    finally:
        await engine.dispose()


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_local_server_serves_the_modes_it_can(mode: str, tmp_path: Path) -> None:
    name = f"notes-test-{uuid.uuid4().hex[:8]}"
    url = _local(f"sslmode={mode}&application_name={name}")
    assert asyncio.run(_server_view(url, tmp_path)) == (name, False)


def test_require_against_a_server_without_tls_fails(tmp_path: Path) -> None:
    url = _local("sslmode=require&connect_timeout=5")
    with pytest.raises(Exception, match="SSL"):
        asyncio.run(_server_view(url, tmp_path))


def test_unix_socket_host(tmp_path: Path) -> None:
    socket_dir = Path("/var/run/postgresql")
    if not (socket_dir / ".s.PGSQL.5432").exists():
        pytest.skip("no PostgreSQL socket in /var/run/postgresql")
    admin = make_url(_admin())
    url = f"postgresql://{admin.username}@/{admin.database}?host={socket_dir}&port=5432"
    name, _tls = asyncio.run(_server_view(url, tmp_path))
    assert name == "session-notes-api"  # the service's own name when the URL names none
