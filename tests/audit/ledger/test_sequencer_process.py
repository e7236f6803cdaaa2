"""The sequencer in a process of its own: the API watches its backlog; the process runs."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app import metrics
from app.audit.ledger import events
from app.audit.ledger.sequencer import sequence_pass, write_checkpoint
from app.audit.ledger.watch import read_backlog
from app.config import Settings
from app.db import utcnow
from app.main import create_app
from app.state import AppState
from app.supervisor import Supervisor
from tests.audit.conftest import Spec, seed
from tests.conftest import make_settings
from tests.reliability.service import server_env
from tests.scratch_database import scratch_database
from tests.waiting import eventually, eventually_sync


@pytest.fixture(scope="module")
def external_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A fresh database whose API runs no sequencer: another process is meant to."""
    with scratch_database(backend, tmp_path_factory.mktemp("external-db")) as url:
        yield make_settings(tmp_path_factory.mktemp("external"), url, sequencer="external")


@pytest.fixture
def own_external_settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """Likewise, but for one test alone: the backlog counts only events newer than the newest
    sequenced one, so what another test sequenced there would hide the events seeded here."""
    with scratch_database(backend, tmp_path) as url:
        yield make_settings(tmp_path, url, sequencer="external")


@asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def external_app(external_settings: Settings) -> AsyncIterator[FastAPI]:
    """The API in "external" mode, its lifespan running."""
    async with _running(external_settings) as application:
        yield application


@pytest.fixture
async def own_external_app(own_external_settings: Settings) -> AsyncIterator[FastAPI]:
    """The same on a database of the test's own."""
    async with _running(own_external_settings) as application:
        yield application


def _state(app: FastAPI) -> AppState:
    state: AppState = app.state.services
    return state


async def _sequence(state: AppState) -> None:
    key = events.seal_key(state.secrets.signing_key)
    await sequence_pass(state.engine, key=key, since=None, wait=True)


