"""0015_clinical_keys_kind: a stored key with a clinical scope beside audit:read becomes
clinical; an auditor's own key and an operational key stay as they were."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import migrations
from app.config import Settings
from app.db import UTCDateTime, create_engine
from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url

BEFORE = "0014_webhook_owner_key"
KEYS = {
    "mixed": (["audit:read", "notes:read"], "clinical"),
    "progress": (["audit:read", "progress:read"], "clinical"),
    "auditor": (["audit:read"], "audit"),
    "operational": (["clients:read"], "operational"),
}


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


_KEY = sa.table(
    "api_key",
    *(sa.column(n, sa.Uuid()) for n in ("id", "practice_id")),
    *(sa.column(n) for n in ("name", "prefix", "secret_hash", "kind", "pending_approval")),
    sa.column("scopes", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
)


async def _seed(url: str, tmp: Path) -> None:
    engine = create_engine(Settings(database_url=url, data_dir=tmp))
    now, practice = datetime.now(UTC), uuid.uuid4()
    async with engine.begin() as conn:
        table = sa.table(
            "practice",
            sa.column("id", sa.Uuid()),
            sa.column("name"),
            sa.column("created_at", UTCDateTime()),
        )
        await conn.execute(table.insert().values(id=practice, name="Old", created_at=now))
        for i, (name, (scopes, _)) in enumerate(KEYS.items()):
            await conn.execute(
                _KEY.insert().values(
                    id=uuid.uuid4(),
                    practice_id=practice,
                    name=name,
                    prefix=f"nsk_{i:06d}",
                    secret_hash=f"{i:064d}",
                    kind="audit" if "audit:read" in scopes else "operational",
                    pending_approval=False,
                    scopes=scopes,
                    created_at=now,
                )
            )
    await engine.dispose()


async def _kinds(url: str, tmp: Path) -> dict[str, str]:
    engine = create_engine(Settings(database_url=url, data_dir=tmp))
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(_KEY.c.name, _KEY.c.kind))).all()
    await engine.dispose()
    return {str(name): str(kind) for name, kind in rows}


def test_keys_that_read_clinical_data_become_clinical(url: str, tmp_path: Path) -> None:
    migrations.upgrade(url, BEFORE)
    asyncio.run(_seed(url, tmp_path))
    assert asyncio.run(_kinds(url, tmp_path))["mixed"] == "audit"
    migrations.upgrade(url)
    assert asyncio.run(_kinds(url, tmp_path)) == {name: kind for name, (_, kind) in KEYS.items()}
