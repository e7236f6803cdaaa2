"""Closed-loop HTTP/1.1 load generator (asyncio + httpx), run as its own process.

    python -m bench.loadgen --url 'http://127.0.0.1:8001/notes/{id}' --method GET \\
        --connections 32 --duration 10 --warmup 2 \\
        --header 'Authorization: Bearer floor-token' --ids-file ids.txt

``{id}`` in the URL is replaced round-robin by the lines of ``--ids-file``. ``--connections``
worker coroutines each loop request -> full response over HTTP/1.1 keep-alive, so exactly that
many connections are open. With ``--client-mode per-connection`` (default) each worker owns a
one-connection ``httpx.AsyncClient``; with ``shared`` all use one client whose pool has
``max_connections=connections`` -- same traffic, but httpx's pool bookkeeping makes it ~3x more
CPU-hungry at 32 connections, which on a 2-core machine is CPU taken from the server.
Requests completing during the warmup are discarded. uvloop is used when installed. Prints ONE
JSON object on stdout (see :class:`LoadResult`).

Counting rules (shared with :mod:`bench.wrk_runner`): ``requests`` are responses received in the
measured window, whatever their status; latencies cover all of them; ``errors`` are transport
failures (connect/read/write/timeout) plus responses whose status is not 2xx/3xx;
``status_counts`` maps status (as a string) to count. The generator is closed-loop, so latency
percentiles suffer from coordinated omission: read them together with rps.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import itertools
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict

import httpx

ClientMode = Literal["per-connection", "shared"]
CLIENT_MODES: tuple[ClientMode, ...] = ("per-connection", "shared")


class LoadResult(TypedDict):
    """What every generator reports (one JSON object)."""

    generator: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    status_counts: dict[str, int]


@dataclass(frozen=True)
class LoadConfig:
    """One load run. ``headers`` are ``(name, value)`` pairs; ``ids`` feed ``{id}``."""

    url: str
    method: str = "GET"
    connections: int = 32
    duration: float = 10.0
    warmup: float = 2.0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    ids: tuple[str, ...] = ()
    timeout: float = 10.0
    #: httpx only. "per-connection": each worker owns a one-connection AsyncClient (default;
    #: ~3x less generator CPU per request). "shared": one AsyncClient whose pool holds
    #: ``connections`` connections (httpx's pool bookkeeping dominates at 32, see
    #: encode/httpx#3215).
    client_mode: ClientMode = "per-connection"
    # Only used by file-based runners (wrk, subprocess) to avoid re-serialising large inputs.
    body_file: str | None = None
    ids_file: str | None = None

    def has_header(self, name: str) -> bool:
        lowered = name.lower()
        return any(key.lower() == lowered for key, _ in self.headers)


def parse_header(raw: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``('Name', 'value')``."""
    name, sep, value = raw.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"header must look like 'Name: value', got {raw!r}")
    return name.strip(), value.strip()


