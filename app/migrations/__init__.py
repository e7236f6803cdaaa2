"""The schema's migrations (Alembic), shipped inside the package, and running them from code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.security.encryption import KeyRing

HERE = Path(__file__).resolve().parent


def alembic_config(url: str | None = None, *, key_ring: KeyRing | None = None) -> Config:
    """An Alembic config for these migrations, bound to a database URL (any accepted form).

    No alembic.ini is read: the one at the repository root is for developers' `alembic
    revision`; an installed package has only this folder.
    """
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        config.attributes["url"] = url
    if key_ring is not None:
        # Data migrations that encrypt existing rows use it (app/migrations/sealing.py).
        config.attributes["key_ring"] = key_ring
    return config


@cache
def heads() -> frozenset[str]:
    """The revision(s) the schema must be at."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(url: str, revision: str = "heads", *, key_ring: KeyRing | None = None) -> None:
    """Apply migrations up to a revision (with the service's keys when rows must be encrypted)."""
    command.upgrade(alembic_config(url, key_ring=key_ring), revision)


def downgrade(url: str, revision: str = "base", *, key_ring: KeyRing | None = None) -> None:
    """Revert migrations down to a revision."""
    command.downgrade(alembic_config(url, key_ring=key_ring), revision)
