"""Every free-text field of every clinical table is ciphertext at rest (SPEC §5).

The tables and columns are found by walking the models, so a text column added later to a
clinical table fails here until it is either encrypted or named below as structured.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import SQLModel

from app.security.encryption import DecryptionError, decrypt
from app.security.rotation import ENCRYPTED_COLUMNS
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, open_episode
from tests.notes.support import NotesApi
from tests.observations.support import observe

# Tables that hold a client's data without referring to a client row: the stored response of
# a creating POST holds the created note, client or transition.
HOLDS_CLIENT_DATA = {"idempotency_record"}

# Text columns of clinical tables that hold no free clinical text, and why (docs/encryption.md).
STRUCTURED: dict[tuple[str, str], str] = {
    ("client", "external_id"): "an identifier from another system, looked up in SQL",
    ("client", "given_name"): "demographics: not listed by SPEC §5, searched by `q`",
    ("client", "family_name"): "demographics: not listed by SPEC §5, searched by `q`",
    ("client", "preferred_name"): "demographics: not listed by SPEC §5, searched by `q`",
    ("client", "email"): "demographics: not listed by SPEC §5",
    ("client", "phone"): "demographics: not listed by SPEC §5",
    ("client", "status"): "a code",
    ("episode", "status"): "a code",
    ("episode", "close_reason"): "a code (completed, client_withdrew, referred, other)",
    ("episode", "current_phase"): "a code",
    ("phase_transition", "from_phase"): "a code",
    ("phase_transition", "to_phase"): "a code",
    ("session", "external_id"): "an identifier from another system, looked up in SQL",
    ("session", "modality"): "a code",
    ("session", "status"): "a code",
    ("note", "kind"): "a code",
    ("note", "status"): "a code",
    ("note", "risk_level"): "a code, filtered in SQL",
    ("note", "interventions"): "a list of codes from a fixed list",
    ("relationship_episode", "wish_code"): "a CCRT vocabulary code, aggregated in SQL",
    ("relationship_episode", "response_of_other_code"): "a CCRT vocabulary code",
    ("relationship_episode", "response_of_other_valence"): "positive or negative",
    ("relationship_episode", "response_of_self_code"): "a CCRT vocabulary code",
    ("relationship_episode", "response_of_self_valence"): "positive or negative",
    ("measure", "instrument"): "a code",
    ("measure", "item_responses"): "numbers",
    ("measure", "subscales"): "numbers",
    ("measure", "severity"): "a code",
    ("idempotency_record", "caller_key"): "who sent the request",
    ("idempotency_record", "idempotency_key"): "the client's key",
    ("idempotency_record", "request_hash"): "a hash",
    ("idempotency_record", "response_headers"): "Location, ETag",
    ("idempotency_record", "resource_type"): "a code",
    ("idempotency_record", "resource_id"): "an id",
    ("idempotency_record", "client_ids"): "ids",
    ("idempotency_record", "caller_role"): "a code",
    # The change feed is thin by design (SPEC §9): ids and types only.
    ("feed_event", "type"): "an event type",
    ("feed_event", "resource_type"): "a code",
    ("feed_event", "actor_type"): "user, api_key or operator",
}


def clinical_tables() -> list[sa.Table]:
    """`client`, every table referring to a client row (directly or not), and the extras."""
    tables = SQLModel.metadata.tables
    found = {"client", *HOLDS_CLIENT_DATA}
    grown = True
    while grown:
        grown = False
        for table in tables.values():
            refers = "client_id" in table.c or any(
                key.column.table.name in found for key in table.foreign_keys
            )
            if table.name not in found and refers:
                found.add(table.name)
                grown = True
    return [tables[name] for name in sorted(found)]


def _holds_text(kind: sa.types.TypeEngine[Any]) -> bool:
    """Strings of any length (SQLModel's AutoString included) and JSON."""
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, sa.String | sa.JSON)


def text_columns() -> set[tuple[str, str]]:
    """Every column of a clinical table that can hold text."""
    return {
        (table.name, column.name)
        for table in clinical_tables()
        for column in table.c
        if _holds_text(column.type)
    }


def encrypted_columns() -> set[tuple[str, str]]:
    """The registered encrypted columns of clinical tables."""
    clinical = {table.name for table in clinical_tables()}
    return {(e.table, e.column) for e in ENCRYPTED_COLUMNS if e.table in clinical}


def test_every_text_column_of_a_clinical_table_is_encrypted_or_structured() -> None:
    assert {"client", "note", "addendum", "phase_transition", "observation"} <= {
        table.name for table in clinical_tables()
    }
    unclassified = text_columns() - encrypted_columns() - set(STRUCTURED)
    assert not unclassified, f"encrypt these (or name them structured): {sorted(unclassified)}"
    assert not encrypted_columns() & set(STRUCTURED)
    assert set(STRUCTURED) <= text_columns(), set(STRUCTURED) - text_columns()
    for table, column in encrypted_columns():
        # Ciphertext is longer than its plaintext: a length limit would refuse valid input.
        kind = SQLModel.metadata.tables[table].c[column].type
        assert type(kind) is sa.Text, f"{table}.{column} is {kind!r}, not TEXT"


def _key(headers: dict[str, str]) -> dict[str, str]:
    """Headers with a new Idempotency-Key, so that the stored response is written as well."""
    return headers | {"Idempotency-Key": uuid.uuid4().hex}


