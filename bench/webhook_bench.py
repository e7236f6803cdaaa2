"""The change feed and webhook figures of ``make bench`` (``--only webhooks``).

- feed read: GET /v1/events p95 over a feed of ``--feed-events`` (1,000,000) events made by SQL;
- commit → first delivery attempt: p95 from each POST /v1/clients to its message's arrival;
- deliveries/s: a backlog made by SQL, delivered to one local receiver;
- GET-note under delivery: GET /v1/notes/{id} (one connection) while the deliverer works
  through a backlog, against the same with it paused, in alternating one-second slices.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from bench.dataset import _last_line
from bench.loadgen import percentile
from bench.measure import Row, sample_latency
from bench.scenarios import Context
from bench.server import descendant_pids
from bench.stack import notes_api, query

TYPES = ("session.updated", "client.updated", "note.signed", "episode.phase_changed")


def generate_feed(url: str, practice_id: str, count: int, types: tuple[str, ...] = TYPES) -> int:
    """Append `count` events to the practice's feed in one statement; the last position."""
    rows = query(
        url,
        """
        WITH counter AS (
            INSERT INTO feed_counter (practice_id, position) VALUES ($1::uuid, $2)
            ON CONFLICT (practice_id) DO UPDATE SET position = feed_counter.position + $2
            RETURNING position
        ), made AS (
            INSERT INTO feed_event (id, practice_id, position, type, occurred_at,
                                    resource_type, resource_id, client_id, actor_type, actor_id)
            SELECT gen_random_uuid(), $1::uuid, counter.position - $2 + g,
                   ($3::text[])[1 + g % array_length($3::text[], 1)],
                   now() - make_interval(secs => ($2 - g) / 100.0),
                   split_part(($3::text[])[1 + g % array_length($3::text[], 1)], '.', 1),
                   gen_random_uuid(), gen_random_uuid(), 'system', NULL
            FROM counter, generate_series(1, $2) AS g
            RETURNING 1
        )
        SELECT (SELECT position FROM counter), (SELECT count(*) FROM made)
        """,
        practice_id,
        count,
        list(types),
    )
    return int(rows[0][0])


class ReceiverProcess:
    """The receiver in a process of its own: it takes no CPU from this one's measurements."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.webhook_receiver"], stdout=subprocess.PIPE
        )
        assert self.process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}/hooks"
        self.http = httpx.Client(timeout=30)

    def arrivals(self, after: int = 0) -> list[tuple[float, str]]:
        """(monotonic time, resource id) of each request received after the first `after`."""
        found = self.http.get(f"{self.url}?after={after}").json()
        return [(float(at), str(rid)) for at, rid in found]

    def count(self) -> int:
        """Requests received so far."""
        return int(self.http.get(f"{self.url}?count").text)

    def stop(self) -> None:
        """End the process."""
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def _wait(predicate: Any, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def _endpoint(ctx: Context, headers: dict[str, str], url: str, types: list[str]) -> None:
    created = httpx.post(
        f"{ctx.service.base}/v1/webhook-endpoints",
        json={"url": url, "event_types": types},
        headers=headers,
    )
    assert created.status_code == 201, created.text


def run(ctx: Context, env: Mapping[str, str]) -> list[Row]:
    """Every webhook figure; the receiver lives for the scenario."""
    practice_id = ctx.data.accounts.practice_id
    scopes = "events:read,webhooks:manage,sessions:read,clients:read"
    key_args = ["--practice", practice_id, "--name", "bench sync", "--scopes", scopes]
    key = _last_line(notes_api(["create-api-key", *key_args], env))
    headers = {"Authorization": f"Bearer {key}"}
    feed_events = 20_000 if ctx.opts.quick else 1_000_000
    rows = feed_read(ctx, headers, practice_id, feed_events)
    receiver = ReceiverProcess()
    try:
        _endpoint(ctx, headers, receiver.url, ["client.*", "session.*"])
        rows += first_attempt(ctx, receiver)
        rows += throughput(ctx, receiver, practice_id, endpoints=1)
        for _ in range(3):  # a practice with several integrations: endpoints run side by side
            _endpoint(ctx, headers, receiver.url, ["client.*"])
        rows += throughput(ctx, receiver, practice_id, endpoints=4)
        rows += note_read_while_delivering(ctx, receiver, practice_id, endpoints=4)
    finally:
        receiver.stop()
    return rows


def feed_read(ctx: Context, headers: dict[str, str], practice_id: str, count: int) -> list[Row]:
    """GET /v1/events p95 (sessions:read sees a quarter of the types) at `count` events."""
    t0 = time.monotonic()
    last = generate_feed(ctx.url, practice_id, count)
    query(ctx.url, "ANALYZE feed_event")
    made = time.monotonic() - t0
    rng = random.Random(7)  # noqa: S311 - sampling positions
    urls = [
        f"{ctx.service.base}/v1/events?after={rng.randrange(0, last)}&limit=50" for _ in range(200)
    ]
    result = sample_latency(urls, headers, count=ctx.opts.samples, max_seconds=120)
    ctx.raw["feed_read"] = {**result, "events": count, "generated_s": round(made, 1)}
    ok = result["p95_ms"] <= 50 and set(result["status_counts"]) == {"200"}
    value = f"{result['p95_ms']:.1f} (p50 {result['p50_ms']:.1f}, n={result['n']})"
    return [Row(f"feed read ({count:,} events)", "p95 ms, one connection", value, "<= 50", ok)]


def first_attempt(ctx: Context, receiver: ReceiverProcess) -> list[Row]:
    """From sending a POST /v1/clients to its message's arrival at the receiver."""
    delays: list[float] = []
    with httpx.Client(headers=ctx.therapist(), timeout=30) as http:
        for i in range(20 if ctx.opts.quick else 60):
            before = receiver.count()
            sent = time.monotonic()
            response = http.post(
                f"{ctx.service.base}/v1/clients",
                json={"given_name": "Hook", "family_name": f"Bench {i}"},
            )
            assert response.status_code == 201, response.text
            client_id = response.json()["id"]
            deadline, at = time.monotonic() + 30, None
            while at is None and time.monotonic() < deadline:
                at = next((t for t, rid in receiver.arrivals(before) if rid == client_id), None)
                time.sleep(0.01)
            delays.append(30.0 if at is None else at - sent)
            time.sleep(random.uniform(0, 0.2))  # noqa: S311 - spread over the poll cycle
    ordered = sorted(delays)
    p95, p50 = percentile(ordered, 95), percentile(ordered, 50)
    ctx.raw["webhook_first_attempt"] = {"p50_s": p50, "p95_s": p95, "n": len(ordered)}
    value = f"{p95:.2f} (p50 {p50:.2f}, n={len(ordered)})"
    return [Row("webhook delivery", "commit -> first attempt p95 s", value, "<= 2", p95 <= 2)]


