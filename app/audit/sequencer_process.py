"""The audit sequencer in a process of its own: run it, supervise it, watch it from the API.

On PostgreSQL `notes-api serve` starts `python -m app.audit.sequencer_process` beside the
API (docs/audit.md, "The sequencer"): hashing a thousand events a second inside the API's
one event loop cost GET note about a sixth of its throughput (docs/performance.md). The
advisory lock still keeps one sequencer working across replicas; the API's readiness and
metrics read the backlog from the database, so they also see a sequencer that died.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import metrics
from app.audit.sequencer import LAG_LIMIT, Sequencer
from app.audit.tree import CHECKPOINT, EVENT, LEAF
from app.config import Settings, get_settings
from app.db import create_engine, utcnow
from app.logging import configure_logging
from app.security.secrets import load_secrets

log = logging.getLogger("notes.audit.sequencer")

RESTART_DELAY: Final = 1.0
MAX_RESTART_DELAY: Final = 30.0
STEADY_AFTER: Final = 10.0  # a child that ran this long is restarted after RESTART_DELAY
STOP_TIMEOUT: Final = 10.0
SEQUENCER_POOL: Final = 2  # a pass holds one connection; a checkpoint may want another

# Events after the newest sequenced one that have no leaf yet: the backlog. Bounded by the
# backlog itself (index on occurred_at, a probe of audit_leaf's unique event_id per row), so
# a readiness probe stays cheap under load. Late commits older than the newest sequenced
# event are the sequencer's look-back's business (picked up within 5 s).
_NEWEST = (
    sa.select(EVENT.c.occurred_at)
    .join(LEAF, LEAF.c.event_id == EVENT.c.id)
    .order_by(LEAF.c.seq.desc())
    .limit(1)
    .scalar_subquery()
)
BACKLOG: Final = sa.select(sa.func.min(EVENT.c.occurred_at), sa.func.count()).where(
    ~sa.exists().where(LEAF.c.event_id == EVENT.c.id),
    sa.or_(_NEWEST.is_(None), EVENT.c.occurred_at >= _NEWEST),
)


@dataclass(frozen=True)
class Backlog:
    """Committed events still waiting for a sequence number."""

    waiting: int
    lag: float


# The newest checkpoint's tree size (the sequencer process publishes it in its own metrics).
SIGNED_SIZE: Final = sa.select(sa.func.max(CHECKPOINT.c.tree_size))


async def read_backlog(engine: AsyncEngine, now: datetime | None = None) -> Backlog:
    """How many events wait and how long the oldest of them has waited, from the database."""
    async with engine.connect() as conn:
        return await _backlog(conn, now)


async def _backlog(conn: AsyncConnection, now: datetime | None = None) -> Backlog:
    oldest, waiting = (await conn.execute(BACKLOG)).one()
    if oldest is None:
        return Backlog(0, 0.0)
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=(now or utcnow()).tzinfo)
    lag = max(0.0, ((now or utcnow()) - oldest).total_seconds())
    return Backlog(int(waiting), lag)


class SequencerWatch:
    """The API's view of a sequencer that runs elsewhere: readiness and metrics."""

    def __init__(self, engine: AsyncEngine) -> None:
        """Watch the log of this engine's database."""
        self.engine = engine

    async def observe(self) -> Backlog:
        """Read the backlog and the signed tree size; publish them as the sequencer's metrics."""
        async with self.engine.connect() as conn:
            backlog = await _backlog(conn)
            signed = (await conn.execute(SIGNED_SIZE)).scalar_one()
        metrics.TREE_SIZE.set(signed or 0)
        metrics.SEQUENCER_LAG.set(backlog.lag)
        metrics.UNSEQUENCED.set(backlog.waiting)
        return backlog

    async def readiness(self) -> str:
        """'ok', or how far behind the log is."""
        try:
            backlog = await self.observe()
        except Exception as exc:  # noqa: BLE001 - not ready, whatever the cause
            return f"unknown ({type(exc).__name__})"
        if backlog.lag > LAG_LIMIT:
            return f"lagging {backlog.lag:.0f}s behind ({backlog.waiting} events)"
        return "ok"


def orphaned(parent: int | None) -> bool:
    """Whether the process that started us (pid ``parent``) is gone."""
    return parent is not None and os.getppid() != parent


async def run_forever(settings: Settings, *, parent: int | None) -> None:
    """Sequence and checkpoint until SIGTERM or SIGINT, or until process ``parent`` is gone."""
    if orphaned(parent):  # killed while we were starting
        return
    secrets = load_secrets(settings)
    # Its own connections, named apart from the API's pool in pg_stat_activity.
    engine = create_engine(
        settings, pool_size=SEQUENCER_POOL, application_name=f"{settings.service_name} sequencer"
    )
    sequencer = Sequencer(engine=engine, settings=settings, signing_key=secrets.signing_key)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    sequencer.start()
    log.info("audit sequencer running", extra={"pid": os.getpid()})
    try:
        while not stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=sequencer.tick)
            # Killed with -9, the parent cannot stop us; its successor starts its own.
            if orphaned(parent):
                log.warning("audit sequencer: parent %d gone, stopping", parent)
                break
    finally:
        await sequencer.stop()
        await engine.dispose()


class Supervisor:
    """Keeps one sequencer child process running beside the API server."""

    def __init__(self, command: list[str] | None = None) -> None:
        """The command to run (default: this module, told the server's pid)."""
        # This module rather than `notes-api audit sequencer`: the CLI imports the whole
        # API (FastAPI, every router), about 20 MB of RSS that a sequencer never uses.
        self.command = command or [
            sys.executable,
            "-m",
            "app.audit.sequencer_process",
            "--parent-pid",
            str(os.getpid()),
        ]
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._watch, name="sequencer-supervisor", daemon=True
        )

    def start(self) -> None:
        """Start the child and the thread that restarts it when it exits."""
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # A session of its own: Ctrl-C in a terminal reaches the server, which then
            # stops the child itself, instead of both racing to shut down.
            self.process = subprocess.Popen(self.command, start_new_session=True)  # noqa: S603 - our argv

    def _watch(self) -> None:
        delay = RESTART_DELAY
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():  # stopped by us: nothing to report or restart
                return
            # A child that dies at once (bad configuration, say) is retried ever more slowly.
            ran_long = time.monotonic() - started >= STEADY_AFTER
            delay = RESTART_DELAY if ran_long else min(delay * 2, MAX_RESTART_DELAY)
            log.warning("audit sequencer exited with %s; restarting in %.0f s", code, delay)
            if self._stopping.wait(delay):
                return
            self.restarts += 1
            self._spawn()

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after STOP_TIMEOUT) and do not restart it."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> None:
    """`python -m app.audit.sequencer_process [--parent-pid PID]`, as `notes-api serve` runs it."""
    parser = argparse.ArgumentParser(description="Run the audit sequencer until SIGTERM.")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=args.parent_pid))


if __name__ == "__main__":
    main()
