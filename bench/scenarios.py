"""The benchmark scenarios: each checks its routes exist, measures, and returns table rows."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.dataset import Dataset
from bench.loadgen import LoadConfig
from bench.measure import (
    Row,
    Tally,
    alternate,
    sample_latency,
    sequencer_lag,
    soak,
    unsequenced,
)
from bench.stack import FLOOR_TOKEN, Server

OBSERVATION = {
    "theme_code": "defense.intellectualization",
    "intensity": 3,
    "evidence": "Spoke about the father's death in general terms, without feeling.",
}


@dataclass
class Options:
    """How long and how hard to measure."""

    quick: bool
    connections: int
    duration: float
    warmup: float
    rounds: int
    samples: int
    soak_seconds: float
    soak_until: int
    prefer_wrk: bool


@dataclass
class Context:
    """Everything a scenario may use, and where it leaves its raw figures."""

    opts: Options
    url: str
    service: Server
    floor: Server
    routes: dict[str, set[str]]
    data: Dataset
    floor_ids_file: Path
    work_dir: Path
    tally: Tally = field(default_factory=Tally)
    raw: dict[str, Any] = field(default_factory=dict)
    lag_windows: list[tuple[datetime, datetime]] = field(default_factory=list)

    def has(self, method: str, path: str) -> bool:
        """Whether the service serves ``method path`` (from its OpenAPI document)."""
        return method.upper() in self.routes.get(path, set())

    def therapist(self) -> dict[str, str]:
        """The therapist's Authorization header."""
        return {"Authorization": f"Bearer {self.data.tokens['therapist']}"}

    def settle(self) -> None:
        """Wait (up to 5 min) until the sequencer has numbered every committed event."""
        started = time.monotonic()
        while unsequenced(self.url) > 0 and time.monotonic() - started < 300:
            time.sleep(1.0)
        self.raw.setdefault("settle_s", []).append(round(time.monotonic() - started, 1))

    def load_config(self, url: str, *, method: str = "GET", token: str, **kw: Any) -> LoadConfig:
        """A load run of the configured size against ``url``."""
        return LoadConfig(
            url=url,
            method=method,
            connections=self.opts.connections,
            duration=self.opts.duration,
            warmup=self.opts.warmup,
            headers=(("Authorization", f"Bearer {token}"),),
            **kw,
        )


Scenario = Callable[[Context], list[Row]]


@dataclass(frozen=True)
class Spec:
    """A scenario and the routes it needs (method, path template)."""

    name: str
    needs: tuple[tuple[str, str], ...]
    run: Scenario


def _ratio_rows(name: str, result: dict[str, Any], rps_target: float, p99: bool) -> list[Row]:
    svc, flr = result["service"], result["floor"]
    rows = [
        Row(
            name,
            "requests/s service / floor",
            f"{svc['rps']:.0f} / {flr['rps']:.0f} = {result['rps_ratio']:.0%}",
            f">= {rps_target:.0%}",
            result["rps_ratio"] >= rps_target,
        )
    ]
    if p99:
        rows.append(
            Row(
                name,
                "p99 ms service / floor",
                f"{svc['p99_ms']:.1f} / {flr['p99_ms']:.1f} = {result['p99_ratio']:.1f}x",
                "<= 3.0x",
                result["p99_ratio"] <= 3.0,
            )
        )
    if svc["errors"] or flr["errors"]:
        rows.append(Row(name, "errors service / floor", f"{svc['errors']} / {flr['errors']}"))
    return rows


def _ids(ctx: Context, name: str, ids: list[str]) -> dict[str, Any]:
    """``ids`` and the file wrk reads them from, as LoadConfig keywords."""
    path = ctx.work_dir / name
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")
    return {"ids": tuple(ids), "ids_file": str(path)}


def _body(ctx: Context) -> dict[str, Any]:
    """The observation body and its file, as LoadConfig keywords."""
    path = ctx.work_dir / "observation.json"
    path.write_bytes(json.dumps(OBSERVATION).encode())
    return {"method": "POST", "body": path.read_bytes(), "body_file": str(path)}


