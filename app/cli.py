"""The notes-api command: serve, migrate, create practices, users and API keys, seed the demo."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import asyncpg
import typer
import uvicorn
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import migrations
from app.api_keys.service import add_key
from app.audit.cli import app as audit_app
from app.audit.operator import record_operator_action
from app.auth import credentials
from app.auth.schemas import NewPassword
from app.config import Settings, configuration_problem, get_settings
from app.db import create_engine, create_sessionmaker
from app.demo.seed import seed
from app.errors import AppError
from app.feed import outbox
from app.idempotency import RETENTION, purge_expired
from app.models import Practice, User
from app.roles import ROLES
from app.security import rotation
from app.security.api_keys import SCOPES
from app.security.passwords import Passwords
from app.security.secrets import ConfigurationError, load_secrets
from app.supervisor import Supervisor
from app.users import service as users
from app.users.schemas import UserCreate
from app.webhooks import process as deliverer_process
from app.webhooks.cli import events_app, webhooks_app

app = typer.Typer(help="Session Notes API", no_args_is_help=True, add_completion=False)
app.add_typer(audit_app, name="audit")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(events_app, name="events")
T = TypeVar("T")


@app.callback()
def _private_files() -> None:
    """Files this command creates (SQLite database, its WAL, keys) are its owner's alone."""
    os.umask(os.umask(0o077) | 0o077)


def _settings() -> Settings:
    """Settings and secrets, or a one-line error and exit status 2."""
    try:
        settings = get_settings()
        load_secrets(settings)
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"error: {configuration_problem(exc)}", err=True)
        raise typer.Exit(2) from None
    return settings


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work in a transaction and commit it."""

    async def main() -> T:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _migrate(settings: Settings) -> None:
    """Migrate to head with the service's keys (a revision may encrypt existing rows)."""
    migrations.upgrade(settings.plain_database_url, key_ring=load_secrets(settings).key_ring)


@app.command()
def migrate() -> None:
    """Apply database migrations up to head."""
    settings = _settings()
    _migrate(settings)
    typer.echo("database at head")


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    no_migrate: Annotated[bool, typer.Option("--no-migrate", help="Skip migrations")] = False,
) -> None:
    """Serve the API (migrations first unless --no-migrate)."""
    settings = _settings()
    if not no_migrate:
        _migrate(settings)
    if settings.demo:
        _print_demo(seed_demo(settings))
    supervisor = None
    if settings.sequencer == "auto" and not settings.is_sqlite:
        # On PostgreSQL the sequencer runs in a process of its own, which tells the API's
        # workers so: they watch its backlog instead of starting one each (docs/audit.md).
        supervisor = Supervisor()
        supervisor.start()
        os.environ["NOTES_SEQUENCER"] = "external"
        # uvicorn re-raises SIGTERM once it has shut down; the default action would end the
        # process before the `finally` below stops the child.
        signal.signal(signal.SIGTERM, _exit_on_signal)
    deliverer = None
    if settings.deliverer == "auto":
        # The webhook deliverer is a process of its own too; "external" leaves it to a
        # service of its own (docker-compose.yml).
        deliverer = deliverer_process.supervisor()
        deliverer.start()
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(
            "app.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
            proxy_headers=False,
        )
    finally:
        for child in (supervisor, deliverer):
            if child is not None:
                child.stop()


@app.command("create-practice")
def create_practice(name: Annotated[str, typer.Option(help="Practice name")]) -> None:
    """Create a practice and print its id."""

    async def work(session: AsyncSession) -> uuid.UUID:
        practice = Practice(name=name)
        session.add(practice)
        await session.flush()
        return practice.id

    typer.echo(str(_run(_settings(), work)))