def throughput(
    ctx: Context, receiver: ReceiverProcess, practice_id: str, *, endpoints: int
) -> list[Row]:
    """A backlog made by SQL, delivered to `endpoints` endpoints: messages per second."""
    events = (2_000 if ctx.opts.quick else 6_000) // endpoints
    count = events * endpoints
    before = receiver.count()
    t0 = time.monotonic()
    generate_feed(ctx.url, practice_id, events, ("client.updated",))
    done = _wait(lambda: receiver.count() - before >= count, 600, interval=0.2)
    seconds = time.monotonic() - t0
    rate = (receiver.count() - before) / seconds
    ctx.raw[f"webhook_throughput_{endpoints}"] = {"messages": count, "seconds": round(seconds, 2)}
    value = f"{rate:.0f} ({count:,} in {seconds:.1f} s)"
    figure = f"deliveries/s, {endpoints} endpoint(s), one receiver"
    return [Row("webhook delivery", figure, value, ">= 300", done and rate >= 300)]


def deliverer_pid(ctx: Context) -> int | None:
    """The deliverer process `notes-api serve` started beside the API (None: not found)."""
    for pid in descendant_pids(ctx.service.proc.pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"app.webhooks.process" in argv:
            return pid
    return None


def note_read_while_delivering(
    ctx: Context, receiver: ReceiverProcess, practice_id: str, *, endpoints: int
) -> list[Row]:
    """GET-note requests/s on one connection, deliverer paused vs working, slice by slice.

    The deliverer is paused (SIGSTOP) and resumed (SIGCONT) in turns of one second while
    a backlog waits, and the note reads of all paused slices are set against those of all
    working ones: a colleague's load on the shared machine falls on both alike, where one
    idle run followed by one busy run compared two moments of it.
    """
    notes = [f"{ctx.service.base}/v1/notes/{n}" for n in ctx.data.note_ids[:200]]
    pid = deliverer_pid(ctx)
    if not notes or pid is None:
        why = "no notes loaded" if not notes else "no deliverer process found"
        return [Row("GET note while delivering", "-", f"not available ({why})")]
    slices, seconds = (20, 1.0) if ctx.opts.quick else (40, 1.0)
    ctx.settle()
    # Enough for every working slice even flat out, and little left over for what follows.
    events = 2_000 if ctx.opts.quick else 5_000
    before = receiver.count()
    generate_feed(ctx.url, practice_id, events, ("client.updated",))
    _wait(lambda: receiver.count() - before > 200, 60)  # fanned out, delivery under way
    totals = {"paused": [0, 0.0, 0], "working": [0, 0.0, 0]}
    with httpx.Client(headers=ctx.therapist(), timeout=30) as http:
        for url in notes[:3]:
            http.get(url)
        reads = itertools.cycle(notes)
        try:
            for _ in range(slices):
                for phase, signum in (("paused", signal.SIGSTOP), ("working", signal.SIGCONT)):
                    os.kill(pid, signum)
                    time.sleep(0.05)
                    delivered = receiver.count()
                    n, t0 = 0, time.perf_counter()
                    while time.perf_counter() - t0 < seconds:
                        http.get(next(reads))
                        n += 1
                    totals[phase][0] += n
                    totals[phase][1] += time.perf_counter() - t0
                    totals[phase][2] += receiver.count() - delivered
        finally:
            os.kill(pid, signal.SIGCONT)
    idle = totals["paused"][0] / totals["paused"][1]
    busy = totals["working"][0] / totals["working"][1]
    sent = totals["working"][2] / totals["working"][1]
    ratio = busy / idle
    drained = _wait(lambda: receiver.count() - before >= events * endpoints, 120, interval=0.2)
    ctx.raw["note_read_while_delivering"] = {
        "idle_rps": round(idle, 1),
        "busy_rps": round(busy, 1),
        "slices": slices,
        "deliveries_per_s_while_reading": round(sent, 1),
        "backlog": events * endpoints,
        "drained_after": drained,
    }
    value = f"{busy:.0f} / {idle:.0f} = {ratio:.0%} (sending {sent:.0f}/s)"
    figure = "requests/s delivering / paused, one connection"
    return [Row("GET note while delivering", figure, value, ">= 95%", ratio >= 0.95)]
