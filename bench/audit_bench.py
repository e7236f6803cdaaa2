"""Audit-log figures: search, inclusion proofs, full verification and export on a large log."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from bench.measure import MB, Row, sample_latency
from bench.scenarios import Context
from bench.server import rss_bytes
from bench.stack import cli_has, notes_api, query, run_module


def generate(env: Mapping[str, str], practice_id: str, events: int) -> dict[str, Any]:
    """Append ``events`` synthetic events with ``python -m bench.audit_generate``."""
    if events <= 0:
        return {"events": 0, "status": "skipped"}
    started = time.monotonic()
    command = ["--events", str(events), "--practice", practice_id]
    out = run_module("bench.audit_generate", command, env)
    seconds = time.monotonic() - started
    return {
        "events": events,
        "seconds": round(seconds, 1),
        "events_per_s": round(events / seconds),
        "output": out.strip()[-500:],
    }


def _auditor(ctx: Context) -> dict[str, str]:
    return {"Authorization": f"Bearer {ctx.data.tokens['auditor']}"}


def _busiest(ctx: Context, sql: str) -> str | None:
    rows = query(ctx.url, sql, ctx.data.accounts.practice_id)
    return str(rows[0][0]) if rows else None


def search(ctx: Context) -> list[Row]:
    """First page of a search by the busiest client and by the busiest actor."""
    client = _busiest(
        ctx,
        "SELECT client_id FROM audit_event_client WHERE practice_id = $1::uuid "
        "GROUP BY client_id ORDER BY count(*) DESC LIMIT 1",
    )
    actor = _busiest(
        ctx,
        "SELECT actor_id FROM audit_event WHERE practice_id = $1::uuid AND actor_id IS NOT NULL "
        "GROUP BY actor_id ORDER BY count(*) DESC LIMIT 1",
    )
    rows = []
    for name, key, value in (("client", "client_id", client), ("actor", "actor_id", actor)):
        if value is None:
            rows.append(Row(f"audit search by {name}", "p95 ms", "no events"))
            continue
        url = f"{ctx.service.base}/v1/audit/events?{key}={value}&limit=50"
        result = sample_latency(
            url, _auditor(ctx), count=ctx.opts.samples, max_seconds=ctx.opts.duration * 6
        )
        ctx.raw[f"audit_search_{name}"] = result
        ok = result["p95_ms"] <= 50 and set(result["status_counts"]) == {"200"}
        value_text = f"{result['p95_ms']:.1f} (p50 {result['p50_ms']:.1f}, n={result['n']})"
        rows.append(Row(f"audit search by {name}", "first page p95 ms", value_text, "<= 50", ok))
    return rows


def proofs(ctx: Context) -> list[Row]:
    """Inclusion proofs of random events against the latest checkpoint."""
    latest = httpx.get(
        f"{ctx.service.base}/v1/audit/checkpoints/latest", headers=_auditor(ctx), timeout=60
    )
    if latest.status_code != 200:
        return [Row("audit inclusion proof", "p95 ms", f"no checkpoint ({latest.status_code})")]
    size = int(latest.json()["tree_size"])
    rng = random.Random(4)  # noqa: S311 - sampling, not security
    seqs = [rng.randrange(size) for _ in range(50)]
    found = query(ctx.url, "SELECT event_id FROM audit_leaf WHERE seq = ANY($1)", seqs)
    ids = [str(r[0]) for r in found]
    urls = [f"{ctx.service.base}/v1/audit/events/{i}/proof?tree_size={size}" for i in ids]
    result = sample_latency(
        urls, _auditor(ctx), count=ctx.opts.samples, max_seconds=ctx.opts.duration * 6
    )
    result["tree_size"] = size
    ctx.raw["audit_proof"] = result
    ok = result["p95_ms"] <= 50 and set(result["status_counts"]) == {"200"}
    value = f"{result['p95_ms']:.1f} (p50 {result['p50_ms']:.1f}, tree {size:,})"
    return [Row("audit inclusion proof", "p95 ms", value, "<= 50", ok)]


def verify(ctx: Context, env: Mapping[str, str]) -> list[Row]:
    """Full verification with ``notes-api audit verify`` (offline, from the database)."""
    events = int(query(ctx.url, "SELECT count(*) FROM audit_leaf")[0][0])
    started = time.monotonic()
    try:
        notes_api(["audit", "verify"], env, timeout=1800)
        ok_log = True
    except RuntimeError as exc:
        ok_log = False
        ctx.raw["audit_verify_error"] = str(exc)[-1000:]
    seconds = time.monotonic() - started
    ctx.raw["audit_verify"] = {"seconds": round(seconds, 1), "events": events, "ok": ok_log}
    value = f"{seconds:.1f} ({events:,} events{'' if ok_log else ', FAILED'})"
    return [Row("audit full verification", "seconds", value, "<= 60", ok_log and seconds <= 60)]


#: RSS that may still be added after the first quarter of an export that runs in constant memory.
LATE_GROWTH_MB = 16


def export(ctx: Context) -> list[Row]:
    """Stream the NDJSON export, counting events and sampling the server's RSS over time."""
    pid = ctx.service.proc.pid
    before = rss_bytes(pid)
    samples: list[tuple[float, int]] = []
    done = threading.Event()
    started = time.monotonic()

    def watch() -> None:
        """Sample the server's RSS every 0.2 s until the export ends."""
        while not done.wait(0.2):
            samples.append((time.monotonic() - started, rss_bytes(pid)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    lines = 0
    try:
        with (
            httpx.Client(headers=_auditor(ctx), timeout=600) as client,
            client.stream("GET", f"{ctx.service.base}/v1/audit/export?format=ndjson") as response,
        ):
            status = response.status_code
            for line in response.iter_lines():
                lines += bool(line)
    finally:
        done.set()
        watcher.join()
    seconds = time.monotonic() - started
    rate = lines / seconds if seconds else 0.0
    # Constant memory: whatever the buffers need is reached early; nothing grows with the log.
    early = max([before, *(rss for t, rss in samples if t <= seconds / 4)]) / MB
    peak = max([before, *(rss for _, rss in samples)]) / MB
    ctx.raw["audit_export"] = {
        "status": status,
        "events": lines,
        "seconds": round(seconds, 1),
        "events_per_s": round(rate),
        "rss_before_mb": round(before / MB, 1),
        "rss_first_quarter_peak_mb": round(early, 1),
        "rss_peak_mb": round(peak, 1),
    }
    judged = seconds >= 10  # a shorter export is over before its buffers have settled
    return [
        Row(
            "audit export NDJSON",
            "events/s",
            f"{rate:,.0f} ({lines:,} events in {seconds:.1f} s)",
            ">= 20,000",
            status == 200 and rate >= 20_000,
        ),
        Row(
            "audit export NDJSON",
            "RSS MB: start / peak in 1st quarter / peak",
            f"{before / MB:.0f} / {early:.0f} / {peak:.0f}",
            f"last 3/4 adds <= {LATE_GROWTH_MB}" if judged else "(export too short)",
            status == 200 and peak - early <= LATE_GROWTH_MB if judged else None,
        ),
    ]


def run(ctx: Context, env: Mapping[str, str]) -> list[Row]:
    """Every audit figure whose route or command exists."""
    rows: list[Row] = []
    ctx.settle()
    if ctx.has("GET", "/v1/audit/events"):
        rows += search(ctx)
    else:
        rows.append(Row("audit search", "p95 ms", "not available"))
    if ctx.has("GET", "/v1/audit/events/{id}/proof") and ctx.has(
        "GET", "/v1/audit/checkpoints/latest"
    ):
        rows += proofs(ctx)
    else:
        rows.append(Row("audit inclusion proof", "p95 ms", "not available"))
    rows += (
        verify(ctx, env)
        if cli_has("audit", "verify")
        else [Row("audit full verification", "seconds", "not available")]
    )
    if ctx.has("GET", "/v1/audit/export"):
        rows += export(ctx)
    else:
        rows.append(Row("audit export NDJSON", "events/s", "not available"))
    return rows
