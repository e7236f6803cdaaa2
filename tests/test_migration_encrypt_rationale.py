"""0009_encrypt_rationale on a populated database: plaintext rationales become ciphertext.

Rows are written with Core statements at the previous revision, as the service of that
revision stored them; after the upgrade they are ciphertext and read back through the API.
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import sqlalchemy as sa

from app import migrations
from app.config import Settings
from app.db import UTCDateTime, create_engine
from app.main import create_app
from app.security.encryption import KeyRing, decrypt
from app.security.tokens import issue_access_token
from tests.conftest import create_pg_database, drop_pg_database, make_settings, pg_admin_url

BEFORE = "0008_auth_credentials"
KEY = bytes(range(32))
RING = KeyRing({"k-mig": KEY})
KEYS = f"k-mig:{base64.b64encode(KEY).decode()}"
# A rationale as long as the API accepts, in characters that take several bytes each.
LONGEST = "Ü" * 1999 + "."
RATIONALES = ["Went back: the loss was re-enacted with the new partner.", None, LONGEST]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'notes.db'}"
        return
    admin = pg_admin_url()
    if not admin:
        pytest.skip("NOTES_TEST_DATABASE_URL not set")
    name = f"notes_mig_{uuid.uuid4().hex[:10]}"
    yield asyncio.run(create_pg_database(admin, name))
    asyncio.run(drop_pg_database(admin, name))


def _id(name: str = "id") -> sa.ColumnClause[uuid.UUID]:
    return sa.column(name, sa.Uuid())


def _at(name: str) -> sa.ColumnClause[datetime]:
    return sa.column(name, UTCDateTime())


class Seeded:
    """What was written at the previous revision."""

    def __init__(self) -> None:
        self.practice, self.therapist = uuid.uuid4(), uuid.uuid4()
        self.client, self.episode = uuid.uuid4(), uuid.uuid4()
        self.transitions = sorted(uuid.uuid4() for _ in RATIONALES)


async def _seed_old_rows(url: str, tmp: Path) -> Seeded:
    """Practice, therapist, client, episode and phase history, rationales in plaintext."""
    seeded, now = Seeded(), datetime.now(UTC)
    engine = create_engine(Settings(database_url=url, data_dir=tmp))
    stamps = {"created_at": now, "updated_at": now}
    async with engine.begin() as conn:
        practice = sa.table("practice", _id(), sa.column("name"), _at("created_at"))
        await conn.execute(practice.insert().values(id=seeded.practice, name="Old", created_at=now))
        user = sa.table(
            "user",
            *(_id(n) for n in ("id", "practice_id")),
            *(sa.column(n) for n in ("email", "display_name", "role", "password_hash")),
            *(sa.column(n) for n in ("requires_cosign", "active", "version")),
            *(_at(n) for n in stamps),
        )
        await conn.execute(
            user.insert().values(
                id=seeded.therapist,
                practice_id=seeded.practice,
                email=f"t-{seeded.therapist.hex[:8]}@old.example",
                display_name="Therapist",
                role="therapist",
                password_hash="unused",  # noqa: S106 - never used to log in
                requires_cosign=False,
                active=True,
                version=1,
                **stamps,
            )
        )
        client = sa.table(
            "client",
            *(_id(n) for n in ("id", "practice_id", "primary_therapist_id")),
            *(sa.column(n) for n in ("given_name", "family_name", "status", "version")),
            *(_at(n) for n in stamps),
        )
        await conn.execute(
            client.insert().values(
                id=seeded.client,
                practice_id=seeded.practice,
                primary_therapist_id=seeded.therapist,
                given_name="Old",
                family_name="Client",
                status="active",
                version=1,
                **stamps,
            )
        )
        episode = sa.table(
            "episode",
            *(_id(n) for n in ("id", "practice_id", "client_id", "therapist_id")),
            sa.column("started_on", sa.Date()),
            *(sa.column(n) for n in ("status", "current_phase", "version")),
            *(_at(n) for n in stamps),
        )
        await conn.execute(
            episode.insert().values(
                id=seeded.episode,
                practice_id=seeded.practice,
                client_id=seeded.client,
                therapist_id=seeded.therapist,
                started_on=date(2026, 1, 5),
                status="open",
                current_phase="exploration",
                version=1,
                **stamps,
            )
        )
        transition = sa.table(
            "phase_transition",
            *(_id(n) for n in ("id", "practice_id", "episode_id", "recorded_by")),
            *(sa.column(n) for n in ("position", "from_phase", "to_phase", "rationale")),
            sa.column("effective_on", sa.Date()),
            _at("recorded_at"),
        )
        phases = [(None, "initial"), ("initial", "working_through"), ("working_through", "initial")]
        for position, (ident, rationale) in enumerate(
            zip(seeded.transitions, RATIONALES, strict=True)
        ):
            await conn.execute(
                transition.insert().values(
                    id=ident,
                    practice_id=seeded.practice,
                    episode_id=seeded.episode,
                    recorded_by=seeded.therapist,
                    position=position,
                    from_phase=phases[position][0],
                    to_phase=phases[position][1],
                    rationale=rationale,
                    effective_on=date(2026, 1, 5 + position),
                    recorded_at=now,
                )
            )
    await engine.dispose()
    return seeded


async def _stored(url: str, tmp: Path) -> dict[uuid.UUID, str | None]:
    engine = create_engine(Settings(database_url=url, data_dir=tmp))
    table = sa.table("phase_transition", _id(), sa.column("rationale", sa.Text()))
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(table.c.id, table.c.rationale))).all()
    await engine.dispose()
    return dict(rows)


async def _read_through_the_api(url: str, tmp: Path, seeded: Seeded) -> list[str | None]:
    settings = make_settings(tmp, url, encryption_keys=KEYS)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        token, _ = issue_access_token(
            settings=settings,
            secret=application.state.services.secrets.jwt_secret,
            user_id=seeded.therapist,
            practice_id=seeded.practice,
            role="therapist",
        )
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            listed = await http.get(
                f"/v1/episodes/{seeded.episode}/phase-transitions",
                headers={"Authorization": f"Bearer {token}"},
            )
    assert listed.status_code == 200, listed.text
    return [item["rationale"] for item in listed.json()["items"]]


def test_existing_rationales_are_encrypted_and_still_read(url: str, tmp_path: Path) -> None:
    migrations.upgrade(url, BEFORE)
    seeded = asyncio.run(_seed_old_rows(url, tmp_path))
    assert list(asyncio.run(_stored(url, tmp_path)).values()).count(RATIONALES[0]) == 1

    migrations.upgrade(url, key_ring=RING)

    stored = asyncio.run(_stored(url, tmp_path))
    for ident, rationale in zip(seeded.transitions, RATIONALES, strict=True):
        token = stored[ident]
        if rationale is None:
            assert token is None
            continue
        assert token is not None
        assert token.startswith("v1.k-mig.")
        location = {"table": "phase_transition", "column": "rationale", "row_id": str(ident)}
        assert decrypt(RING, token, **location) == rationale
    assert asyncio.run(_read_through_the_api(url, tmp_path, seeded)) == RATIONALES

    # Down and up again: plaintext back, then encrypted afresh (nothing is encrypted twice).
    migrations.downgrade(url, BEFORE, key_ring=RING)
    assert asyncio.run(_stored(url, tmp_path)) == dict(
        zip(seeded.transitions, RATIONALES, strict=True)
    )
    migrations.upgrade(url, key_ring=RING)
    assert asyncio.run(_read_through_the_api(url, tmp_path, seeded)) == RATIONALES


def test_the_keys_come_from_the_configuration_and_none_is_invented(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations.upgrade(url, BEFORE)
    seeded = asyncio.run(_seed_old_rows(url, tmp_path))
    empty = tmp_path / "no-keys-here"
    monkeypatch.delenv("NOTES_ENCRYPTION_KEYS", raising=False)
    monkeypatch.setenv("NOTES_DATA_DIR", str(empty))
    with pytest.raises(RuntimeError, match="NOTES_ENCRYPTION_KEYS"):
        migrations.upgrade(url)
    assert not empty.exists()
    # As `notes-api migrate` runs it: the service's own configuration.
    monkeypatch.setenv("NOTES_ENCRYPTION_KEYS", KEYS)
    migrations.upgrade(url)
    stored = asyncio.run(_stored(url, tmp_path))
    token = stored[seeded.transitions[0]]
    assert token is not None
    assert token.startswith("v1.k-mig.")


def _no_secure_delete(dbapi_connection: Any, _record: Any) -> None:
    """Stands in for an SQLite build whose default leaves deleted content in the file."""
    if "sqlite" in type(dbapi_connection).__module__:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete = OFF")
        cursor.close()


async def _postgres_files(url: str) -> bytes:
    """The bytes of the phase_transition table's files (heap and TOAST) after a checkpoint."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
        folder = Path(await conn.fetchval("SHOW data_directory"))
        paths = await conn.fetch(
            "SELECT pg_relation_filepath(oid) FROM pg_class"
            " WHERE oid = 'phase_transition'::regclass"
            " OR oid = (SELECT reltoastrelid FROM pg_class WHERE relname = 'phase_transition')"
        )
    finally:
        await conn.close()
    files = [folder / row[0] for row in paths]
    if not all(os.access(file, os.R_OK) for file in files):
        pytest.skip("the database server's files are not readable here")
    return b"".join(file.read_bytes() for file in files)


def test_the_old_plaintext_does_not_linger_in_the_database_files(url: str, tmp_path: Path) -> None:
    migrations.upgrade(url, BEFORE)
    asyncio.run(_seed_old_rows(url, tmp_path))
    plaintext = RATIONALES[0]
    assert plaintext is not None
    sa.event.listen(sa.engine.Engine, "connect", _no_secure_delete)
    try:
        migrations.upgrade(url, key_ring=RING)
    finally:
        sa.event.remove(sa.engine.Engine, "connect", _no_secure_delete)
    if url.startswith("sqlite"):
        folder = tmp_path
        stored = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("notes.db"))
        assert b"phase_transition" in stored
    else:
        stored = asyncio.run(_postgres_files(url))
        assert stored
    assert plaintext.encode() not in stored
