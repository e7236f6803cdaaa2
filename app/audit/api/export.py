"""Streaming exports of the log (NDJSON, CSV, FHIR) in constant memory: keyset chunks.

Order: sequenced events by ``seq``, then events not yet sequenced by (occurred_at, id), with
``seq`` and ``leaf_hash`` null. For a practice's auditor, a full NDJSON export (no time
bounds) keeps every leaf of the one shared tree: other practices' events appear only as
``{"seq", "leaf_hash", "redacted": true}`` so that the export rebuilds the signed root
while revealing nothing of them but their count.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.audit.api.fhir import audit_event_resource
from app.audit.ledger import events, tree
from app.audit.ledger.tree import EVENT, LEAF

Format = Literal["ndjson", "csv", "fhir"]
CHUNK: Final = 5000
MEDIA_TYPES: Final[dict[str, str]] = {
    "ndjson": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "fhir": "application/fhir+ndjson",
}
# How each format is declared in the OpenAPI document: a stream of text, line by line.
EXPORT_SCHEMAS: Final[dict[str, dict[str, str]]] = {
    MEDIA_TYPES["ndjson"]: {
        "type": "string",
        "description": "One `AuditEventOut` JSON object per line, in `seq` order.",
    },
    MEDIA_TYPES["csv"]: {
        "type": "string",
        "description": "A header row, then one row per event (columns as in `AuditEventOut`).",
    },
    MEDIA_TYPES["fhir"]: {
        "type": "string",
        "description": "One FHIR R4 `AuditEvent` resource (JSON) per line.",
    },
}
CSV_COLUMNS: Final = (
    "seq",
    "id",
    "occurred_at",
    "practice_id",
    "request_id",
    "actor_type",
    "actor_id",
    "actor_role",
    "action",
    "resource_type",
    "resource_id",
    "client_ids",
    "outcome",
    "http_status",
    "purpose_of_use",
    "break_glass_reason",
    "source_ip",
    "user_agent",
    "method",
    "route",
    "leaf_hash",
    "details",
)
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportSpec:
    """What to export: whose events, which format, which time range."""

    fmt: Format
    practice_id: uuid.UUID | None
    start: datetime | None = None
    end: datetime | None = None
    observer: str = "session-notes-api"

    @property
    def stubs(self) -> bool:
        """Whether other practices' leaves are written as redacted stubs."""
        return (
            self.fmt == "ndjson"
            and self.practice_id is not None
            and self.start is None
            and self.end is None
        )


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _details_cell(details: Any) -> str | None:
    return None if details is None else json.dumps(details, separators=(",", ":"), sort_keys=True)


def csv_row(event: dict[str, Any]) -> list[str]:
    """The CSV columns of one event (client ids separated by spaces)."""
    flat = {
        **event,
        "actor_type": event["actor"]["type"],
        "actor_id": event["actor"]["id"],
        "actor_role": event["actor"]["role"],
        "resource_type": event["resource"]["type"],
        "resource_id": event["resource"]["id"],
        "client_ids": " ".join(str(c) for c in event["client_ids"] or ()),
        "details": _details_cell(event.get("details")),
    }
    return [_cell(flat[c]) for c in CSV_COLUMNS]