async def _ready(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get("/health/ready")


async def _metric(app: FastAPI, name: str) -> float:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        text = (await client.get("/metrics")).text
    [line] = [x for x in text.splitlines() if x.startswith(name + " ")]
    return float(line.split()[1])


async def test_external_mode_reads_the_backlog_from_the_database(
    own_external_app: FastAPI,
) -> None:
    external_app = own_external_app
    state = _state(external_app)
    assert not hasattr(external_app.state, "sequencer")  # no task in this process
    await _sequence(state)
    ready = await _ready(external_app)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["audit_sequencer"] == "ok"

    # Three events a minute old that nobody numbered: the sequencer is down or stuck.
    minute_ago = utcnow() - timedelta(seconds=60)
    await seed(state, None, [Spec(at=minute_ago + timedelta(milliseconds=i)) for i in range(3)])
    backlog = await read_backlog(state.engine)
    assert backlog.waiting == 3
    assert 59 <= backlog.lag < 120
    ready = await _ready(external_app)
    assert ready.status_code == 503
    assert ready.json()["checks"]["audit_sequencer"].startswith("lagging 6")
    assert await _metric(external_app, "notes_audit_sequencer_lag_seconds") >= 59
    assert await _metric(external_app, "notes_audit_unsequenced_events") == 3

    await _sequence(state)  # a sequencer elsewhere catches up, and signs
    assert await read_backlog(state.engine) == type(backlog)(0, 0.0)
    assert (await _ready(external_app)).status_code == 200
    assert await _metric(external_app, "notes_audit_sequencer_lag_seconds") == 0
    signed = await write_checkpoint(
        state.engine,
        signing_key=state.secrets.signing_key,
        origin=state.settings.service_name,
        interval=0.0,
    )
    assert signed is not None
    metrics.TREE_SIZE.set(0)  # signed in this process here; in production, in another one
    assert await _metric(external_app, "notes_audit_tree_size") == signed["tree_size"] > 0

    # A fresh event waits a moment, which is no lag worth reporting.
    await seed(state, None, [Spec()])
    fresh = await read_backlog(state.engine)
    assert fresh.waiting == 1
    assert fresh.lag < 5
    assert (await _ready(external_app)).status_code == 200
    await _sequence(state)


async def test_off_mode_has_no_sequencer_check(external_settings: Settings) -> None:
    application = create_app(external_settings.model_copy(update={"sequencer": "off"}))
    async with application.router.lifespan_context(application):
        ready = await _ready(application)
    assert "audit_sequencer" not in ready.json()["checks"]


CLI = ("app.cli", "audit", "sequencer")  # what an operator runs
MODULE = ("app.audit.ledger.sequencer_process",)  # what `notes-api serve` runs (a lighter import)


def _cli(settings: Settings, *args: str, command: tuple[str, ...] = CLI) -> subprocess.Popen[bytes]:
    env = {**os.environ, **server_env(settings)}
    with (settings.data_dir / "sequencer.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", *command, *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.parametrize("command", [CLI, MODULE], ids=["cli", "module"])
@pytest.mark.slow
async def test_sequencer_command_sequences_until_terminated(
    external_app: FastAPI, command: tuple[str, ...]
) -> None:
    state = _state(external_app)
    await seed(state, None, [Spec() for _ in range(5)])
    assert (await read_backlog(state.engine)).waiting == 5
    process = _cli(state.settings, command=command)
    try:

        async def caught_up() -> bool:
            return (await read_backlog(state.engine)).waiting == 0

        await eventually(caught_up)
        assert process.poll() is None  # still running, waiting for more
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("command", [CLI, MODULE], ids=["cli", "module"])
@pytest.mark.slow
def test_sequencer_command_stops_when_its_launcher_is_gone(
    external_settings: Settings, command: tuple[str, ...]
) -> None:
    # --parent-pid names a process that is not its parent: as if the launcher died first.
    process = _cli(external_settings, "--parent-pid", "1", command=command)
    assert process.wait(timeout=60) == 0


@pytest.mark.slow
def test_supervisor_restarts_a_child_that_exits_ever_more_slowly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    starts = tmp_path / "starts"
    # Each child writes when it started and when it is about to exit, then exits at once.
    script = (
        f"import time; log = open({str(starts)!r}, 'a', buffering=1); "
        "log.write(f'start {time.monotonic()}\\n'); time.sleep(0.3); "
        "log.write(f'exit {time.monotonic()}\\n')"
    )

    def lines() -> list[tuple[str, float]]:
        text = starts.read_text() if starts.exists() else ""
        return [(kind, float(at)) for kind, at in (line.split() for line in text.splitlines())]

    def third_start() -> bool:
        return [kind for kind, _ in lines()].count("start") >= 3

    supervisor = Supervisor([sys.executable, "-c", script])
    with caplog.at_level(logging.WARNING, logger="notes.supervisor"):
        supervisor.start()
        try:
            eventually_sync(third_start)  # the start lines themselves, not the restarts
        finally:
            supervisor.stop()
    # Stopped: its watcher is done, so nothing is ever started again.
    supervisor._thread.join(timeout=30)
    assert not supervisor._thread.is_alive()
    seen = lines()
    assert [kind for kind, _ in seen[:5]] == ["start", "exit", "start", "exit", "start"]
    # Each child died at once: the waits double (2 s, then 4 s) rather than spin. Measured
    # from a child's last line to the next one's first, which only the wait can shorten.
    (_, exit1), (_, start2), (_, exit2), (_, start3) = seen[1:5]
    assert start2 - exit1 >= 2.0
    assert start3 - exit2 >= 4.0
    delays = [r.getMessage() for r in caplog.records if "restarting in" in r.getMessage()]
    assert [d.rsplit(" in ", 1)[1] for d in delays[:2]] == ["2 s", "4 s"]
    assert supervisor.process is not None
    assert supervisor.process.poll() is not None
    assert lines() == seen


@pytest.mark.slow
def test_supervisor_stop_terminates_a_running_child() -> None:
    supervisor = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor.start()
    assert supervisor.process is not None
    assert supervisor.process.poll() is None
    supervisor.stop()
    assert supervisor.process.poll() == -signal.SIGTERM
