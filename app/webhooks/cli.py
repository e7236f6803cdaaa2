"""`notes-api webhooks deliver` and `notes-api events purge`."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from app.config import get_settings
from app.db import create_engine
from app.feed import service as feed
from app.logging import configure_logging
from app.webhooks import service as webhooks
from app.webhooks.backlog import fan_out_lag
from app.webhooks.process import run_forever

webhooks_app = typer.Typer(help="Webhook delivery", no_args_is_help=True)
events_app = typer.Typer(help="The change feed", no_args_is_help=True)


@webhooks_app.command()
def deliver() -> None:
    """Run the webhook deliverer until SIGTERM (several may run against PostgreSQL)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=None))


@webhooks_app.command()
def backlog(
    max_lag: Annotated[
        float, typer.Option(help="Exit 1 when fan-out is this many seconds behind the feed")
    ] = 60.0,
) -> None:
    """How far the deliverer's fan-out is behind the feed (its health check)."""
    settings = get_settings()

    async def main() -> float:
        engine = create_engine(settings, pool_size=1)
        try:
            async with engine.connect() as conn:
                return await fan_out_lag(conn)
        finally:
            await engine.dispose()

    lag = asyncio.run(main())
    typer.echo(f"fan-out lag {lag:.1f} s")
    if lag > max_lag:
        raise typer.Exit(1)


@events_app.command()
def purge(
    older_than_days: Annotated[
        int, typer.Option(min=feed.MIN_RETENTION_DAYS, help="Keep at least this many days")
    ] = feed.MIN_RETENTION_DAYS,
) -> None:
    """Delete feed events, and settled webhook deliveries, older than N days (at least 30)."""
    settings = get_settings()

    async def main() -> tuple[int, int]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as conn:
                events = await feed.purge(conn, older_than_days=older_than_days)
                deliveries = await webhooks.purge_deliveries(conn, older_than_days=older_than_days)
                return events, deliveries
        finally:
            await engine.dispose()

    events, deliveries = asyncio.run(main())
    typer.echo(
        f"{events} feed events and {deliveries} settled webhook deliveries "
        f"older than {older_than_days} days deleted"
    )
