"""`notes-api events purge` keeps 30 days at least; `webhooks backlog` reports fan-out lag."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col
from typer.testing import CliRunner

from app.cli import app as cli
from app.db import utcnow, uuid7
from app.models import FeedEvent, WebhookAttempt, WebhookDelivery
from app.state import AppState
from app.webhooks import service as webhooks
from tests.conftest import World

runner = CliRunner()


def env(state: AppState) -> dict[str, str]:
    """The suite's database and data folder, for the command."""
    return {
        "NOTES_DATABASE_URL": state.settings.plain_database_url,
        "NOTES_DATA_DIR": str(state.settings.data_dir),
        "NOTES_LOG_LEVEL": "WARNING",
    }


async def old_deliveries(state: AppState, world: World) -> list[uuid.UUID]:
    """Three deliveries: settled and old, pending and old, settled and recent."""
    async with state.sessionmaker() as db:
        endpoint, _ = await webhooks.create_endpoint(
            session=db,
            ring=state.secrets.key_ring,
            practice_id=world.practice_id,
            url="http://127.0.0.1:9/hooks",
            types=["client.created"],
            description=None,
        )
        made = []
        for status, age in (("succeeded", 40), ("pending", 40), ("failed", 20)):
            at = utcnow() - timedelta(days=age)
            delivery = WebhookDelivery(
                practice_id=world.practice_id,
                endpoint_id=endpoint.id,
                position=0,
                event_type="client.created",
                payload="{}",
                status=status,
                created_at=at,
                next_attempt_at=at,
            )
            db.add(delivery)
            await db.flush()
            db.add(
                WebhookAttempt(
                    practice_id=world.practice_id,
                    delivery_id=delivery.id,
                    attempted_at=at,
                    duration_ms=1,
                    outcome="success",
                )
            )
            made.append(delivery.id)
        await db.commit()
    return made


async def test_purge_drops_only_events_past_the_retention(state: AppState, world: World) -> None:
    old, recent = uuid7(), uuid7()
    async with state.sessionmaker() as db:
        for event_id, age, position in ((old, 40, 10_001), (recent, 20, 10_002)):
            db.add(
                FeedEvent(
                    id=event_id,
                    practice_id=world.practice_id,
                    position=position,
                    type="client.updated",
                    occurred_at=utcnow() - timedelta(days=age),
                    resource_type="client",
                    resource_id=uuid.uuid4(),
                    actor_type="system",
                )
            )
        await db.commit()
    deliveries = await old_deliveries(state, world)
    refused = await asyncio.to_thread(
        runner.invoke, cli, ["events", "purge", "--older-than-days", "29"], env=env(state)
    )
    assert refused.exit_code == 2
    done = await asyncio.to_thread(
        runner.invoke, cli, ["events", "purge", "--older-than-days", "30"], env=env(state)
    )
    assert done.exit_code == 0, done.output
    assert "deleted" in done.output
    async with state.sessionmaker() as db:
        left = await db.execute(
            select(col(WebhookDelivery.id)).where(col(WebhookDelivery.id).in_(deliveries))
        )
        assert set(left.scalars()) == {deliveries[1], deliveries[2]}
        kept = await db.execute(
            select(col(FeedEvent.id)).where(col(FeedEvent.id).in_([old, recent]))
        )
        assert list(kept.scalars()) == [recent]


async def test_backlog_reports_the_fan_out_lag(state: AppState) -> None:
    result = await asyncio.to_thread(
        runner.invoke, cli, ["webhooks", "backlog", "--max-lag", "1000000000"], env=env(state)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("fan-out lag ")
