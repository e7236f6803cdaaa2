"""Measurements: alternating floor/service load runs, latency samples, RSS and sequencer lag."""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.loadgen import LoadConfig, LoadResult, percentile
from bench.server import helper_rss_bytes, rss_bytes
from bench.stack import Server, query
from bench.wrk_runner import run_preferred

MB = 1024 * 1024


@dataclass
class Row:
    """One line of the results table."""

    scenario: str
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        """``pass``, ``MISS`` or ``-`` (not judged)."""
        return "-" if self.ok is None else ("pass" if self.ok else "MISS")


@dataclass
class Tally:
    """Requests the service has answered so far (for the RSS-after-100k figure)."""

    served: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: LoadResult, warmup: float) -> None:
        """Count a run's measured requests plus the ones its warmup made (estimated)."""
        self.served += result["requests"] + int(result["rps"] * warmup)


def run_load(config: LoadConfig, prefer_wrk: bool) -> LoadResult:
    """One load run with wrk (1 thread) or, without it, the httpx generator process."""
    return run_preferred(config, prefer_wrk=prefer_wrk, wrk_threads=1)


def median_of(runs: Sequence[LoadResult], key: str) -> float:
    """The median of one figure over several runs."""
    return float(statistics.median(float(r[key]) for r in runs))  # type: ignore[literal-required]


def spread(runs: Sequence[LoadResult], key: str) -> float:
    """(max - min) / median of one figure, as a measure of run-to-run noise."""
    values = [float(r[key]) for r in runs]  # type: ignore[literal-required]
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def alternate(
    floor: LoadConfig,
    service: LoadConfig,
    *,
    rounds: int,
    prefer_wrk: bool,
    tally: Tally,
    settle: Callable[[], None],
    on_service_run: Callable[[datetime, datetime], None] | None = None,
) -> dict[str, Any]:
    """Floor, service, floor, service, ...: the medians, ratios and every run."""
    runs: dict[str, list[LoadResult]] = {"floor": [], "service": []}
    for _ in range(rounds):
        for side, config in (("floor", floor), ("service", service)):
            settle()
            started = datetime.now(UTC)
            result = run_load(config, prefer_wrk)
            runs[side].append(result)
            if side == "service":
                tally.add(result, config.warmup)
                if on_service_run is not None:
                    on_service_run(started, datetime.now(UTC))
    out: dict[str, Any] = {"runs": runs}
    for side in ("floor", "service"):
        out[side] = {
            "rps": median_of(runs[side], "rps"),
            "p50_ms": median_of(runs[side], "p50_ms"),
            "p99_ms": median_of(runs[side], "p99_ms"),
            "errors": sum(r["errors"] for r in runs[side]),
            "rps_spread": round(spread(runs[side], "rps"), 3),
            "generator": runs[side][0]["generator"],
        }
    out["rps_ratio"] = out["service"]["rps"] / out["floor"]["rps"] if out["floor"]["rps"] else 0
    out["p99_ratio"] = (
        out["service"]["p99_ms"] / out["floor"]["p99_ms"] if out["floor"]["p99_ms"] else 0
    )
    return out


def sample_latency(
    url: str | Sequence[str],
    headers: Mapping[str, str],
    *,
    count: int,
    max_seconds: float,
    warmup: int = 3,
) -> dict[str, Any]:
    """Sequential GETs (cycling through ``url``) on one connection: p50/p95/p99/max in ms."""
    urls = itertools.cycle([url] if isinstance(url, str) else url)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    with httpx.Client(headers=dict(headers), timeout=120) as client:
        for _ in range(warmup):
            client.get(next(urls))
        deadline = time.monotonic() + max_seconds
        while len(latencies) < count and time.monotonic() < deadline:
            target = next(urls)
            started = time.perf_counter()
            response = client.get(target)
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 50) * 1000, 2),
        "p95_ms": round(percentile(ordered, 95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 99) * 1000, 2),
        "max_ms": round((ordered[-1] if ordered else 0) * 1000, 2),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "bytes": len(response.content) if latencies else 0,
    }


