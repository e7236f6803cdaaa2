"""The schema's migrations (Alembic), shipped inside the package, and running them from code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for these migrations, bound to a database URL (any accepted form).

    No alembic.ini is read: the one at the repository root is for developers' `alembic
    revision`; an installed package has only this folder.
    """
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        config.attributes["url"] = url
    return config


@cache
def heads() -> frozenset[str]:
    """The revision(s) the schema must be at."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply migrations up to a revision."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Revert migrations down to a revision."""
    command.downgrade(alembic_config(url), revision)
