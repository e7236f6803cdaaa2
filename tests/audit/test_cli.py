"""`notes-api audit checkpoint|verify|export`, on a database of their own.

The log comes from the benchmark's generator (`python -m bench.audit_generate`), run in-process.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app import migrations
from app.audit.ledger import events
from app.audit.ledger.checkpoint import public_key_raw, verify_checkpoint
from app.audit.ledger.verify import verify_log
from app.cli import app as cli
from app.config import async_database_url
from app.security.secrets import load_secrets
from bench import audit_generate
from tests.conftest import create_pg_database, drop_pg_database, make_settings, pg_admin_url

runner = CliRunner()


@pytest.fixture
def env(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment naming a fresh, migrated database and a data folder."""
    tmp = tmp_path_factory.mktemp("audit-cli")
    admin = pg_admin_url() if backend == "postgresql" else None
    name = f"notes_cli_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(create_pg_database(admin, name)) if admin else f"sqlite:///{tmp / 'n.db'}"
    migrations.upgrade(url)
    yield {
        "NOTES_ENV": "test",
        "NOTES_DATABASE_URL": url,
        "NOTES_DATA_DIR": str(tmp),
        "NOTES_JWT_SECRET": "j" * 40,
        "NOTES_API_KEY_PEPPER": "p" * 40,
        "NOTES_CHECKPOINT_INTERVAL_SECONDS": "0.2",
        "NOTES_LOG_LEVEL": "WARNING",
    }
    if admin:
        asyncio.run(drop_pg_database(admin, name))


def run(env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, ["audit", *args], env=env)


