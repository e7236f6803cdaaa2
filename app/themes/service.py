"""Theme catalog rules: system themes are read-only, a practice's codes are never reused."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.etag import bump_version
from app.models import Theme
from app.themes.catalog import DMRS_LEVEL_NAMES
from app.themes.schemas import ThemeCreate, ThemeOut, ThemeUpdate


class ThemeNotFound(NotFound):
    """No such theme in the caller's catalog (other practices' themes are invisible)."""


class SystemThemeReadOnly(Forbidden):
    """System themes are seeded by migrations and never edited."""


class ThemeCodeTaken(Conflict):
    """The code is, or once was, in use in this practice or by a system theme."""


class ThemeUnusable(Unprocessable):
    """An observation names a theme that is unknown, or deactivated, in the practice."""


def visible(practice_id: uuid.UUID | sa.BindParameter[uuid.UUID]) -> sa.ColumnElement[bool]:
    """SQL condition: the system themes and the practice's own."""
    return sa.or_(col(Theme.practice_id).is_(None), col(Theme.practice_id) == practice_id)


def theme_out(theme: Theme) -> ThemeOut:
    """The output shape of a theme row."""
    return ThemeOut(
        code=theme.code,
        label=theme.label,
        category=theme.category,
        description=theme.description,
        dmrs_level=theme.dmrs_level,
        dmrs_level_name=theme.dmrs_level_name,
        system=theme.practice_id is None,
        active=theme.active,
    )


async def list_themes(
    *,
    session: AsyncSession,
    practice_id: uuid.UUID,
    category: str | None,
    active: bool | None,
    after_code: str | None,
    limit: int,
) -> list[Theme]:
    """Up to `limit` themes visible to a practice, by code, after a cursor code."""
    query = select(Theme).where(visible(practice_id))
    if category is not None:
        query = query.where(col(Theme.category) == category)
    if active is not None:
        query = query.where(col(Theme.active) == active)
    if after_code is not None:
        query = query.where(col(Theme.code) > after_code)
    query = query.order_by(col(Theme.code)).limit(limit)
    return list((await session.execute(query)).scalars())


# Built once: building a statement costs more than running it.
_THEME_BY_CODE = select(Theme).where(
    visible(sa.bindparam("practice_id")), col(Theme.code) == sa.bindparam("code")
)


async def find_theme(*, session: AsyncSession, practice_id: uuid.UUID, code: str) -> Theme | None:
    """The theme a practice knows under `code` (codes never shadow each other), or None."""
    found = await session.execute(_THEME_BY_CODE, {"practice_id": practice_id, "code": code})
    return found.scalar_one_or_none()


async def get_theme(*, session: AsyncSession, practice_id: uuid.UUID, code: str) -> Theme:
    """The theme a practice knows under `code`, or 404."""
    theme = await find_theme(session=session, practice_id=practice_id, code=code)
    if theme is None:
        raise ThemeNotFound("No such theme")
    return theme


def usable(theme: Theme | None) -> Theme:
    """The theme if an observation may name it, or 422 (unknown and inactive alike)."""
    if theme is None:
        raise ThemeUnusable("theme_code: no such theme in this practice's catalog")
    if not theme.active:
        raise ThemeUnusable("theme_code: this theme is deactivated")
    return theme


async def create_theme(
    *, session: AsyncSession, practice_id: uuid.UUID, created_by: uuid.UUID, theme_in: ThemeCreate
) -> Theme:
    """Add a practice's own theme; 409 when the code is taken (now, before, or by the system)."""
    existing = await session.execute(
        select(col(Theme.id)).where(visible(practice_id), col(Theme.code) == theme_in.code)
    )
    if existing.first() is not None:
        raise ThemeCodeTaken("This code is already used in the catalog; codes are never reused")
    level = theme_in.dmrs_level
    theme = Theme(
        practice_id=practice_id,
        code=theme_in.code,
        label=theme_in.label,
        category=theme_in.category,
        description=theme_in.description,
        dmrs_level=level,
        dmrs_level_name=None if level is None else DMRS_LEVEL_NAMES[level],
        created_by=created_by,
    )
    session.add(theme)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # A concurrent request claimed the same code first.
        raise ThemeCodeTaken("This code is already used in the catalog") from None
    return theme


async def update_theme(
    *, session: AsyncSession, theme: Theme, theme_in: ThemeUpdate, expected_version: int | None
) -> Theme:
    """Relabel, describe, deactivate or reactivate a practice's own theme (403 for system).

    412 when it changed since `expected_version` was read.
    """
    if theme.practice_id is None:
        raise SystemThemeReadOnly("System themes are read-only")
    changes = theme_in.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(theme, field, value)
    if changes:
        await bump_version(session, theme, expected_version)
        theme.updated_at = utcnow()
        session.add(theme)
        await session.flush()
    return theme
