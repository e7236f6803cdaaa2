"""The sequencer: gapless, commit-visibility order, never renumbers, single, observable."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from app.audit.ledger import events
from app.audit.ledger.sequencer import LOCK_KEY, _local_lock, sequence_pass, write_checkpoint
from app.audit.ledger.tree import EVENT, LEAF
from app.db import utcnow
from app.state import AppState
from tests.audit.conftest import Spec, seed, sequence_now
from tests.conftest import World
from tests.waiting import eventually


async def seqs(state: AppState, ids: list[object]) -> list[int | None]:
    async with state.engine.connect() as conn:
        rows = dict(
            (
                await conn.execute(
                    sa.select(LEAF.c.event_id, LEAF.c.seq).where(LEAF.c.event_id.in_(ids))
                )
            ).all()
        )
    return [rows.get(i) for i in ids]


async def all_seqs(state: AppState) -> list[int]:
    async with state.engine.connect() as conn:
        return list((await conn.execute(sa.select(LEAF.c.seq).order_by(LEAF.c.seq))).scalars())


async def test_late_commit_gets_the_next_number(state: AppState, world: World) -> None:
    actor = world["therapist"].id
    early = await seed(state, world.practice_id, [Spec(actor_id=actor)] * 3)
    await sequence_now(state)
    numbered = await seqs(state, list(early))
    # An event that "happened" an hour ago but commits only now.
    [late] = await seed(
        state, world.practice_id, [Spec(actor_id=actor, at=utcnow() - timedelta(hours=1))]
    )
    await sequence_now(state)
    assert await seqs(state, list(early)) == numbered  # never renumbered
    [late_seq] = await seqs(state, [late])
    assert late_seq is not None
    assert late_seq > max(s for s in numbered if s is not None)
    everything = await all_seqs(state)
    assert everything == list(range(len(everything)))  # gapless


async def test_background_task_sequences_and_reports(
    app: FastAPI, state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    [event_id] = await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])

    async def sequenced() -> bool:
        return (await seqs(state, [event_id]))[0] is not None

    await eventually(sequenced)  # by the app's own background task
    assert await app.state.readiness_checks["audit_sequencer"]() == "ok"
    ready = await client.get("/health/ready")
    assert ready.json()["checks"]["audit_sequencer"] == "ok"
    text = (await client.get("/metrics")).text
    for name in (
        "notes_audit_sequencer_lag_seconds",
        "notes_audit_unsequenced_events",
        "notes_audit_tree_size",
    ):
        assert name in text


async def test_checkpoints_at_most_every_interval(state: AppState, world: World) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    await sequence_now(state)
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    key = events.seal_key(state.secrets.signing_key)
    await sequence_pass(state.engine, key=key, since=None, wait=True)
    made = await write_checkpoint(
        state.engine,
        signing_key=state.secrets.signing_key,
        origin=state.settings.service_name,
        interval=3600,
        wait=True,
    )
    assert made is None  # grew, but the last checkpoint is younger than the interval


async def test_one_sequencer_at_a_time(state: AppState, backend: str, world: World) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    key = events.seal_key(state.secrets.signing_key)
    if backend == "postgresql":
        async with state.engine.begin() as holder:
            await holder.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
            result = await sequence_pass(state.engine, key=key, since=None)
    else:
        async with _local_lock(state.engine):
            result = await sequence_pass(state.engine, key=key, since=None)
    assert result.locked_out
    assert result.sequenced == 0


async def test_concurrent_writers_and_sequencers(state: AppState, world: World) -> None:
    key = events.seal_key(state.secrets.signing_key)
    actor = world["therapist"].id

    async def writer() -> None:
        for _ in range(5):
            await seed(state, world.practice_id, [Spec(actor_id=actor)] * 4)

    async def sequencer() -> None:
        for _ in range(5):
            await sequence_pass(state.engine, key=key, since=None, wait=True, batch=3)

    await asyncio.gather(writer(), writer(), sequencer(), sequencer())
    await sequence_now(state)
    everything = await all_seqs(state)
    assert everything == list(range(len(everything)))
    async with state.engine.connect() as conn:
        unsequenced = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(EVENT)
                .where(~sa.exists().where(LEAF.c.event_id == EVENT.c.id))
            )
        ).scalar_one()
    assert unsequenced >= 0  # the live app keeps adding events; none of ours is left
    mine = await seqs(state, list(await _events_of(state, world)))
    assert None not in mine


async def _events_of(state: AppState, world: World) -> list[object]:
    async with state.engine.connect() as conn:
        return list(
            (
                await conn.execute(
                    sa.select(EVENT.c.id).where(EVENT.c.practice_id == world.practice_id)
                )
            ).scalars()
        )


@pytest.mark.parametrize("interval", [0.2])
async def test_readiness_reports_lag(app: FastAPI, interval: float) -> None:
    sequencer = app.state.sequencer
    assert sequencer.interval == interval

    async def first_pass_done() -> bool:  # until then it is "ok" whatever the lag says
        return sequencer._last_ok is not None and sequencer.readiness() == "ok"

    await eventually(first_pass_done)
    saved = sequencer.lag
    try:
        sequencer.lag = 3600.0
        assert sequencer.readiness().startswith("lagging")
    finally:
        sequencer.lag = saved
