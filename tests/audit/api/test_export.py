"""Exports: an independent rebuild with the docs' script, CSV, FHIR R4 (validated), bounds."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.auditevent import AuditEvent

from app.db import utcnow
from app.state import AppState
from tests.audit.conftest import Spec, events_of_request, seed, sequence_now
from tests.conftest import World

DOCS = Path(__file__).resolve().parents[3] / "docs" / "audit.md"


def docs_script() -> str:
    """The verification script exactly as docs/audit.md prints it."""
    text = DOCS.read_text()
    match = re.search(r"<!-- verify-script -->\n```python\n(.*?)```", text, re.S)
    assert match, "docs/audit.md lost its verify script"
    return match.group(1)


def run_script(
    tmp: Path, export: str, checkpoint: dict[str, Any], key: dict[str, Any]
) -> subprocess.CompletedProcess[str]:
    (tmp / "verify_audit.py").write_text(docs_script())
    (tmp / "export.ndjson").write_text(export)
    (tmp / "checkpoint.json").write_text(json.dumps(checkpoint))
    (tmp / "public-key.json").write_text(json.dumps(key))
    return subprocess.run(
        [
            sys.executable,
            str(tmp / "verify_audit.py"),
            str(tmp / "export.ndjson"),
            str(tmp / "checkpoint.json"),
            str(tmp / "public-key.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def export(client: httpx.AsyncClient, world: World, **params: str) -> httpx.Response:
    response = await client.get("/v1/audit/export", params=params, headers=world["auditor"].headers)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.slow
async def test_independent_rebuild_with_the_docs_script(
    state: AppState,
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    tmp_path: Path,
) -> None:
    await seed(
        state,
        world.practice_id,
        [
            Spec(actor_id=world["therapist"].id, clients=[uuid.uuid4()]),
            Spec(actor_id=world["therapist2"].id, break_glass="Crisis, ünïcødé ✓ \u2028 \x7f"),
        ],
    )
    await seed(state, other_world.practice_id, [Spec(actor_id=other_world["therapist"].id)])
    checkpoint = await sequence_now(state)
    key = (await client.get("/v1/audit/public-key")).json()
    text = (await export(client, world)).text
    lines = [json.loads(line) for line in text.splitlines()]
    sequenced = [e for e in lines if e["seq"] is not None]
    assert [e["seq"] for e in sequenced] == list(range(len(sequenced)))
    stubs = [e for e in sequenced if e.get("redacted")]
    assert stubs
    assert all(set(e) == {"seq", "leaf_hash", "redacted"} for e in stubs)
    mine = [e for e in lines if not e.get("redacted")]
    assert mine
    assert all(e["practice_id"] == str(world.practice_id) for e in mine)

    result = run_script(tmp_path, text, checkpoint, key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: {checkpoint['tree_size']} events")

    # The same script catches an edited event, a removed one and a forged checkpoint.
    victim = next(
        i
        for i, e in enumerate(lines)
        if not e.get("redacted") and e["seq"] is not None and e["seq"] < checkpoint["tree_size"]
    )
    edited = [dict(e) for e in lines]
    edited[victim]["outcome"] = "denied" if edited[victim]["outcome"] != "denied" else "success"
    result = run_script(tmp_path, "\n".join(json.dumps(e) for e in edited), checkpoint, key)
    assert result.returncode != 0
    assert "does not match its hash" in result.stdout + result.stderr
    removed = [e for i, e in enumerate(lines) if i != victim]
    result = run_script(tmp_path, "\n".join(json.dumps(e) for e in removed), checkpoint, key)
    assert result.returncode != 0
    forged = {**checkpoint, "root_hash": "00" * 32}
    assert run_script(tmp_path, text, forged, key).returncode != 0


async def test_export_is_audited_before_it_streams(
    state: AppState, client: httpx.AsyncClient, world: World, other_world: World, rid: str
) -> None:
    """Its event names every client the exported events name (SPEC §6), and no other."""
    a, b, elsewhere = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    therapist = world["therapist"].id
    await seed(state, world.practice_id, [Spec(actor_id=therapist, clients=[a, b])])
    await seed(state, other_world.practice_id, [Spec(actor_id=therapist, clients=[elsewhere])])
    response = await client.get(
        "/v1/audit/export",
        params={"format": "csv"},
        headers={**world["auditor"].headers, "X-Request-ID": rid},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == rid
    [event] = await events_of_request(state, rid)
    assert (event.action, event.outcome, event.route) == (
        "audit.export",
        "success",
        "/v1/audit/export",
    )
    assert sorted(event.client_ids) == sorted([str(a), str(b)])
    # A range that holds none of them names none.
    later = {"format": "csv", "to": "2001-01-01T00:00:00Z"}
    empty = await client.get(
        "/v1/audit/export", params=later, headers={**world["auditor"].headers, "X-Request-ID": "e"}
    )
    assert empty.status_code == 200
    [event] = await events_of_request(state, "e")
    assert event.client_ids == []


async def test_csv_export(state: AppState, client: httpx.AsyncClient, world: World) -> None:
    a = uuid.uuid4()
    [event_id] = await seed(
        state, world.practice_id, [Spec(actor_id=world["therapist"].id, clients=[a, uuid.uuid4()])]
    )
    response = await export(client, world, format="csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    row = next(r for r in rows if r["id"] == str(event_id))
    assert row["actor_id"] == str(world["therapist"].id)
    assert str(a) in row["client_ids"].split(" ")
    assert all(r["practice_id"] == str(world.practice_id) for r in rows)


async def test_csv_cells_are_not_formulas(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(
        "/v1/me", headers={**world["auditor"].headers, "User-Agent": '=HYPERLINK("x")'}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO((await export(client, world, format="csv")).text)))
    agents = {r["user_agent"] for r in rows}
    assert '\'=HYPERLINK("x")' in agents
    assert '=HYPERLINK("x")' not in agents


@pytest.mark.parametrize(
    ("outcome", "status", "code"),
    [
        ("success", 200, "0"),
        ("denied", 403, "4"),
        ("not_found", 404, "4"),
        ("error", 422, "4"),
        ("error", 500, "8"),
        ("error", 503, "12"),
    ],
)
async def test_fhir_outcome_codes(
    state: AppState,
    client: httpx.AsyncClient,
    world: World,
    outcome: str,
    status: int,
    code: str,
) -> None:
    [event_id] = await seed(
        state,
        world.practice_id,
        [Spec(actor_id=world["therapist"].id, outcome=outcome, status=status)],
    )
    lines = (await export(client, world, format="fhir")).text.splitlines()
    [resource] = [r for r in map(json.loads, lines) if r["id"] == str(event_id)]
    assert resource["outcome"] == code


async def test_fhir_export_validates_as_r4b(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    a = uuid.uuid4()
    ids = await seed(
        state,
        world.practice_id,
        [
            Spec(
                actor_id=world["therapist2"].id,
                clients=[a],
                purpose="ETREAT",
                break_glass="Client in crisis, on call",
            ),
            Spec(
                actor_id=None,
                action="auth.login",
                clients=[],
                outcome="denied",
                status=401,
                purpose=None,
                resource_type=None,
            ),
        ],
    )
    response = await export(client, world, format="fhir")
    assert response.headers["content-type"].startswith("application/fhir+ndjson")
    resources = [json.loads(line) for line in response.text.splitlines()]
    assert resources
    for resource in resources:
        AuditEvent.model_validate(resource)  # raises on any invalid resource
    by_id = {r["id"]: r for r in resources}
    glass = by_id[str(ids[0])]
    assert glass["agent"][0]["requestor"] is True
    assert glass["agent"][0]["who"]["identifier"]["value"] == str(world["therapist2"].id)
    assert glass["purposeOfEvent"][0]["coding"][0]["code"] == "ETREAT"
    assert glass["agent"][0]["purposeOfUse"][0]["coding"][0]["code"] == "ETREAT"
    assert {"reference": f"Patient/{a}"} in [e["what"] for e in glass["entity"]]
    reasons = [x["valueString"] for x in glass["extension"] if x["url"].endswith("reason")]
    assert reasons == ["Client in crisis, on call"]
    anonymous = by_id[str(ids[1])]
    assert anonymous["outcome"] == "4"
    assert "who" not in anonymous["agent"][0]


async def test_time_bounds(state: AppState, client: httpx.AsyncClient, world: World) -> None:
    now = utcnow()
    ids = await seed(
        state,
        world.practice_id,
        [Spec(actor_id=world["therapist"].id, at=now - timedelta(days=30 - i)) for i in range(3)],
    )
    params = {
        "from": (now - timedelta(days=29, hours=1)).isoformat(),
        "to": (now - timedelta(days=28)).isoformat(),
    }
    lines = [json.loads(x) for x in (await export(client, world, **params)).text.splitlines()]
    assert [e["id"] for e in lines] == [str(ids[1])]
    bad = await client.get(
        "/v1/audit/export", params={"format": "xml"}, headers=world["auditor"].headers
    )
    assert bad.status_code == 422
