"""Keyset pagination with opaque, signed cursors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin
from urllib.parse import urlencode

from fastapi import Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BadRequest
from app.schema_types import Documented
from app.state import app_state

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# What `next_cursor` always looks like: unpadded URL-safe base64 of a 16-byte MAC and the
# sort key (JSON, at least `[]`); empty is the first page. Stated in the document only: a
# cursor of another shape, or one this service did not sign for this list, is the same 400
# "Invalid pagination cursor".
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{24,512})?$"


class Page(BaseModel, Generic[T]):
    """One page of a list, with the cursor of the next page (null at the end)."""

    items: list[T]
    next_cursor: str | None

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """`ClientPage`, not `Page[Union[ClientClinicalOut, ClientOut]]`: named by its items."""
        names = [getattr(member, "__name__", "") for member in _members(params[0])]
        shortest: str = min(filter(None, names), key=len)
        return shortest.removesuffix("Out") + "Page"


def _members(item: Any) -> list[Any]:
    """The classes an item type stands for (the members of a union, however annotated)."""
    if get_origin(item) is Annotated:
        return _members(get_args(item)[0])
    if get_origin(item) in (Union, UnionType):
        return [found for member in get_args(item) for found in _members(member)]
    return [item]


class PageParams:
    """`limit` and `cursor` query parameters, with the cursor already verified."""

    def __init__(
        self,
        request: Request,
        response: Response,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Page size (max 200).")
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            Annotated[str, Documented(pattern=CURSOR_PATTERN)] | None,
            Query(
                max_length=512,
                description="Opaque cursor from `next_cursor` (400 when this service did not "
                "issue it for this list).",
            ),
        ] = None,
    ):
        self.limit = limit
        self._request, self._response = request, response
        self._key = app_state(request).secrets.cursor_key
        self.after: list[Any] | None = decode_cursor(cursor, self._key) if cursor else None

    def after_values(self, *types: Any) -> tuple[Any, ...] | None:
        """The cursor's sort key converted to the given types (datetime, uuid.UUID, int, str)."""
        if self.after is None:
            return None
        if len(self.after) != len(types):
            raise BadRequest("Invalid pagination cursor")
        try:
            return tuple(_convert(t, v) for t, v in zip(types, self.after, strict=True))
        except (ValueError, TypeError):
            raise BadRequest("Invalid pagination cursor") from None

    def next_cursor(self, rows: list[Any], key_of: Any) -> str | None:
        """The cursor after the last row, when a further page may exist (also a `Link` header)."""
        if len(rows) <= self.limit:
            return None
        cursor = encode_cursor(key_of(rows[self.limit - 1]), self._key)
        self._response.headers["Link"] = f'<{next_page_url(self._request, cursor)}>; rel="next"'
        return cursor


def next_page_url(request: Request, cursor: str) -> str:
    """This list's URL with the same query and the next cursor (relative, RFC 8288 §3.1)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return f"{request.url.path}?{urlencode([*query, ('cursor', cursor)])}"


def _convert(kind: Any, value: Any) -> Any:
    if kind is datetime:
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("naive")
        return parsed
    if kind is date:
        return date.fromisoformat(str(value))
    if kind is uuid.UUID:
        return uuid.UUID(str(value))
    if kind is int and isinstance(value, bool):
        raise TypeError("bool")
    return kind(value)


def encode_cursor(values: list[Any], key: bytes) -> str:
    """Sign the sort key of the last row seen."""
    payload = json.dumps(values, separators=(",", ":"), default=str).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac + payload).decode().rstrip("=")


def decode_cursor(cursor: str, key: bytes) -> list[Any]:
    """Verify and open a cursor; a tampered one is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mac, payload = raw[:16], raw[16:]
        if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()[:16]):
            raise ValueError("bad mac")
        values = json.loads(payload)
        if not isinstance(values, list):
            raise ValueError("bad payload")
        return values
    except (ValueError, TypeError):
        raise BadRequest("Invalid pagination cursor") from None


def created_key(row: Any) -> list[str]:
    """The (created_at, id) sort key of a row, as a cursor stores it."""
    return [row.created_at.isoformat(), str(row.id)]


async def oldest_first(
    session: AsyncSession, query: Any, table: Any, page: PageParams
) -> list[Any]:
    """Rows of `query` after the cursor in (created_at, id) order, one beyond the page."""
    after = page.after_values(datetime, uuid.UUID)
    if after:
        query = query.where(tuple_(table.created_at, table.id) > after)
    query = query.order_by(table.created_at, table.id).limit(page.limit + 1)
    return list((await session.execute(query)).scalars())
