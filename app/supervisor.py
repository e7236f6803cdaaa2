"""Child processes beside the API server (the audit sequencer, the webhook deliverer).

Each runs as `python -m <module>` rather than a `notes-api` command: the CLI imports the
whole API (FastAPI, every router), memory that these processes never use.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from typing import Final

log = logging.getLogger("notes.supervisor")

RESTART_DELAY: Final = 1.0
MAX_RESTART_DELAY: Final = 30.0
STEADY_AFTER: Final = 10.0  # a child that ran this long is restarted after RESTART_DELAY
STOP_TIMEOUT: Final = 10.0


def orphaned(parent: int | None) -> bool:
    """Whether the process that started us (pid ``parent``) is gone."""
    return parent is not None and os.getppid() != parent


def child_command(module: str) -> list[str]:
    """`python -m module --parent-pid <this pid>`: a child that stops when we are gone."""
    return [sys.executable, "-m", module, "--parent-pid", str(os.getpid())]


class Supervisor:
    """Keeps one child process running beside the API server, restarted when it exits."""

    def __init__(self, command: list[str] | None = None, name: str = "audit sequencer") -> None:
        """The command to run (default: the audit sequencer, told the server's pid)."""
        self.name = name
        self.command = command or child_command("app.audit.ledger.sequencer_process")
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name=f"{name} supervisor", daemon=True)

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
