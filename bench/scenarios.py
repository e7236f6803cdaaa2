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

    def load_config(
        self,
        url: str,
        *,
        method: str = "GET",
        token: str,
        headers: tuple[tuple[str, str], ...] = (),
        **kw: Any,
    ) -> LoadConfig:
        """A load run of the configured size against ``url``."""
        return LoadConfig(
            url=url,
            method=method,
            connections=self.opts.connections,
            duration=self.opts.duration,
            warmup=self.opts.warmup,
            headers=(("Authorization", f"Bearer {token}"), *headers),
            **kw,
        )


Scenario = Callable[[Context], list[Row]]


@dataclass(frozen=True)
class Spec:
    """A scenario and the routes it needs (method, path template)."""

    name: str
    needs: tuple[tuple[str, str], ...]
    run: Scenario


@dataclass(frozen=True)
class Hot:
    """A hot request: the service's route and its twin on the floor."""

    name: str  # the --only group of its forms
    label: str
    method: str
    path: str
    floor_path: str


NOTE_READ = Hot("note_read", "GET note", "GET", "/v1/notes/{id}", "/notes/{id}")
OBSERVATION_WRITE = Hot(
    "observation_write",
    "POST observation",
    "POST",
    "/v1/sessions/{id}/observations",
    "/notes/{id}/observations",
)


@dataclass(frozen=True)
class Form:
    """One form of a hot request: who calls (a key of ``Dataset.tokens``), on which ids."""

    name: str
    label: str
    caller: str
    ids: Callable[[Dataset], list[str]]
    headers: tuple[tuple[str, str], ...] = ()


def _notes(data: Dataset) -> list[str]:
    return data.note_ids


def _signed_notes(data: Dataset) -> list[str]:
    return data.signed_note_ids


def _write_sessions(data: Dataset) -> list[str]:
    return data.write_session_ids


FORMS: dict[Hot, tuple[Form, ...]] = {
    NOTE_READ: (
        Form("therapist", "the client's therapist", "therapist", _notes),
        Form("care_team", "a care-team member", "care_team", _notes),
        Form("supervisor", "the therapist's supervisor", "supervisor", _notes),
        Form(
            "purpose",
            "therapist, X-Purpose-Of-Use: TREAT",
            "therapist",
            _notes,
            (("X-Purpose-Of-Use", "TREAT"),),
        ),
        Form("api_key", "notes:read API key, signed notes", "api_key", _signed_notes),
    ),
    OBSERVATION_WRITE: (
        Form("therapist", "the client's therapist", "therapist", _write_sessions),
        Form("care_team", "a care-team member", "care_team", _write_sessions),
    ),
}


def _ratio_rows(name: str, result: dict[str, Any]) -> list[Row]:
    svc, flr = result["service"], result["floor"]
    rows = [
        Row(
            name,
            "requests/s service / floor",
            f"{svc['rps']:.0f} / {flr['rps']:.0f} = {result['rps_ratio']:.0%}",
            ">= 50%",
            result["rps_ratio"] >= 0.5,
        ),
        Row(
            name,
            "p99 ms service / floor",
            f"{svc['p99_ms']:.1f} / {flr['p99_ms']:.1f} = {result['p99_ratio']:.1f}x",
            "<= 3.0x",
            result["p99_ratio"] <= 3.0,
        ),
    ]
    if svc["errors"] or flr["errors"]:  # e.g. a form answered 404 fast: its ratios mean nothing
        errors = f"{svc['errors']} / {flr['errors']}"
        rows.append(Row(name, "errors service / floor", errors, "0 / 0", False))
    return rows


def _ids(ctx: Context, name: str, ids: list[str]) -> dict[str, Any]:
    """``ids`` and the file wrk reads them from, as LoadConfig keywords."""
    path = ctx.work_dir / f"{name}.txt"
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")
    return {"ids": tuple(ids), "ids_file": str(path)}


def _body(ctx: Context, hot: Hot) -> dict[str, Any]:
    """The observation body and its file for a POST, as LoadConfig keywords."""
    if hot.method != "POST":
        return {}
    path = ctx.work_dir / "observation.json"
    path.write_bytes(json.dumps(OBSERVATION).encode())
    return {"method": "POST", "body": path.read_bytes(), "body_file": str(path)}


def service_config(ctx: Context, hot: Hot, form: Form) -> LoadConfig:
    """The service's load of one form: its caller and headers over its ids."""
    return ctx.load_config(
        f"{ctx.service.base}{hot.path}",
        token=ctx.data.tokens[form.caller],
        headers=form.headers,
        **_body(ctx, hot),
        **_ids(ctx, f"{hot.name}.{form.name}", form.ids(ctx.data)),
    )


def measure_form(ctx: Context, hot: Hot, form: Form) -> list[Row]:
    """One form against the floor's twin of its request, alternated."""
    name = f"{hot.label} ({form.label})"
    if not form.ids(ctx.data):
        return [Row(name, "-", "not available (nothing of its kind was loaded)")]
    floor_ids: dict[str, Any] = {
        "ids": tuple(_lines(ctx.floor_ids_file)),
        "ids_file": str(ctx.floor_ids_file),
    }
    floor = ctx.load_config(
        f"{ctx.floor.base}{hot.floor_path}", token=FLOOR_TOKEN, **_body(ctx, hot), **floor_ids
    )
    windows = ctx.lag_windows if hot is NOTE_READ else []  # lag is judged under GET-note load
    result = alternate(
        floor,
        service_config(ctx, hot, form),
        rounds=ctx.opts.rounds,
        prefer_wrk=ctx.opts.prefer_wrk,
        tally=ctx.tally,
        settle=ctx.settle,
        on_service_run=lambda a, b: windows.append((a, b)),
    )
    ctx.raw[f"{hot.name}.{form.name}"] = result
    return _ratio_rows(name, result)


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
    configs = [
        service_config(ctx, hot, forms[0])  # the therapist's
        for hot, forms in FORMS.items()
        if forms[0].ids(ctx.data) and ctx.has(hot.method, hot.path)
    ]
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
    # The processes beside the API (docs/architecture.md): each shown apart, with its growth.
    helpers = result["helpers_rss_mb"]
    for name, (start, end) in helpers.items():
        rows.append(
            Row(
                "memory",
                f"{name} process RSS MB",
                f"{start:.0f} -> {end:.0f} ({(end - start) / start:+.1%})"
                if start
                else f"{end:.0f}",
                "<= 10% growth" if long_soak and start else "(shown)",
                (end - start) / start <= 0.10 if long_soak and start else None,
            )
        )
    if helpers:
        together = result["rss_end_mb"] + sum(end for _, end in helpers.values())
        rows.append(Row("memory", "server and helpers, RSS MB together", f"{together:.0f}"))
    if result["non_2xx"]:
        rows.append(Row("memory", "non-2xx answers during the soak", json.dumps(result["non_2xx"])))
    return rows


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _form_spec(hot: Hot, form: Form) -> Spec:
    return Spec(
        f"{hot.name}.{form.name}", ((hot.method, hot.path),), lambda c: measure_form(c, hot, form)
    )


SCENARIOS: tuple[Spec, ...] = (
    *(_form_spec(hot, form) for hot, forms in FORMS.items() for form in forms),
    Spec("progress", (("GET", "/v1/episodes/{id}/progress"),), progress),
    Spec("caseload", (("GET", "/v1/reports/caseload"),), caseload),
    Spec("sequencer_lag", (("GET", "/v1/notes/{id}"),), lag),
    Spec("memory", (), memory),
)