def generate(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """`python -m bench.audit_generate <args>` with ``env``, in this process."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    audit_generate.main(list(args))


def sql(env: dict[str, str], *statements: str) -> None:
    async def go() -> None:
        engine = create_async_engine(async_database_url(env["NOTES_DATABASE_URL"]))
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(sa.text(statement))
        await engine.dispose()

    asyncio.run(go())


def test_generate_checkpoint_verify_export(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    generate(env, monkeypatch, "--events", "300", "--clients", "20", "--days", "3")
    assert "sequenced" in capsys.readouterr().err
    done = run(env, "checkpoint")
    assert done.exit_code == 0, done.output
    checkpoint = json.loads(done.stdout)
    assert checkpoint["tree_size"] == 300
    settings = make_settings(Path(env["NOTES_DATA_DIR"]), env["NOTES_DATABASE_URL"])
    key = public_key_raw(load_secrets(settings).signing_key)
    assert verify_checkpoint(checkpoint, key, settings.service_name)
    saved = tmp_path / "checkpoint.json"
    saved.write_text(done.stdout)

    verified = run(env, "verify", "--checkpoint", str(saved))
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout) == {
        "ok": True,
        "tree_size": 300,
        "root_hash": checkpoint["root_hash"],
        "checked": 300,
        "problems": [],
    }

    exported = run(env, "export")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    # The export's own event is in it too, not sequenced yet (an operator's reading, §6).
    assert [e["seq"] for e in lines] == [*range(300), None]
    assert (lines[-1]["action"], lines[-1]["actor"]["type"]) == ("audit.export", "operator")
    csv_out = run(env, "export", "--format", "csv", "--from", "2000-01-01T00:00:00Z")
    assert len(csv_out.stdout.splitlines()) == 1 + 300 + 2  # header, events, both exports
    assert run(env, "export", "--format", "xml").exit_code != 0
    assert run(env, "export", "--from", "2026-01-01").exit_code != 0  # naive: refused

    # A superuser edits one event behind the triggers' back: exit 1, first bad event named.
    victim = lines[123]
    if env["NOTES_DATABASE_URL"].startswith("postgresql"):
        sql(
            env,
            "SET session_replication_role = replica",
            f"UPDATE audit_event SET outcome = 'denied' WHERE id = '{victim['id']}'",
        )
    else:
        sql(
            env,
            "DROP TRIGGER audit_event_no_update",
            f"UPDATE audit_event SET outcome = 'denied' WHERE id = '{uuid.UUID(victim['id']).hex}'",
        )
    failed = run(env, "verify", "--checkpoint", str(saved))
    assert failed.exit_code == 1
    first = json.loads(failed.stdout)["problems"][0]
    assert first == {"seq": 123, "event_id": victim["id"], "kind": "leaf_mismatch"}
    assert f"seq=123 event_id={victim['id']}" in failed.stderr
    # The same verdict when worker processes check the leaves.
    assert asyncio.run(_verify_in_processes(env, saved)) == json.loads(failed.stdout)


async def _verify_in_processes(env: dict[str, str], saved: Path) -> dict[str, Any]:
    settings = make_settings(Path(env["NOTES_DATA_DIR"]), env["NOTES_DATABASE_URL"])
    key = load_secrets(settings).signing_key
    engine = create_async_engine(async_database_url(env["NOTES_DATABASE_URL"]))
    async with engine.connect() as conn:
        report = await verify_log(
            conn,
            seal_key=events.seal_key(key),
            public_key=public_key_raw(key),
            origin=settings.service_name,
            saved=json.loads(saved.read_text()),
            chunk=10,
            workers=2,
        )
    await engine.dispose()
    return report.as_dict()


def test_truncation_against_a_saved_checkpoint(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(env, monkeypatch, "--events", "40", "--days", "1")
    saved = tmp_path / "checkpoint.json"
    saved.write_text(run(env, "checkpoint").stdout)
    size = json.loads(saved.read_text())["tree_size"]
    last = size - 1
    if env["NOTES_DATABASE_URL"].startswith("postgresql"):
        prelude = ["SET session_replication_role = replica"]
    else:
        prelude = [
            f"DROP TRIGGER IF EXISTS {t}_no_delete"
            for t in (
                "audit_event",
                "audit_event_client",
                "audit_leaf",
                "audit_node",
                "audit_checkpoint",
            )
        ]
    sql(
        env,
        *prelude,
        f"DELETE FROM audit_checkpoint WHERE tree_size > {last}",
        f'DELETE FROM audit_node WHERE level = 0 AND "index" = {last}',
        f"DELETE FROM audit_leaf WHERE seq = {last}",
    )
    # The event row stays: were it sequenced again it would get a fresh number; the saved
    # checkpoint still proves the log was cut.
    failed = run(env, "verify", "--checkpoint", str(saved))
    assert failed.exit_code == 1
    first = json.loads(failed.stdout)["problems"][0]
    assert first == {"seq": last, "event_id": None, "kind": "truncated"}


def test_bad_checkpoint_file(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert run(env, "verify", "--checkpoint", str(broken)).exit_code == 2


def _exports(env: dict[str, str]) -> list[tuple[uuid.UUID, str]]:
    """(practice, actor type) of every `audit.export` event."""
    event = sa.table(
        "audit_event",
        sa.column("practice_id", sa.Uuid()),
        sa.column("actor_type"),
        sa.column("action"),
    )

    async def go() -> list[tuple[uuid.UUID, str]]:
        engine = create_async_engine(async_database_url(env["NOTES_DATABASE_URL"]))
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.select(event.c.practice_id, event.c.actor_type).where(
                    event.c.action == "audit.export"
                )
            )
            found = [(p, str(a)) for p, a in rows]
        await engine.dispose()
        return found

    return asyncio.run(go())


def _add_practice(env: dict[str, str]) -> uuid.UUID:
    practice = sa.table(
        "practice", sa.column("id", sa.Uuid()), sa.column("name"), sa.column("created_at")
    )
    new = uuid.uuid4()

    async def go() -> None:
        engine = create_async_engine(async_database_url(env["NOTES_DATABASE_URL"]))
        async with engine.begin() as conn:
            await conn.execute(
                practice.insert().values(id=new, name="Second", created_at=datetime.now(UTC))
            )
        await engine.dispose()

    asyncio.run(go())
    return new


def test_an_export_from_the_command_line_is_recorded_for_each_practice_it_reads(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC §6: every reading of the log leaves an event; §2.1: an operator action."""
    generate(env, monkeypatch, "--events", "40", "--clients", "5", "--days", "1")
    second = _add_practice(env)
    assert run(env, "export").exit_code == 0
    every = _exports(env)
    assert len(every) == 2
    assert {a for _, a in every} == {"operator"}
    assert second in {p for p, _ in every}
    assert run(env, "export", "--practice", str(second)).exit_code == 0
    assert [p for p, _ in _exports(env)].count(second) == 2
    # A practice that does not exist: refused, and nothing is recorded or written.
    unknown = run(env, "export", "--practice", str(uuid.uuid4()))
    assert unknown.exit_code != 0
    assert unknown.stdout == ""
    assert len(_exports(env)) == 3
