"""`notes-api audit …`: verify, checkpoint, sequencer and export, straight from the database."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import sqlalchemy as sa
import typer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from app.audit.api import export as exporter
from app.audit.ledger import events
from app.audit.ledger.checkpoint import public_key_raw
from app.audit.ledger.sequencer import run_once
from app.audit.ledger.sequencer_process import run_forever
from app.audit.ledger.verify import verify_log
from app.audit.ledger.watch import LAG_LIMIT, read_backlog
from app.audit.operator import record_operator_action
from app.config import Settings, configuration_problem, get_settings
from app.db import create_engine
from app.logging import configure_logging
from app.models import Practice
from app.security.secrets import ConfigurationError, Secrets, load_secrets

app = typer.Typer(
    help="The confidentiality access log.", no_args_is_help=True, add_completion=False
)
T = TypeVar("T")


def _config() -> tuple[Settings, Secrets]:
    try:
        settings = get_settings()
        return settings, load_secrets(settings)
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"error: {configuration_problem(exc)}", err=True)
        raise typer.Exit(2) from None


def _with_engine(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = create_engine(settings)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _instant(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("not an RFC 3339 timestamp", param_hint=name) from None
    if parsed.tzinfo is None:
        raise typer.BadParameter("give an offset, e.g. 2026-11-01T00:00:00Z", param_hint=name)
    return parsed


@app.command()
def verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            exists=True,
            dir_okay=False,
            help="A checkpoint saved earlier (JSON): its root must match, and a shorter log "
            "is reported as truncated.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes checking leaves on large logs (default: CPUs)")
    ] = os.cpu_count() or 1,
) -> None:
    """Recompute every leaf, node and signed root; exit 1 naming the first bad event."""
    settings, secrets = _config()
    saved: dict[str, Any] | None = None
    if checkpoint is not None:
        try:
            saved = json.loads(checkpoint.read_text())
        except (OSError, ValueError):
            typer.echo("cannot read the checkpoint file as JSON", err=True)
            raise typer.Exit(2) from None

    async def work(engine: AsyncEngine) -> dict[str, Any]:
        async with engine.connect() as conn:
            key = secrets.signing_key
            report = await verify_log(
                conn,
                seal_key=events.seal_key(key),
                public_key=public_key_raw(key),
                origin=settings.service_name,
                saved=saved,
                workers=workers,
            )
        return report.as_dict()

    started = time.perf_counter()
    result = _with_engine(settings, work)
    typer.echo(json.dumps(result, indent=2))
    seconds = time.perf_counter() - started
    if result["problems"]:
        first = result["problems"][0]
        typer.echo(
            f"FAILED: first bad event seq={first['seq']} event_id={first['event_id']} "
            f"({first['kind']}); {len(result['problems'])} problem(s)",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"OK: {result['checked']} events verified in {seconds:.1f}s", err=True)


@app.command("checkpoint")
def make_checkpoint() -> None:
    """Sequence every committed event, sign a checkpoint, print the latest one (JSON)."""
    settings, secrets = _config()
    latest = _with_engine(
        settings,
        lambda engine: run_once(engine, settings=settings, signing_key=secrets.signing_key),
    )
    if latest is None:
        typer.echo("the log is empty: no checkpoint", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(latest, indent=2))


@app.command("sequencer")
def sequencer(
    parent_pid: Annotated[
        int | None, typer.Option(help="Stop when this process (the launcher) is gone")
    ] = None,
) -> None:
    """Run the audit sequencer in the foreground until SIGTERM or Ctrl-C (one per deployment)."""
    settings, _ = _config()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=parent_pid))


@app.command("backlog")
def backlog(
    max_lag: Annotated[
        float, typer.Option(help="Exit 1 when the oldest waiting event is older (seconds)")
    ] = LAG_LIMIT,
) -> None:
    """Print how many events wait for the sequencer and for how long (a health check)."""
    settings, _ = _config()
    waiting = _with_engine(settings, read_backlog)
    typer.echo(f"{waiting.waiting} events waiting, oldest {waiting.lag:.1f}s")
    if waiting.lag > max_lag:
        raise typer.Exit(1)


@app.command("export")
def export_log(
    format: Annotated[str, typer.Option(help="ndjson, csv or fhir")] = "ndjson",
    start: Annotated[str | None, typer.Option("--from", help="Inclusive, RFC 3339")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Exclusive, RFC 3339")] = None,
    practice: Annotated[
        uuid.UUID | None,
        typer.Option(help="Only this practice (others' leaves become redacted stubs)"),
    ] = None,
) -> None:
    """Write the log to stdout in seq order (every practice unless --practice)."""
    if format not in exporter.MEDIA_TYPES:
        raise typer.BadParameter("ndjson, csv or fhir", param_hint="--format")
    settings, _ = _config()
    spec = exporter.ExportSpec(
        fmt=cast(exporter.Format, format),
        practice_id=practice,
        start=_instant(start, "--from"),
        end=_instant(end, "--to"),
        observer=settings.service_name,
    )

    async def work(engine: AsyncEngine) -> None:
        await _record_export(engine, practice)
        out = sys.stdout.buffer
        async for chunk in exporter.export_stream(engine, spec):
            out.write(chunk)
        out.flush()

    _with_engine(settings, work)


async def _record_export(engine: AsyncEngine, practice: uuid.UUID | None) -> None:
    """Every practice whose log leaves is told so, as by the API's export: one operator
    event each, committed before the first line is written (SPEC §6, §2.1)."""
    async with AsyncSession(engine) as session:
        if practice is not None and await session.get(Practice, practice) is None:
            raise typer.BadParameter("no such practice", param_hint="--practice")
        practices = (
            [practice]
            if practice is not None
            else list((await session.execute(sa.select(col(Practice.id)))).scalars())
        )
        for practice_id in practices:
            await record_operator_action(
                session,
                command="audit export",
                action="audit.export",
                practice_id=practice_id,
                resource_type="audit_event",
                resource_id=None,
            )
        await session.commit()