def note_read_config(ctx: Context) -> LoadConfig:
    """The service's GET-note load: the therapist over every loaded note."""
    return ctx.load_config(
        f"{ctx.service.base}/v1/notes/{{id}}",
        token=ctx.data.tokens["therapist"],
        **_ids(ctx, "note_ids.txt", ctx.data.note_ids),
    )


def observation_write_config(ctx: Context) -> LoadConfig:
    """The service's POST-observation load, spread over the write sessions."""
    return ctx.load_config(
        f"{ctx.service.base}/v1/sessions/{{id}}/observations",
        token=ctx.data.tokens["therapist"],
        **_body(ctx),
        **_ids(ctx, "session_ids.txt", ctx.data.write_session_ids),
    )


def _floor_ids(ctx: Context) -> dict[str, Any]:
    return {"ids": tuple(_lines(ctx.floor_ids_file)), "ids_file": str(ctx.floor_ids_file)}


def note_read(ctx: Context) -> list[Row]:
    """GET a note (auth, access check, decryption, audit) against the floor's GET."""
    if not ctx.data.note_ids:
        return [Row("GET note", "-", "not available (no notes were loaded)")]
    floor = ctx.load_config(f"{ctx.floor.base}/notes/{{id}}", token=FLOOR_TOKEN, **_floor_ids(ctx))
    result = alternate(
        floor,
        note_read_config(ctx),
        rounds=ctx.opts.rounds,
        prefer_wrk=ctx.opts.prefer_wrk,
        tally=ctx.tally,
        settle=ctx.settle,
        on_service_run=lambda a, b: ctx.lag_windows.append((a, b)),
    )
    ctx.raw["note_read"] = result
    return _ratio_rows("GET note", result, 0.5, p99=True)


def observation_write(ctx: Context) -> list[Row]:
    """POST an observation against the floor's write twin."""
    floor = ctx.load_config(
        f"{ctx.floor.base}/notes/{{id}}/observations",
        token=FLOOR_TOKEN,
        **_body(ctx),
        **_floor_ids(ctx),
    )
    result = alternate(
        floor,
        observation_write_config(ctx),
        rounds=ctx.opts.rounds,
        prefer_wrk=ctx.opts.prefer_wrk,
        tally=ctx.tally,
        settle=ctx.settle,
    )
    ctx.raw["observation_write"] = result
    return _ratio_rows("POST observation", result, 0.5, p99=False)


def _latency_rows(name: str, result: dict[str, Any], target_ms: float) -> list[Row]:
    ok = result["p95_ms"] <= target_ms and set(result["status_counts"]) == {"200"}
    value = f"{result['p95_ms']:.1f} (p50 {result['p50_ms']:.1f}, n={result['n']})"
    rows = [Row(name, "p95 ms, one connection", value, f"<= {target_ms:.0f}", ok)]
    if set(result["status_counts"]) != {"200"}:
        rows.append(Row(name, "statuses", json.dumps(result["status_counts"])))
    return rows


def progress(ctx: Context) -> list[Row]:
    """The progress document of the big episode."""
    url = f"{ctx.service.base}/v1/episodes/{ctx.data.big_episode_id}/progress"
    ctx.settle()
    result = sample_latency(
        url, ctx.therapist(), count=ctx.opts.samples, max_seconds=ctx.opts.duration * 6
    )
    ctx.raw["progress"] = result
    return _latency_rows("progress (big episode)", result, 100)


def caseload(ctx: Context) -> list[Row]:
    """The caseload report of the therapist with the 60-client caseload."""
    url = f"{ctx.service.base}/v1/reports/caseload"
    ctx.settle()
    result = sample_latency(
        url, ctx.therapist(), count=ctx.opts.samples, max_seconds=ctx.opts.duration * 6
    )
    ctx.raw["caseload"] = result
    return _latency_rows(f"caseload ({len(ctx.data.client_ids)} clients)", result, 100)