def unsequenced(url: str) -> int:
    """Committed audit events that have no leaf yet."""
    sql = "SELECT (SELECT count(*) FROM audit_event) - (SELECT count(*) FROM audit_leaf)"
    rows = query(url, sql)
    return int(rows[0][0])


def sequencer_lag(url: str, start: datetime, end: datetime) -> dict[str, Any]:
    """Seconds from an event's commit-time stamp to its leaf, over the events of a window."""
    rows = query(
        url,
        """
        SELECT count(*),
               count(l.seq),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.sequenced_at - e.occurred_at)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM l.sequenced_at - e.occurred_at)),
               max(extract(epoch FROM l.sequenced_at - e.occurred_at))
        FROM audit_event e LEFT JOIN audit_leaf l ON l.event_id = e.id
        WHERE e.occurred_at >= $1 AND e.occurred_at < $2
        """,  # noqa: E501
        start,
        end,
    )
    total, done, p50, p99, worst = rows[0]
    return {
        "events": int(total),
        "sequenced": int(done),
        "p50_s": round(float(p50 or 0), 3),
        "p99_s": round(float(p99 or 0), 3),
        "max_s": round(float(worst or 0), 3),
    }


def _helpers_mb(pid: int) -> dict[str, float]:
    return {name: round(b / MB, 1) for name, b in helper_rss_bytes(pid).items()}


def soak(
    service: Server,
    configs: Sequence[LoadConfig],
    *,
    seconds: float,
    chunk: float,
    prefer_wrk: bool,
    tally: Tally,
    until_served: int,
) -> dict[str, Any]:
    """Load in chunks for ``seconds`` (then on until ``until_served``), sampling RSS after each."""
    pid = service.proc.pid
    first = {
        "t_s": 0.0,
        "served": float(tally.served),
        "rss_mb": rss_bytes(pid) / MB,
        "helpers_rss_mb": _helpers_mb(pid),
    }
    tally.samples.append(first)
    started = time.monotonic()
    soaked: list[dict[str, Any]] = [first]
    statuses: Counter[str] = Counter()
    i = 0
    while True:
        elapsed = time.monotonic() - started
        in_soak = elapsed < seconds
        if not in_soak and tally.served >= until_served:
            break
        length = min(chunk, seconds - elapsed) if in_soak else chunk
        config = replace(configs[i % len(configs)], duration=max(1.0, length), warmup=0.0)
        result = run_load(config, prefer_wrk)
        tally.add(result, 0.0)
        statuses.update({k: v for k, v in result["status_counts"].items() if k[0] != "2"})
        sample = {
            "t_s": round(time.monotonic() - started, 1),
            "served": float(tally.served),
            "rss_mb": round(rss_bytes(pid) / MB, 1),
            "helpers_rss_mb": _helpers_mb(pid),
        }
        tally.samples.append(sample)
        if in_soak:
            soaked.append(sample)
        i += 1
    after = next((s for s in tally.samples if s["served"] >= until_served), None)
    return {
        "seconds": round(soaked[-1]["t_s"], 1),
        "rss_start_mb": round(soaked[0]["rss_mb"], 1),
        "rss_end_mb": soaked[-1]["rss_mb"],
        "growth": (soaked[-1]["rss_mb"] - soaked[0]["rss_mb"]) / soaked[0]["rss_mb"],
        "rss_after_served_mb": after["rss_mb"] if after else None,
        # Each helper process beside the server: (start, end) MB over the soak.
        "helpers_rss_mb": {
            name: (mb, soaked[-1]["helpers_rss_mb"].get(name, 0.0))
            for name, mb in soaked[0]["helpers_rss_mb"].items()
        },
        "served": tally.served,
        "non_2xx": dict(statuses),
        "samples": tally.samples,
    }
