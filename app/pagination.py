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
from app.query_params import query_with_defaults
from app.schema_types import Documented
from app.security.caller import Caller, CallerDep
from app.state import app_state

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# What `next_cursor` always looks like: unpadded URL-safe base64 of a 16-byte MAC and the
# sort key (JSON, at least `[]`); empty is the first page. Stated in the document only: a
# cursor of another shape, or one this service did not sign for this list, is the same 400
# "Invalid pagination cursor".
MAX_CURSOR = 512
CURSOR_PATTERN = rf"^(?:[A-Za-z0-9_-]{{24,{MAX_CURSOR}}})?$"
# The list is not in the cursor, only in its MAC: another list's cursor and an altered one are
# told apart by nobody, so one answer names both.
INVALID_CURSOR = (
    "Invalid pagination cursor: not one this list issued to this caller (same path, filters "
    "and order), or altered. Repeat the query it came from, or follow the Link header"
)
# Never part of the list a cursor belongs to: the cursor itself, and the page size.
_NOT_THE_LIST = frozenset({"cursor", "limit"})


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
    """`limit` and `cursor` query parameters, with the cursor already verified for this list
    and caller (see `list_identity`)."""

    def __init__(
        self,
        request: Request,
        response: Response,
        caller: CallerDep,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Page size (max 200).")
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            Annotated[str, Documented(pattern=CURSOR_PATTERN)] | None,
            # No max_length: a longer cursor is one this service never issued, the same 400.
            Query(
                description="Opaque cursor from `next_cursor`, for the same list only: same "
                "path, filters and order, same user or API key (400 when this service did not "
                "issue it for this list and caller).",
            ),
        ] = None,
    ):
        self.limit = limit
        self._request, self._response = request, response
        self._key = app_state(request).secrets.cursor_key
        self._list = list_identity(request, caller)
        self.after: list[Any] | None = (
            decode_cursor(cursor, self._key, list_id=self._list) if cursor else None
        )

    def after_values(self, *types: Any) -> tuple[Any, ...] | None:
        """The cursor's sort key converted to the given types (datetime, uuid.UUID, int, str)."""
        if self.after is None:
            return None
        if len(self.after) != len(types):
            raise BadRequest(INVALID_CURSOR)
        try:
            return tuple(_convert(t, v) for t, v in zip(types, self.after, strict=True))
        except (ValueError, TypeError):
            raise BadRequest(INVALID_CURSOR) from None

    def next_cursor(self, rows: list[Any], key_of: Any) -> str | None:
        """The cursor after the last row, when a further page may exist (also a `Link` header)."""
        if len(rows) <= self.limit:
            return None
        cursor = encode_cursor(key_of(rows[self.limit - 1]), self._key, list_id=self._list)
        link_next(self._response, self._request, cursor)
        return cursor


def list_identity(request: Request, caller: Caller) -> bytes:
    """What a cursor is bound to: the route, its path parameters, the query but for cursor and
    limit (defaults filled in), and the caller's user or API key id (not the token: a retry
    with a refreshed token or a rotated key secret goes on)."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    query = [(k, v) for k, v in query_with_defaults(request) if k not in _NOT_THE_LIST]
    path = sorted((k, str(v)) for k, v in request.path_params.items())
    who = f"{caller.kind}:{caller.id}"
    return json.dumps([route, path, query, who], separators=(",", ":")).encode()


def next_page_url(request: Request, cursor: str, name: str = "cursor") -> str:
    """This list's URL with the same query and the next cursor in `name` (relative, RFC 8288
    §3.1)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != name]
    return f"{request.url.path}?{urlencode([*query, (name, cursor)])}"


def link_next(response: Response, request: Request, cursor: str, name: str = "cursor") -> None:
    """The `Link: <…>; rel="next"` header of a page that has a next one (SPEC §4)."""
    response.headers["Link"] = f'<{next_page_url(request, cursor, name)}>; rel="next"'


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


def _mac(key: bytes, list_id: bytes, payload: bytes) -> bytes:
    """The MAC of a sort key under a key derived for one list (so no list reads another's)."""
    list_key = hmac.new(key, b"cursor-list:" + list_id, hashlib.sha256).digest()
    return hmac.new(list_key, payload, hashlib.sha256).digest()[:16]


def encode_cursor(values: list[Any], key: bytes, *, list_id: bytes) -> str:
    """Sign the sort key of the last row seen, for the list `list_id` names."""
    payload = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(_mac(key, list_id, payload) + payload).decode().rstrip("=")


def decode_cursor(cursor: str, key: bytes, *, list_id: bytes) -> list[Any]:
    """Verify and open a cursor; one altered or issued for another list is a 400."""
    if len(cursor) > MAX_CURSOR:
        raise BadRequest(INVALID_CURSOR)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mac, payload = raw[:16], raw[16:]
        if not hmac.compare_digest(mac, _mac(key, list_id, payload)):
            raise ValueError("bad mac")
        values = json.loads(payload)
        if not isinstance(values, list):
            raise ValueError("bad payload")
        return values
    except (ValueError, TypeError):
        raise BadRequest(INVALID_CURSOR) from None


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
