"""`notes-api rotate-keys`: interrupted (in process, and killed as a process), then re-run."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col

from app import migrations
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.models import (
    Addendum,
    AuditEvent,
    Client,
    Episode,
    Note,
    PhaseTransition,
    Practice,
    TherapySession,
    User,
)
from app.security import rotation
from app.security.encryption import KeyRing, decrypt, key_id_of
from app.security.fields import seal
from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url
from tests.waiting import eventually

OLD, NEW = bytes(range(32)), bytes(range(100, 132))
OLD_RING = KeyRing({"k-old": OLD})
NEW_RING = KeyRing({"k-new": NEW, "k-old": OLD})
ONLY_NEW = KeyRing({"k-new": NEW})
Expected = dict[tuple[str, str, uuid.UUID], str]


@pytest.fixture(scope="module")
def private_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own: rotation re-encrypts every row, other tests' rows included."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('rotation') / 'notes.db'}"
        migrations.upgrade(url)
        yield url
        return
    admin = pg_admin_url()
    assert admin is not None
    name = f"notes_rotation_{uuid.uuid4().hex[:12]}"
    url = asyncio.run(create_pg_database(admin, name))
    migrations.upgrade(url)
    yield url
    asyncio.run(drop_pg_database(admin, name))


@pytest.fixture
async def db(private_url: str, tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the private database, emptied of protected rows first."""
    engine = create_engine(Settings(database_url=private_url, data_dir=tmp_path))
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        for table in (
            "addendum",
            "note",
            "session",
            "phase_transition",
            "episode",
            "care_team_member",
            "client",
        ):
            await session.execute(sa.text(f"DELETE FROM {table}"))
        await session.commit()
    yield sessions
    await engine.dispose()


async def _seed(sessions: async_sessionmaker[AsyncSession], notes: int) -> Expected:
    """A practice whose every encrypted column holds text under the old key."""
    expected: Expected = {}

    def sealed(row: SQLModel, column: str, text: str) -> None:
        setattr(row, column, seal(OLD_RING, row, column, text))
        expected[(str(row.__tablename__), column, row.id)] = text  # type: ignore[attr-defined]

    async with sessions() as session:
        practice = Practice(name="Rotation")
        session.add(practice)
        await session.flush()
        user = User(
            practice_id=practice.id,
            email=f"{uuid.uuid4().hex}@rot.example",
            display_name="R",
            role="therapist",
            password_hash="x",
        )
        session.add(user)
        await session.flush()
        client = Client(
            practice_id=practice.id, given_name="A", family_name="B", primary_therapist_id=user.id
        )
        sealed(client, "presenting_concerns", "concerns")
        episode = Episode(
            practice_id=practice.id,
            client_id=client.id,
            therapist_id=user.id,
            started_on=date(2026, 1, 1),
        )
        sealed(episode, "goals", "goals")
        session.add_all([client, episode])
        await session.flush()
        moved = PhaseTransition(
            practice_id=practice.id,
            episode_id=episode.id,
            position=0,
            to_phase="working_through",
            effective_on=date(2026, 1, 1),
            recorded_by=user.id,
        )
        sealed(moved, "rationale", "rationale")
        session.add(moved)
        for number in range(notes):
            visit = TherapySession(
                practice_id=practice.id,
                client_id=client.id,
                episode_id=episode.id,
                therapist_id=user.id,
                starts_at=datetime(2026, 1, 2, tzinfo=UTC),
                starts_on=date(2026, 1, 2),
                duration_minutes=50,
                modality="video",
            )
            session.add(visit)
            await session.flush()
            note = Note(
                practice_id=practice.id,
                session_id=visit.id,
                client_id=client.id,
                kind="progress",
                author_id=user.id,
                status="signed",
                risk_level="low",
            )
            for column in ("body", "risk_details", "plan"):
                sealed(note, column, f"{column} {number}")
            session.add(note)
            await session.flush()
            addendum = Addendum(
                practice_id=practice.id, note_id=note.id, author_id=user.id, body="", reason=""
            )
            sealed(addendum, "body", f"addendum {number}")
            sealed(addendum, "reason", f"reason {number}")
            session.add(addendum)
        await session.commit()
    return expected


async def _tokens(
    sessions: async_sessionmaker[AsyncSession], expected: Expected
) -> dict[tuple[str, str, uuid.UUID], str]:
    """The stored token of every expected field."""
    found = {}
    async with sessions() as session:
        for table, column, row_id in expected:
            t = sa.table(table, sa.column("id", sa.Uuid()), sa.column(column, sa.Text()))
            found[(table, column, row_id)] = (
                await session.execute(select(t.c[column]).where(t.c.id == row_id))
            ).scalar_one()
    return found


def _all_readable(
    tokens: dict[tuple[str, str, uuid.UUID], str], expected: Expected, ring: KeyRing
) -> None:
    for (table, column, row_id), token in tokens.items():
        plain = decrypt(ring, token, table=table, column=column, row_id=str(row_id))
        assert plain == expected[(table, column, row_id)]


class Interrupted(Exception):
    """Stands in for the process dying between two batches."""


