"""Start, probe, measure and stop a uvicorn server in a child process (floor or service).

    proc = start_server("bench.floor:app", port, {"FLOOR_POOL_SIZE": "10"}, workers=1)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/notes/x", proc=proc)
        ...  # drive load from another process
        rss = rss_bytes(proc.pid)  # master + worker processes
    finally:
        stop_server(proc)

or ``with running_server(...) as proc: ...``. The child runs in its own session (process group)
with the repository root as working directory, so ``bench.*`` and ``app.*`` import.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_argv(
    app_path: str,
    port: int,
    *,
    workers: int = 1,
    host: str = "127.0.0.1",
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The uvicorn command line :func:`start_server` runs."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app_path,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--app-dir",
        str(REPO_ROOT),
        "--no-access-log",
        "--log-level",
        "warning",
        *extra_args,
    ]


def start_server(
    app_path: str,
    port: int,
    env: Mapping[str, str],
    workers: int = 1,
    *,
    host: str = "127.0.0.1",
    extra_args: Sequence[str] = (),
    log_path: str | os.PathLike[str] | None = None,
    inherit_env: bool = True,
) -> subprocess.Popen[bytes]:
    """Start ``uvicorn app_path`` on ``host:port`` with ``workers`` processes.

    ``env`` is laid over this process's environment (or used alone with
    ``inherit_env=False``). Server output goes to ``log_path`` (appended) or is discarded.
    The child leads its own process group so :func:`stop_server` can reach the workers.
    """
    child_env = {**os.environ, **env} if inherit_env else dict(env)
    argv = uvicorn_argv(app_path, port, workers=workers, host=host, extra_args=extra_args)
    with contextlib.ExitStack() as stack:
        # The child keeps its own copy of the log descriptor; ours is closed on return.
        out: IO[bytes] | int = (
            stack.enter_context(open(log_path, "ab"))
            if log_path is not None
            else subprocess.DEVNULL
        )
        return subprocess.Popen(  # noqa: S603 - fixed argv built above
            argv,
            cwd=REPO_ROOT,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if log_path is not None else subprocess.DEVNULL,
            start_new_session=True,
        )


def wait_until_ready(
    url: str,
    timeout: float = 30.0,
    *,
    proc: subprocess.Popen[bytes] | None = None,
    interval: float = 0.1,
) -> int:
    """Poll ``url`` until it answers any HTTP status; return that status.

    Raises ``RuntimeError`` if ``proc`` exits first and ``TimeoutError`` after ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode} before ready")
            try:
                return client.get(url).status_code
            except httpx.TransportError:
                pass
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s")
            time.sleep(interval)


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm (field 2) may hold spaces/parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[1])


def descendant_pids(pid: int) -> list[int]:
    """All live descendants of ``pid`` (children, grandchildren, ...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def process_rss_bytes(pid: int) -> int:
    """VmRSS of one process from /proc/<pid>/status, in bytes (0 if gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # always reported in kB
    return 0


#: The processes `notes-api serve` keeps beside the API, by the module each runs.
HELPERS: dict[str, bytes] = {
    "audit sequencer": b"app.audit.ledger.sequencer_process",
    "webhook deliverer": b"app.webhooks.process",
}


def _helper(pid: int) -> str | None:
    """Which helper process ``pid`` is, if any."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    return next((name for name, module in HELPERS.items() if module in argv), None)


def rss_bytes(pid: int, *, include_children: bool = True) -> int:
    """Resident set size of the server ``pid``, plus its uvicorn workers by default.

    The helper processes beside it (sequencer, deliverer) are not counted here
    (``helper_rss_bytes`` reports each apart). A sum of VmRSS values: pages shared between
    master and workers are counted once per process, so with workers > 1 this overstates
    the real use somewhat.
    """
    children = descendant_pids(pid) if include_children else []
    return process_rss_bytes(pid) + sum(
        process_rss_bytes(p) for p in children if _helper(p) is None
    )


def helper_rss_bytes(pid: int) -> dict[str, int]:
    """Resident set size of each helper process beside the server ``pid``, by name."""
    found: dict[str, int] = {}
    for child in descendant_pids(pid):
        name = _helper(child)
        if name is not None:
            found[name] = found.get(name, 0) + process_rss_bytes(child)
    return found


def stop_server(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> int:
    """SIGTERM the server (uvicorn shuts down gracefully, stopping its workers), wait up to
    ``timeout`` s, then SIGKILL its process group. Returns the exit code (0 for a graceful
    shutdown after our SIGTERM; negative for death by another signal)."""
    graceful = False
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
            graceful = True
        except subprocess.TimeoutExpired:
            pass
    # Reap stragglers (workers) in the group the child leads, then the child itself.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    code = proc.wait(timeout=timeout)
    # A single-process uvicorn re-raises SIGTERM after its graceful shutdown: count it as clean.
    return 0 if graceful and code == -signal.SIGTERM else code


@contextmanager
def running_server(
    app_path: str,
    port: int,
    env: Mapping[str, str],
    workers: int = 1,
    *,
    ready_url: str | None = None,
    ready_timeout: float = 30.0,
    extra_args: Sequence[str] = (),
    log_path: str | os.PathLike[str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """:func:`start_server`, wait for ``ready_url`` (default ``/``), yield, always stop."""
    proc = start_server(app_path, port, env, workers, extra_args=extra_args, log_path=log_path)
    try:
        wait_until_ready(ready_url or f"http://127.0.0.1:{port}/", ready_timeout, proc=proc)
        yield proc
    finally:
        stop_server(proc)
