"""``make bench``: load realistic data, measure the service against the floor, report.

    python -m bench.run                # full run (1,000,000 audit events, 5-minute soak)
    python -m bench.run --quick        # smoke run with small sizes, about three minutes
    python -m bench.run --audit-events 0 --soak 0 --only note_read,observation_write
    python -m bench.run --quick --only note_read.api_key,observation_write.care_team

Every form of the hot requests runs against the same floor, alternated (F S F S F S), medians
of ``--rounds``; ``--only`` takes a group or a single form:

    note_read               all the GET /v1/notes/{id} forms below
    note_read.therapist     as the client's primary therapist
    note_read.care_team     as a therapist on every client's care team
    note_read.supervisor    as the therapist's supervisor
    note_read.purpose       as the therapist, with X-Purpose-Of-Use: TREAT
    note_read.api_key       with a notes:read API key, over a set of signed notes
    observation_write       all the POST /v1/sessions/{id}/observations forms below
    observation_write.therapist, observation_write.care_team

and ``progress``, ``caseload``, ``sequencer_lag`` (measured during the GET-note runs),
``audit``, ``webhooks`` (bench/webhook_bench.py), ``memory``. See docs/performance.md for
what is measured and how to read it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import audit_bench, dataset, floor, webhook_bench
from bench.measure import Row
from bench.report import text_table, write_json
from bench.scenarios import SCENARIOS, Context, Options, Spec
from bench.stack import (
    DATA_DIR,
    RESULTS_DIR,
    Server,
    bench_url,
    migrate,
    openapi_paths,
    query,
    recreate_database,
    service_env,
    sibling_url,
    start_floor,
    start_service,
)
from bench.wrk_runner import wrk_available

NAMES = (
    *dict.fromkeys(spec.name.partition(".")[0] for spec in SCENARIOS),  # the groups
    *(spec.name for spec in SCENARIOS if "." in spec.name),  # the forms
    "audit",
    "webhooks",
)


def selected(name: str, wanted: set[str]) -> bool:
    """Whether ``--only`` asks for the scenario ``name`` (itself, its group, or everything)."""
    return not wanted or name in wanted or name.partition(".")[0] in wanted


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options; ``--quick`` changes the defaults of the others."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--audit-events", type=int, help="synthetic audit events (1,000,000)")
    parser.add_argument("--soak", type=float, help="soak seconds for RSS growth (300)")
    parser.add_argument("--rss-requests", type=int, help="requests before the RSS figure (100k)")
    parser.add_argument("--duration", type=float, help="measured seconds per load run (10)")
    parser.add_argument("--warmup", type=float, help="discarded seconds before each run (2)")
    parser.add_argument("--rounds", type=int, help="floor/service alternations (3)")
    parser.add_argument("--samples", type=int, help="requests per latency figure (200)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pool-size", type=int, default=10, help="DB pool, service and floor")
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn workers, service and floor alike (1)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated, among: {', '.join(NAMES)}")
    parser.add_argument("--no-wrk", action="store_true", help="use the httpx generator")
    parser.add_argument(
        "--install-wrk", action="store_true", help="apt-get install -y wrk when missing (root)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    args = parser.parse_args(argv)
    unknown = {name for name in args.only.split(",") if name} - set(NAMES)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    quick = args.quick
    defaults = {
        "audit_events": 20_000 if quick else 1_000_000,
        "soak": 10.0 if quick else 300.0,
        "rss_requests": 0 if quick else 100_000,
        "duration": 3.0 if quick else 10.0,
        "warmup": 1.0 if quick else 2.0,
        "rounds": 1 if quick else 3,
        "samples": 30 if quick else 200,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def say(message: str) -> None:
    """Progress on stderr, with the time."""
    sys.stderr.write(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def ensure_wrk(install: bool) -> str:
    """Whether wrk will drive the load; optionally install it with apt-get (root only)."""
    if wrk_available():
        return "wrk"
    if install and shutil.which("apt-get") and os.geteuid() == 0:
        say("installing wrk with apt-get")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    return "wrk" if wrk_available() else "httpx (wrk not installed)"


def run_scenario(spec: Spec, ctx: Context) -> list[Row]:
    """One scenario, or a row saying why it was not measured; never raises."""
    missing = [f"{m} {p}" for m, p in spec.needs if not ctx.has(m, p)]
    if missing:
        return [Row(spec.name, "-", f"not available ({', '.join(missing)} missing)")]
    say(f"scenario {spec.name}")
    try:
        return spec.run(ctx)
    except Exception as exc:  # a broken scenario must not hide the others
        ctx.raw.setdefault("errors", {})[spec.name] = traceback.format_exc()
        return [Row(spec.name, "error", f"{type(exc).__name__}: {str(exc)[:70]}")]


def main(argv: Sequence[str] | None = None) -> int:
    """Set up, load, measure, report."""
    args = parse_args(argv)
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    generator = "httpx" if args.no_wrk else ensure_wrk(args.install_wrk)
    url = bench_url()
    floor_url = sibling_url(url, "_floor")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    work_dir = DATA_DIR / "run"
    work_dir.mkdir(exist_ok=True)
    for log in ("service.log", "floor.log"):
        (DATA_DIR / log).write_bytes(b"")
    env = service_env(url, args.pool_size)
    sizes = dataset.QUICK_SIZES if args.quick else dataset.Sizes()

    say(f"recreating {url} and its floor database; migrating")
    recreate_database(url)
    migrate(url)
    recreate_database(floor_url)
    accounts = dataset.create_accounts(env)
    say(f"generating {args.audit_events:,} audit events")
    generated = audit_bench.generate(env, accounts.practice_id, args.audit_events)
    say(f"audit generation: {generated}")

    servers: list[Server] = []
    rows: list[Row] = []
    payload: dict[str, Any] = {}
    try:
        service = start_service(env, DATA_DIR / "service.log", args.workers)
        servers.append(service)
        routes = openapi_paths(service.base)
        say(f"loading data {sizes}")
        t0 = time.monotonic()
        data = dataset.load(service.base, accounts, sizes, set(routes))
        say(f"loaded in {time.monotonic() - t0:.0f} s: {data.counts}")
        # A bulk-loaded database has no planner statistics until autovacuum gets round to
        # it; a production database has them, so measure with them.
        query(url, "ANALYZE")
        floor_ids = work_dir / "floor_ids.txt"
        body_size = len(dataset.NOTE_BODY)
        floor.seed(max(1, len(data.note_ids)), floor_ids, floor_url, body_size=body_size)
        floor_log = DATA_DIR / "floor.log"
        servers.append(start_floor(floor_url, args.pool_size, floor_log, args.workers))
        opts = Options(
            quick=args.quick,
            connections=args.connections,
            duration=args.duration,
            warmup=args.warmup,
            rounds=args.rounds,
            samples=args.samples,
            soak_seconds=args.soak,
            soak_until=args.rss_requests,
            prefer_wrk=generator == "wrk",
        )
        ctx = Context(opts, url, service, servers[1], routes, data, floor_ids, work_dir)
        audit = Spec("audit", (), lambda c: audit_bench.run(c, env))
        webhooks = Spec("webhooks", (), lambda c: webhook_bench.run(c, env))
        plan = [*SCENARIOS[:-1], audit, webhooks, SCENARIOS[-1]]
        wanted = {name for name in args.only.split(",") if name}
        for spec in plan:
            if selected(spec.name, wanted):
                rows += run_scenario(spec, ctx)
        payload = {"dataset": data.summary(), "raw": ctx.raw, "served": ctx.tally.served}
    finally:
        for server in servers:
            server.stop()

    payload |= {
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_before": load_before,
            "load_avg_after": os.getloadavg(),
        },
        "generator": generator,
        "options": {k: str(v) for k, v in vars(args).items()},
        "audit_generate": generated,
    }
    write_json(args.output, payload, rows)
    print(text_table(rows))
    print(f"\nload generator: {generator}; results in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