def lag(ctx: Context) -> list[Row]:
    """Sequencer lag over the events written during the GET-note service runs."""
    if not ctx.lag_windows:
        return [Row("sequencer lag", "max s under GET-note load", "not measured")]
    ctx.settle()
    figures = [sequencer_lag(ctx.url, a, b) for a, b in ctx.lag_windows]
    worst = max(f["max_s"] for f in figures)
    ctx.raw["sequencer_lag"] = figures
    p50 = max(f["p50_s"] for f in figures)
    value = f"{worst:.2f} (p50 {p50:.2f}, {sum(f['events'] for f in figures)} events)"
    return [Row("sequencer lag", "max s under GET-note load", value, "<= 5", worst <= 5)]


def memory(ctx: Context) -> list[Row]:
    """RSS after ``soak_until`` requests and its growth over a ``soak_seconds`` run."""
    configs = []
    if ctx.data.note_ids and ctx.has("GET", "/v1/notes/{id}"):
        configs.append(note_read_config(ctx))
    if ctx.has("POST", "/v1/sessions/{id}/observations"):
        configs.append(observation_write_config(ctx))
    if not configs:
        return [Row("memory", "RSS", "not available (no note route)")]
    chunk = 30.0 if not ctx.opts.quick else 5.0
    result = soak(
        ctx.service,
        configs,
        seconds=ctx.opts.soak_seconds,
        chunk=chunk,
        prefer_wrk=ctx.opts.prefer_wrk,
        tally=ctx.tally,
        until_served=ctx.opts.soak_until,
    )
    ctx.raw["memory"] = result
    after = result["rss_after_served_mb"]
    judged = ctx.opts.soak_until >= 100_000
    long_soak = ctx.opts.soak_seconds >= 300
    growth = f"{result['growth']:+.1%} ({result['rss_start_mb']:.0f} -> {result['rss_end_mb']:.0f})"
    rows = [
        Row(
            "memory",
            f"RSS MB after {ctx.opts.soak_until:,} requests"
            if judged
            else f"RSS MB after {result['served']:,} requests",
            f"{after if judged else result['rss_end_mb']:.0f}" if after is not None else "-",
            "<= 250" if judged else "(not judged)",
            (after is not None and after <= 250) if judged else None,
        ),
        Row(
            "memory",
            f"RSS growth over a {result['seconds']:.0f} s soak",
            growth,
            "<= 10%" if long_soak else "(short soak)",
            result["growth"] <= 0.10 if long_soak else None,
        ),
    ]
    if result["sequencer_rss_end_mb"]:
        # A process of its own beside the API (docs/audit.md): shown apart, not in the above.
        start, end = result["sequencer_rss_start_mb"], result["sequencer_rss_end_mb"]
        rows.append(
            Row(
                "memory",
                "audit sequencer process RSS MB",
                f"{start:.0f} -> {end:.0f} ({(end - start) / start:+.1%})"
                if start
                else f"{end:.0f}",
                "<= 10% growth" if long_soak and start else "(shown)",
                (end - start) / start <= 0.10 if long_soak and start else None,
            )
        )
    if result["non_2xx"]:
        rows.append(Row("memory", "non-2xx answers during the soak", json.dumps(result["non_2xx"])))
    return rows


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


SCENARIOS: tuple[Spec, ...] = (
    Spec("note_read", (("GET", "/v1/notes/{id}"),), note_read),
    Spec("observation_write", (("POST", "/v1/sessions/{id}/observations"),), observation_write),
    Spec("progress", (("GET", "/v1/episodes/{id}/progress"),), progress),
    Spec("caseload", (("GET", "/v1/reports/caseload"),), caseload),
    Spec("sequencer_lag", (("GET", "/v1/notes/{id}"),), lag),
    Spec("memory", (), memory),
)