async def _write_every_field(http: httpx.AsyncClient, world: World, marker: str) -> None:
    """Through the API, as its users would: the marker in every free-text field there is."""
    me, supervisor = world["trainee"].headers, world["supervisor"].headers
    made = await create_client(
        http, _key(me), given_name="Ada", family_name="Berg", presenting_concerns=f"C {marker}"
    )
    episode = await open_episode(http, _key(me), made["id"], goals=f"Goals {marker}")
    visit = await create_session(http, _key(me), made["id"], on=days_ago(3))
    moved = await http.post(
        f"/v1/episodes/{episode['id']}/phase-transitions",
        json={
            "to_phase": "working_through",
            "effective_on": days_ago(2).isoformat(),
            "rationale": f"Skipped ahead {marker}",
        },
        headers=_key(me),
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["rationale"] == f"Skipped ahead {marker}"
    await observe(http, _key(me), visit["id"], "defense.intellectualization", 3, f"Ev {marker}")
    told = await http.post(
        f"/v1/sessions/{visit['id']}/relationship-episodes",
        json={
            "other_person": f"Her sister {marker}",
            "wish": {"code": "to_be_close", "text": f"Wish {marker}"},
            "response_of_other": {"code": "rejects", "text": f"O {marker}", "valence": "negative"},
            "response_of_self": {"code": "withdraws", "text": f"S {marker}", "valence": "negative"},
        },
        headers=_key(me),
    )
    assert told.status_code == 201, told.text
    notes = NotesApi(http)
    body = {
        "kind": "progress",
        "body": f"Body {marker}",
        "plan": f"Plan {marker}",
        "risk": {"level": "low", "details": f"Risk {marker}"},
    }
    note = await notes.create(_key(me), uuid.UUID(visit["id"]), body)
    assert note.status_code == 201, note.text
    note_id = note.json()["id"]
    pending = await notes.act(me, note_id, "sign", note.headers["ETag"])
    cosigned = await notes.act(supervisor, note_id, "cosign", pending.headers["ETag"])
    assert cosigned.status_code == 200, cosigned.text
    added = await notes.add_addendum(_key(me), note_id, f"Add {marker}", f"Why {marker}")
    assert added.status_code == 201, added.text
    # A returned note keeps its comment until signed again.
    other = await create_session(http, _key(me), made["id"], on=days_ago(1))
    draft = await notes.create(me, uuid.UUID(other["id"]), {"kind": "progress", "body": "B"})
    draft_id = draft.json()["id"]
    pending = await notes.act(me, draft_id, "sign", draft.headers["ETag"])
    comment = {"comment": f"Back {marker}"}
    returned = await notes.act(supervisor, draft_id, "return", pending.headers["ETag"], comment)
    assert returned.status_code == 200, returned.text
    current = await http.get(f"/v1/episodes/{episode['id']}", headers=me)
    closed = await http.post(
        f"/v1/episodes/{episode['id']}/close",
        json={"ended_on": days_ago(0).isoformat(), "reason": "other", "summary": f"End {marker}"},
        headers=me | {"If-Match": current.headers["ETag"]},
    )
    assert closed.status_code == 200, closed.text


async def _rows(state: AppState, table: sa.Table, practice_id: uuid.UUID) -> list[Any]:
    async with state.sessionmaker() as session:
        query = sa.select(table).where(table.c.practice_id == practice_id)
        return list((await session.execute(query)).mappings())


async def test_no_text_written_through_the_api_rests_in_plaintext(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    marker = f"PLAIN{uuid.uuid4().hex}"
    await _write_every_field(client, world, marker)
    ring = state.secrets.key_ring
    in_clear: set[tuple[str, str]] = set()
    sealed: set[tuple[str, str]] = set()
    for table in clinical_tables():
        for row in await _rows(state, table, world.practice_id):
            for name, value in row.items():
                if marker in str(value):
                    in_clear.add((table.name, name))
                if (table.name, name) not in encrypted_columns() or value is None:
                    continue
                location = {"table": table.name, "column": name, "row_id": str(row["id"])}
                try:
                    if marker in decrypt(ring, value, **location):
                        sealed.add((table.name, name))
                except DecryptionError:
                    in_clear.add((table.name, name))
    assert not in_clear, f"plaintext at rest in {sorted(in_clear)}"
    # Each encrypted column was really written by the scenario (a new one must be added to it).
    assert sealed == encrypted_columns(), encrypted_columns() - sealed


def _sqlite_files(database_url: str) -> list[Path]:
    path = Path(database_url.split("///", 1)[1])
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


async def _pg_dump(database_url: str) -> bytes:
    process = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--no-owner",
        f"--dbname={database_url}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out


async def test_a_dump_of_the_database_holds_none_of_the_texts(
    client: httpx.AsyncClient, world: World, database_url: str, backend: str
) -> None:
    marker = f"DUMP{uuid.uuid4().hex}"
    await _write_every_field(client, world, marker)
    if backend == "sqlite":
        stored = b"".join(p.read_bytes() for p in _sqlite_files(database_url))
    else:
        stored = await _pg_dump(database_url)
    assert str(world.practice_id).replace("-", "").encode() in stored.replace(b"-", b"")
    assert marker.encode() not in stored
    assert marker.encode("utf-16-le") not in stored