async def test_interrupted_rotation_resumes_and_loses_nothing(
    db: async_sessionmaker[AsyncSession],
) -> None:
    expected = await _seed(db, notes=6)

    def crash_after_three(batches: int) -> None:
        if batches == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        await rotation.rotate(
            sessionmaker=db, ring=NEW_RING, batch_size=2, after_batch=crash_after_three
        )
    halfway = await _tokens(db, expected)
    keys = [key_id_of(token) for token in halfway.values()]
    assert keys.count("k-new") == 6
    assert keys.count("k-old") == len(keys) - 6
    _all_readable(halfway, expected, NEW_RING)

    report = await rotation.rotate(sessionmaker=db, ring=NEW_RING, batch_size=2)
    assert report.failed == []
    assert report.total == len(expected) - 6
    _all_readable(await _tokens(db, expected), expected, ONLY_NEW)
    again = await rotation.rotate(sessionmaker=db, ring=NEW_RING, batch_size=2)
    assert again.total == 0
    assert again.batches == 0

    async with db() as session:
        practices = await rotation.record_rotation(session, report)
        await session.commit()
        events = (
            (
                await session.execute(
                    select(AuditEvent).where(col(AuditEvent.action) == "encryption.rotate_keys")
                )
            )
            .scalars()
            .all()
        )
    assert practices >= 1
    assert len(events) >= practices
    assert {(e.actor_type, e.outcome, e.resource_id) for e in events[-practices:]} == {
        ("system", "success", "k-new")
    }


async def test_unreadable_field_is_reported_and_skipped(
    db: async_sessionmaker[AsyncSession],
) -> None:
    expected = await _seed(db, notes=2)
    (_, _, first), (_, _, second) = [k for k in expected if k[:2] == ("note", "body")]
    async with db() as session:
        moved = (
            await session.execute(select(col(Note.body)).where(col(Note.id) == first))
        ).scalar_one()
        await session.execute(sa.update(Note).where(col(Note.id) == second).values(body=moved))
        await session.commit()
    report = await rotation.rotate(sessionmaker=db, ring=NEW_RING, batch_size=50)
    assert report.failed == [("note", "body", str(second))]
    assert report.total == len(expected) - 1


async def test_plaintext_left_by_an_older_version_is_sealed(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """A replica still on the old version wrote a rationale in clear after the migration."""
    expected = await _seed(db, notes=1)
    (key,) = [k for k in expected if k[:2] == ("phase_transition", "rationale")]
    async with db() as session:
        await session.execute(
            sa.update(PhaseTransition)
            .where(col(PhaseTransition.id) == key[2])
            .values(rationale="written in clear")
        )
        await session.commit()
    expected[key] = "written in clear"
    report = await rotation.rotate(sessionmaker=db, ring=NEW_RING, batch_size=50)
    assert report.failed == []
    assert report.rotated["phase_transition.rationale"] == 1
    _all_readable(await _tokens(db, expected), expected, ONLY_NEW)


def test_every_encrypted_column_is_registered() -> None:
    text_columns = {
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.c
        if type(column.type) is sa.Text
    }
    registered = {(entry.table, entry.column) for entry in rotation.ENCRYPTED_COLUMNS}
    assert registered <= text_columns, registered - text_columns
    # Text columns hold protected text unless listed here as public. A webhook payload is a
    # thin change event: ids and a type (docs/integrations.md).
    public = {("audit_checkpoint", "signed_note"), ("webhook_delivery", "payload")}
    assert text_columns - registered == public


def _key_line(key_id: str, key: bytes) -> str:
    return f"{key_id}:{base64.b64encode(key).decode()}"


async def _count_new(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(
            (
                await session.execute(
                    select(sa.func.count()).where(col(Note.body).startswith("v1.k-new."))
                )
            ).scalar_one()
        )


@pytest.mark.slow
async def test_killed_command_is_rerun_safely(
    db: async_sessionmaker[AsyncSession], private_url: str, tmp_path: Path
) -> None:
    expected = await _seed(db, notes=20)
    env = os.environ | {
        "NOTES_DATABASE_URL": private_url,
        "NOTES_DATA_DIR": str(tmp_path),
        "NOTES_ENV": "test",
        "NOTES_ENCRYPTION_KEYS": f"{_key_line('k-new', NEW)},{_key_line('k-old', OLD)}",
    }
    command = [sys.executable, "-m", "app.cli", "rotate-keys", "--batch-size", "1"]
    async with db() as holder:
        if private_url.startswith("postgresql"):
            # note.body goes first, by id: the fourth note stays locked until the kill, so the
            # command cannot finish first however the scheduler treats either process.
            fourth = select(col(Note.id)).order_by(col(Note.id)).offset(3).limit(1)
            held = (await holder.execute(fourth)).scalar_one()
            await holder.execute(select(col(Note.id)).where(col(Note.id) == held).with_for_update())
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        async def first_batches_committed() -> bool:
            return await _count_new(db) >= 3 or process.poll() is not None

        try:
            await eventually(first_batches_committed, interval=0.01)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the command finished before it was killed"
    halfway = await _tokens(db, expected)
    keys = {key_id_of(token) for token in halfway.values()}
    assert keys == {"k-new", "k-old"}, "the kill should land mid-way"
    _all_readable(halfway, expected, NEW_RING)

    rerun = subprocess.run(
        [*command[:-1], "100"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "all protected fields are under key k-new" in rerun.stdout
    _all_readable(await _tokens(db, expected), expected, ONLY_NEW)