def render(rows: Sequence[Any], spec: ExportSpec) -> bytes:
    """Serialize one chunk of rows (CPU only)."""
    if spec.fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in rows:
            writer.writerow(csv_row(_event(row)))
        return buffer.getvalue().encode()
    lines = []
    practice = None if spec.practice_id is None else str(spec.practice_id)
    for row in rows:
        if practice is not None and str(row.practice_id) != practice:
            stub = {"seq": row.seq, "leaf_hash": bytes(row.leaf_hash).hex(), "redacted": True}
            lines.append(json.dumps(stub, separators=(",", ":")))
            continue
        if spec.fmt == "ndjson":
            leaf = None if row.leaf_hash is None else bytes(row.leaf_hash)
            lines.append(events.export_line(row, seq=row.seq, leaf_hash=leaf))
            continue
        event = audit_event_resource(_event(row), observer=spec.observer)
        lines.append(json.dumps(event, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _event(row: Any) -> dict[str, Any]:
    leaf = None if row.leaf_hash is None else bytes(row.leaf_hash)
    return events.event_json(row, seq=row.seq, leaf_hash=leaf)


def _bounds(spec: ExportSpec) -> list[Any]:
    conditions: list[Any] = []
    if spec.practice_id is not None and not spec.stubs:
        conditions.append(EVENT.c.practice_id == spec.practice_id)
    if spec.start is not None:
        conditions.append(EVENT.c.occurred_at >= spec.start)
    if spec.end is not None:
        conditions.append(EVENT.c.occurred_at < spec.end)
    return conditions


def _columns(conn: AsyncConnection) -> list[Any]:
    return tree.fast_columns(conn, *EVENT.c)


async def _sequenced(
    engine: AsyncEngine, spec: ExportSpec, size: int
) -> AsyncGenerator[list[Any], None]:
    last = -1
    while True:
        async with engine.connect() as conn:
            query = (
                sa.select(*_columns(conn), LEAF.c.seq, LEAF.c.leaf_hash)
                .select_from(LEAF.join(EVENT, EVENT.c.id == LEAF.c.event_id))
                .where(LEAF.c.seq > last, LEAF.c.seq < size, *_bounds(spec))
                .order_by(LEAF.c.seq)
                .limit(CHUNK)
            )
            result = await conn.execute(query)
            rows = tree.plain_rows(result, result.keys())
        if not rows:
            return
        yield rows
        last = rows[-1].seq


async def _pending(
    engine: AsyncEngine, spec: ExportSpec, size: int
) -> AsyncGenerator[list[Any], None]:
    after: tuple[Any, ...] | None = None
    seen = sa.exists().where(LEAF.c.event_id == EVENT.c.id, LEAF.c.seq < size)
    conditions = [~seen, *_bounds(spec)]
    if spec.practice_id is not None:
        conditions.append(EVENT.c.practice_id == spec.practice_id)
    while True:
        async with engine.connect() as conn:
            query = sa.select(
                *_columns(conn), sa.null().label("seq"), sa.null().label("leaf_hash")
            ).where(*conditions)
            if after is not None:
                query = query.where(sa.tuple_(EVENT.c.occurred_at, EVENT.c.id) > after)
            query = query.order_by(EVENT.c.occurred_at, EVENT.c.id).limit(CHUNK)
            result = await conn.execute(query)
            rows = tree.plain_rows(result, result.keys())
        if not rows:
            return
        yield rows
        after = (rows[-1].occurred_at, uuid.UUID(str(rows[-1].id)))


def _clients_of(rows: list[Any], spec: ExportSpec) -> Iterator[str]:
    """The clients the exported events of the practice name (other practices' stubs name
    none)."""
    for row in rows:
        if spec.practice_id is None or str(row.practice_id) == str(spec.practice_id):
            yield from row.client_ids or ()


async def export_stream(
    engine: AsyncEngine, spec: ExportSpec, seen: set[str] | None = None
) -> AsyncIterator[bytes]:
    """The export, chunk by chunk: each chunk is its own short read, the next one read
    while the current one is serialized and sent. `seen` collects the clients its events
    name, as they are sent."""
    if spec.fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(CSV_COLUMNS)
        yield buffer.getvalue().encode()
    async with engine.connect() as conn:
        size = await tree.tree_size(conn)  # events sequenced later are exported as pending
    for source in (_sequenced(engine, spec, size), _pending(engine, spec, size)):
        ahead = asyncio.ensure_future(anext(source, None))
        try:
            while (rows := await ahead) is not None:
                ahead = asyncio.ensure_future(anext(source, None))
                if seen is not None:
                    seen.update(_clients_of(rows, spec))
                yield await asyncio.to_thread(render, rows, spec)
        finally:
            if not ahead.done():  # the client went away: stop the read in flight
                ahead.cancel()
                with suppress(asyncio.CancelledError):
                    await ahead
            await source.aclose()