def read_ids(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """Non-empty stripped lines of ``path``."""
    text = Path(path).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of an ascending sequence; 0.0 when empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def is_error_status(status: int) -> bool:
    return not 200 <= status < 400


def summarise(
    generator: str,
    latencies_s: Sequence[float],
    duration_s: float,
    status_counts: Counter[int],
    transport_errors: int,
) -> LoadResult:
    """Build a :class:`LoadResult` from raw samples (latencies in seconds)."""
    ordered = sorted(latencies_s)
    requests = len(ordered)
    status_errors = sum(n for status, n in status_counts.items() if is_error_status(status))
    return LoadResult(
        generator=generator,
        requests=requests,
        duration_s=round(duration_s, 3),
        rps=round(requests / duration_s, 1) if duration_s > 0 else 0.0,
        p50_ms=round(percentile(ordered, 50) * 1000, 3),
        p90_ms=round(percentile(ordered, 90) * 1000, 3),
        p99_ms=round(percentile(ordered, 99) * 1000, 3),
        max_ms=round((ordered[-1] if ordered else 0.0) * 1000, 3),
        errors=transport_errors + status_errors,
        status_counts={str(s): n for s, n in sorted(status_counts.items())},
    )


class _Recorder:
    def __init__(self) -> None:
        self.window_start = math.inf
        self.window_end = math.inf
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.transport_errors = 0

    def in_window(self, t: float) -> bool:
        return self.window_start <= t < self.window_end


async def run_load(config: LoadConfig) -> LoadResult:
    """Drive ``config`` against the server and return the summary (in-process)."""
    has_placeholder = "{id}" in config.url
    if has_placeholder and not config.ids:
        raise ValueError("URL contains {id} but no ids were given")
    urls: Iterator[str]
    if has_placeholder:
        head, _, tail = config.url.partition("{id}")
        urls = itertools.cycle([head + i + tail.replace("{id}", i) for i in config.ids])
    else:
        urls = itertools.repeat(config.url)

    headers = dict(config.headers)
    if config.body is not None and not config.has_header("content-type"):
        headers["Content-Type"] = "application/json"
    method = config.method.upper()
    body = config.body
    rec = _Recorder()
    clock = time.perf_counter
    shared = config.client_mode == "shared"

    def make_client(size: int) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        return httpx.AsyncClient(
            limits=limits, timeout=config.timeout, http1=True, http2=False, headers=headers
        )

    async def worker(client: httpx.AsyncClient | None, stop_at: float) -> None:
        async with contextlib.AsyncExitStack() as stack:
            if client is None:  # per-connection mode: this worker's own one-connection pool
                client = await stack.enter_async_context(make_client(1))
            while True:
                started = clock()
                if started >= stop_at:
                    return
                url = next(urls)
                try:
                    response = await client.request(method, url, content=body)
                except httpx.HTTPError:
                    if rec.in_window(clock()):
                        rec.transport_errors += 1
                    continue
                finished = clock()
                if rec.in_window(finished):
                    rec.latencies.append(finished - started)
                    rec.statuses[response.status_code] += 1

    async with contextlib.AsyncExitStack() as outer:
        shared_client = (
            await outer.enter_async_context(make_client(config.connections)) if shared else None
        )
        start = clock()
        rec.window_start = start + config.warmup
        rec.window_end = rec.window_start + config.duration
        tasks = [
            asyncio.create_task(worker(shared_client, rec.window_end))
            for _ in range(config.connections)
        ]
        await asyncio.gather(*tasks)
        measured = min(clock(), rec.window_end) - rec.window_start

    return summarise("httpx", rec.latencies, measured, rec.statuses, rec.transport_errors)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    # uvloop (installed with uvicorn[standard]) roughly halves the generator's CPU per request.
    if importlib.util.find_spec("uvloop") is None:
        return None
    import uvloop

    return uvloop.new_event_loop


def run_load_sync(config: LoadConfig) -> LoadResult:
    """Run :func:`run_load` on a fresh event loop (uvloop when available)."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(run_load(config))


def build_argv(config: LoadConfig, python: str | None = None) -> list[str]:
    """The command line that runs ``config`` with this module in a separate process."""
    argv = [
        python or sys.executable,
        "-m",
        "bench.loadgen",
        "--url",
        config.url,
        "--method",
        config.method,
        "--connections",
        str(config.connections),
        "--duration",
        str(config.duration),
        "--warmup",
        str(config.warmup),
        "--timeout",
        str(config.timeout),
        "--client-mode",
        config.client_mode,
    ]
    for name, value in config.headers:
        argv += ["--header", f"{name}: {value}"]
    if config.body_file is not None:
        argv += ["--body-file", config.body_file]
    elif config.body is not None:
        raise ValueError("build_argv needs config.body_file for a body")
    if config.ids_file is not None:
        argv += ["--ids-file", config.ids_file]
    elif config.ids:
        raise ValueError("build_argv needs config.ids_file for ids")
    return argv


def run_subprocess(config: LoadConfig, *, cwd: str | os.PathLike[str] | None = None) -> LoadResult:
    """Run the httpx generator as a child process and parse its JSON line."""
    workdir = Path(cwd) if cwd is not None else Path(__file__).resolve().parent.parent
    proc = subprocess.run(  # noqa: S603 - fixed argv
        build_argv(config),
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=config.warmup + config.duration + config.timeout + 60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"loadgen exited {proc.returncode}: {proc.stderr.strip()}")
    result: LoadResult = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def config_from_args(args: argparse.Namespace) -> LoadConfig:
    body = Path(args.body_file).read_bytes() if args.body_file else None
    ids = read_ids(args.ids_file) if args.ids_file else ()
    return LoadConfig(
        url=args.url,
        method=args.method.upper(),
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        headers=tuple(parse_header(h) for h in args.header),
        body=body,
        ids=ids,
        timeout=args.timeout,
        body_file=args.body_file,
        ids_file=args.ids_file,
        client_mode=args.client_mode,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--url", required=True, help="URL template; may contain {id}")
    parser.add_argument(
        "--method",
        default="GET",
        type=str.upper,
        choices=["GET", "POST", "PUT", "PATCH", "DELETE"],
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="discarded seconds first")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-request seconds")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument(
        "--client-mode",
        choices=CLIENT_MODES,
        default="per-connection",
        help="per-connection: one 1-connection AsyncClient per worker (default); "
        "shared: one AsyncClient with a pool of --connections",
    )
    parser.add_argument("--body-file", default=None, help="request body (sent as-is)")
    parser.add_argument("--ids-file", default=None, help="one id per line for {id}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.connections < 1 or args.duration <= 0 or args.warmup < 0:
        sys.stderr.write("connections must be >= 1, duration > 0, warmup >= 0\n")
        return 2
    try:
        config = config_from_args(args)
        if "{id}" in config.url and not config.ids:
            raise ValueError("--url contains {id}: --ids-file with at least one id is required")
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"loadgen: {exc}\n")
        return 2
    result = run_load_sync(config)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
