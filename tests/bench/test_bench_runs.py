"""`make bench` still runs end to end: its loader goes through today's API, its scenarios answer."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import drop_pg_database, pg_admin_url

pytestmark = [pytest.mark.server, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def _drop(admin: str, *names: str) -> None:
    for name in names:
        asyncio.run(drop_pg_database(admin, name))


def test_a_quick_bench_loads_its_data_and_measures_every_hot_form(tmp_path: Path) -> None:
    # The loader creates clients, episodes, sessions, notes and findings through the API as
    # each role may (a rule change once broke it silently); each form must answer without
    # errors, whatever its figures on a shared machine.
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("NOTES_TEST_DATABASE_URL not set")
    name = f"notes_bench_smoke_{uuid.uuid4().hex[:10]}"
    base = admin.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0]
    output = tmp_path / "results.json"
    env = {
        **os.environ,
        "NOTES_BENCH_DATABASE_URL": f"{base}/{name}",
        "NOTES_BENCH_WORK_DIR": str(tmp_path / "work"),
    }
    args = ["--quick", "--no-wrk", "--audit-events", "2000", "--duration", "1", "--warmup", "0"]
    args += ["--rounds", "1", "--samples", "20", "--soak", "5"]
    args += ["--only", "note_read,observation_write,progress,memory"]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.run", *args, "--output", str(output)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        _drop(admin, name, f"{name}_floor")
    assert done.returncode == 0, done.stderr[-3000:]
    table = json.loads(output.read_text())["table"]
    scenarios = {row["scenario"] for row in table}
    assert len([s for s in scenarios if s.startswith("GET note")]) == 5, scenarios
    assert len([s for s in scenarios if s.startswith("POST observation")]) == 2, scenarios
    broken = [r for r in table if r["figure"] in ("error", "-") or r["figure"].startswith("errors")]
    assert broken == [], broken
    # The server's RSS leaves out the processes beside it, and each of them is shown apart.
    memory = {row["figure"]: row["value"] for row in table if row["scenario"] == "memory"}
    assert "audit sequencer process RSS MB" in memory, memory
    assert "webhook deliverer process RSS MB" in memory, memory
    server = float(memory[next(f for f in memory if f.startswith("RSS MB after"))])
    together = float(memory["server and helpers, RSS MB together"])
    assert together > server > 0, memory