@app.command("create-user")
def create_user(
    practice: Annotated[uuid.UUID, typer.Option(help="Practice id")],
    email: Annotated[str, typer.Option(help="Login email")],
    role: Annotated[str, typer.Option(help="admin, therapist, supervisor or auditor")],
    password: Annotated[str | None, typer.Option(help="At least 12 characters")] = None,
    display_name: Annotated[
        str | None,
        typer.Option(help="Name shown to colleagues (default: the email's part before the @)"),
    ] = None,
    supervisor: Annotated[uuid.UUID | None, typer.Option(help="Supervisor's user id")] = None,
    requires_cosign: Annotated[bool, typer.Option("--requires-cosign")] = False,
) -> None:
    """Create a user and print the id (a password is prompted for when not given)."""
    if role not in ROLES:
        typer.echo(f"error: role must be one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    try:
        user_in = UserCreate(
            email=email,
            # Not the whole email: `users:read` keys see display names, never emails.
            display_name=display_name or email.partition("@")[0] or email,
            role=role,
            supervisor_id=supervisor,
            requires_cosign=requires_cosign,
        )
    except ValueError as exc:
        typer.echo(f"error: invalid user: {exc}", err=True)
        raise typer.Exit(2) from None
    checked = _new_password(password)

    async def work(session: AsyncSession) -> uuid.UUID:
        if await session.get(Practice, practice) is None:
            raise typer.BadParameter("no such practice", param_hint="--practice")
        outbox.act_as(session, *outbox.OPERATOR_ACTOR)
        user = await users.create_user(
            session=session,
            passwords=Passwords(settings),
            practice_id=practice,
            user_in=user_in,
            password=checked,
        )
        await record_operator_action(
            session,
            command="create-user",
            action="user.create",
            practice_id=practice,
            resource_type="user",
            resource_id=user.id,
        )
        return user.id

    _guarded(lambda: typer.echo(str(_run(settings, work))))


def _new_password(password: str) -> str:
    """The password if the policy accepts it (SPEC §3), else a one-line error, exit status 2."""
    try:
        return TypeAdapter(NewPassword).validate_python(password)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        typer.echo(f"error: invalid password: {problem}", err=True)
        raise typer.Exit(2) from None


@app.command("reset-password")
def reset_password(email: Annotated[str, typer.Option(help="The user's login email")]) -> None:
    """Revoke every token and the password of a user; print a one-time reset token (24 h)."""
    settings = _settings()
    pepper = load_secrets(settings).api_key_pepper

    async def work(session: AsyncSession) -> str:
        found = await session.execute(select(User).where(col(User.email) == email.strip().lower()))
        user = found.scalar_one_or_none()
        if user is None:
            raise typer.BadParameter("no such user", param_hint="--email")
        token, _ = await credentials.start_reset(
            session=session, pepper=pepper, user=user, created_by=None
        )
        await record_operator_action(
            session,
            command="reset-password",
            action="user.password_reset",
            practice_id=user.practice_id,
            resource_type="user",
            resource_id=user.id,
        )
        return token

    _guarded(lambda: typer.echo(_run(settings, work)))


@app.command("create-api-key")
def create_api_key(
    practice: Annotated[uuid.UUID, typer.Option(help="Practice id")],
    name: Annotated[str, typer.Option(help="What the key is for")],
    scopes: Annotated[str, typer.Option(help="Comma-separated, e.g. clients:read,notes:read")],
) -> None:
    """Create an API key and print it once."""
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SCOPES))
    if not wanted or unknown:
        typer.echo(f"error: scopes must be among {', '.join(SCOPES)}", err=True)
        raise typer.Exit(2)
    settings = _settings()
    pepper = load_secrets(settings).api_key_pepper

    async def work(session: AsyncSession) -> str:
        if await session.get(Practice, practice) is None:
            raise typer.BadParameter("no such practice", param_hint="--practice")
        # The operator's key works at once, whatever its scopes (SPEC §2.1), and is logged.
        outbox.act_as(session, *outbox.OPERATOR_ACTOR)
        row, key = await add_key(
            session=session,
            practice_id=practice,
            name=name,
            scopes=wanted,
            created_by=None,
            pepper=pepper,
            pending_approval=False,
            expires_at=None,
        )
        await record_operator_action(
            session,
            command="create-api-key",
            action="api_key.create",
            practice_id=practice,
            resource_type="api_key",
            resource_id=row.id,
            status=201,
        )
        return key

    _guarded(lambda: typer.echo(_run(settings, work)))


@app.command()
def demo() -> None:
    """Seed the demo practice (idempotent) and print its logins."""
    settings = _settings()
    _migrate(settings)
    _print_demo(seed_demo(settings))


@app.command("purge-idempotency")
def purge_idempotency() -> None:
    """Delete stored Idempotency-Key responses past their retention (48 h); run it daily."""
    count = _run(_settings(), purge_expired)
    hours = int(RETENTION.total_seconds() // 3600)
    typer.echo(f"{count} idempotency records older than {hours} hours deleted")


@app.command("rotate-keys")
def rotate_keys(
    batch_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="Rows re-encrypted per committed batch")
    ] = 200,
) -> None:
    """Re-encrypt every protected field under the active key (safe to interrupt and re-run)."""
    settings = _settings()
    ring = load_secrets(settings).key_ring

    async def main() -> rotation.RotationReport:
        engine = create_engine(settings)
        try:
            sessionmaker = create_sessionmaker(engine)
            report = await rotation.rotate(
                sessionmaker=sessionmaker, ring=ring, batch_size=batch_size
            )
            async with sessionmaker() as session:
                await rotation.record_rotation(session, report)
                await session.commit()
            return report
        finally:
            await engine.dispose()

    report = asyncio.run(main())
    for column, count in report.rotated.items():
        typer.echo(f"  {column:<42} {count} re-encrypted")
    if report.failed:
        typer.echo(
            f"{len(report.failed)} fields could not be decrypted and keep their old key; "
            "keep that key configured and see the error log",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(
        f"all protected fields are under key {report.active_key_id} "
        f"({report.total} re-encrypted in {report.batches} batches)"
    )


def seed_demo(settings: Settings) -> list[tuple[str, str, str]]:
    """Create the demo practice once; returns (role, email, password) rows."""
    return _run(settings, lambda session: seed(session=session, settings=settings))


def _print_demo(logins: list[tuple[str, str, str]]) -> None:
    typer.echo("Demo logins (demo data only, never for real records):")
    for role, email, password in logins:
        typer.echo(f"  {role:<11} {email:<28} {password}")


def _guarded(action: Callable[[], None]) -> None:
    """Turn domain errors into a one-line message and exit status 1."""
    try:
        action()
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None


# What an unreachable or refusing database raises, before any statement has run.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    OperationalError,
    InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.InvalidAuthorizationSpecificationError,
)


# SQLSTATEs of a server that refuses the connection: no such database (3D000), and
# authentication (class 28: a wrong password, an unknown user, no pg_hba entry).
_REFUSING = ("3D000", "28")


def _refused_connection(exc: DBAPIError) -> bool:
    """Whether the server refused the connection itself (rather than a statement)."""
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    return state.startswith(_REFUSING)


def main() -> None:
    """The notes-api command: a database it cannot reach is a one-line error, exit status 2."""
    try:
        app(args=sys.argv[1:])
    except _UNREACHABLE as exc:
        cause = exc.orig if isinstance(exc, OperationalError | InterfaceError) else exc
        typer.echo(f"error: cannot use the database: {type(cause).__name__}: {cause}", err=True)
        sys.exit(2)
    except DBAPIError as exc:
        if not _refused_connection(exc):
            raise
        typer.echo(f"error: cannot use the database: {exc.orig}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
