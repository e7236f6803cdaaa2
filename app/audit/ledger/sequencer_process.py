"""The audit sequencer in a process of its own: run it, and supervise it from the API server.

On PostgreSQL `notes-api serve` starts `python -m app.audit.ledger.sequencer_process` beside the
API (docs/audit.md, "The sequencer"): hashing inside the API's one event loop took CPU
from every request (docs/adr/0005-audit-sequencer-process.md). The
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
from typing import Final

from app.audit.ledger.sequencer import Sequencer
from app.config import Settings, get_settings
from app.db import create_engine
from app.logging import configure_logging
from app.security.secrets import load_secrets

log = logging.getLogger("notes.audit.sequencer")

RESTART_DELAY: Final = 1.0
MAX_RESTART_DELAY: Final = 30.0
STEADY_AFTER: Final = 10.0  # a child that ran this long is restarted after RESTART_DELAY
STOP_TIMEOUT: Final = 10.0
SEQUENCER_POOL: Final = 2  # a pass holds one connection; a checkpoint may want another


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

    def __init__(self, command: list[str] | None = None, name: str = "audit sequencer") -> None:
        """The command to run (default: this module, told the server's pid)."""
        self.name = name
        # This module rather than `notes-api audit sequencer`: the CLI imports the whole
        # API (FastAPI, every router), memory that a sequencer never uses.
        self.command = command or [
            sys.executable,
            "-m",
            "app.audit.ledger.sequencer_process",
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
            log.warning("%s exited with %s; restarting in %.0f s", self.name, code, delay)
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
    """`python -m app.audit.ledger.sequencer_process [--parent-pid PID]` (`notes-api serve`)."""
    parser = argparse.ArgumentParser(description="Run the audit sequencer until SIGTERM.")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(run_forever(settings, parent=args.parent_pid))


if __name__ == "__main__":
    main()
