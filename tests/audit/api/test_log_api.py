"""Public key, checkpoints, inclusion and consistency proofs, verify: checked from outside."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import httpx
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.audit.ledger import merkle
from app.audit.ledger.checkpoint import verify_checkpoint
from app.state import AppState
from tests.audit.conftest import Spec, seed, sequence_now
from tests.conftest import World


def spec_leaf_hash(event: dict[str, Any]) -> bytes:
    """SPEC §6 written out: SHA-256(0x00 ‖ RFC 8785 of the event without seq, leaf_hash)."""
    body = {k: v for k, v in event.items() if k not in ("seq", "leaf_hash")}
    return hashlib.sha256(b"\x00" + rfc8785.dumps(body)).digest()


async def test_public_key_needs_no_credentials(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/audit/public-key")
    assert response.status_code == 200
    body = response.json()
    assert body["algorithm"] == "Ed25519"
    raw = base64.b64decode(body["public_key"])
    assert len(raw) == 32
    assert body["key_id"] == hashlib.sha256(raw).digest()[:8].hex()


async def test_events_carry_seq_and_spec_leaf_hash(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    [event_id] = await seed(
        state, world.practice_id, [Spec(actor_id=world["therapist"].id, clients=[uuid.uuid4()])]
    )
    h = world["auditor"].headers
    before = (await client.get(f"/v1/audit/events/{event_id}", headers=h)).json()
    checkpoint = await sequence_now(state)
    event = (await client.get(f"/v1/audit/events/{event_id}", headers=h)).json()
    assert isinstance(event["seq"], int)
    assert event["seq"] < checkpoint["tree_size"]
    assert event["leaf_hash"] == spec_leaf_hash(event).hex()
    # Sequencing adds seq and leaf_hash and changes nothing else.
    assert before["seq"] is None or before["seq"] == event["seq"]
    assert {k: v for k, v in before.items() if k not in ("seq", "leaf_hash")} == {
        k: v for k, v in event.items() if k not in ("seq", "leaf_hash")
    }


async def test_checkpoint_inclusion_and_consistency(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    h = world["auditor"].headers
    key = base64.b64decode((await client.get("/v1/audit/public-key")).json()["public_key"])
    first_ids = await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)] * 3)
    first = await sequence_now(state)
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)] * 5)
    second = await sequence_now(state)
    assert second["tree_size"] > first["tree_size"]
    latest = (await client.get("/v1/audit/checkpoints/latest", headers=h)).json()
    assert latest["tree_size"] >= second["tree_size"]
    for cp in (first, second, latest):
        assert verify_checkpoint(cp, key, state.settings.service_name)
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(cp["signature"]), cp["signed_note"].encode()
        )
        origin, size, root, stamp, end = cp["signed_note"].split("\n")
        assert (origin, int(size), base64.b64decode(root).hex(), stamp, end) == (
            state.settings.service_name,
            cp["tree_size"],
            cp["root_hash"],
            cp["timestamp"],
            "",
        )

    for event_id in first_ids:
        event = (await client.get(f"/v1/audit/events/{event_id}", headers=h)).json()
        for cp in (first, second):
            proof = (
                await client.get(
                    f"/v1/audit/events/{event_id}/proof",
                    params={"tree_size": cp["tree_size"]},
                    headers=h,
                )
            ).json()
            assert proof["root_hash"] == cp["root_hash"]
            assert proof["leaf_hash"] == event["leaf_hash"]
            assert merkle.verify_inclusion(
                event["seq"],
                cp["tree_size"],
                bytes.fromhex(event["leaf_hash"]),
                [bytes.fromhex(p) for p in proof["audit_path"]],
                bytes.fromhex(cp["root_hash"]),
            )
    default = await client.get(f"/v1/audit/events/{first_ids[0]}/proof", headers=h)
    assert default.json()["tree_size"] >= latest["tree_size"]  # the live sequencer moves on

    response = await client.get(
        "/v1/audit/consistency",
        headers=h,
        params={"first": first["tree_size"], "second": second["tree_size"]},
    )
    body = response.json()
    assert (body["first_root"], body["second_root"]) == (first["root_hash"], second["root_hash"])
    assert merkle.verify_consistency(
        first["tree_size"],
        second["tree_size"],
        bytes.fromhex(first["root_hash"]),
        bytes.fromhex(second["root_hash"]),
        [bytes.fromhex(p) for p in body["proof"]],
    )

    # At least `first` and `second` exist (the live sequencer may have added more): a page
    # of one always has a next.
    listed = (await client.get("/v1/audit/checkpoints?limit=1", headers=h)).json()
    sizes = [c["tree_size"] for c in listed["items"]]
    assert sizes == sorted(sizes, reverse=True)
    assert listed["next_cursor"]
    more = (
        await client.get(
            "/v1/audit/checkpoints", headers=h, params={"cursor": listed["next_cursor"]}
        )
    ).json()
    assert max(c["tree_size"] for c in more["items"]) < min(sizes)


async def test_proof_and_consistency_errors(
    state: AppState, client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    h = world["auditor"].headers
    [event_id] = await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    checkpoint = await sequence_now(state)
    seq = (await client.get(f"/v1/audit/events/{event_id}", headers=h)).json()["seq"]
    assert (
        await client.get(f"/v1/audit/events/{event_id}/proof", headers=h, params={"tree_size": seq})
    ).status_code == 422
    assert (
        await client.get(
            f"/v1/audit/events/{event_id}/proof", headers=h, params={"tree_size": 10**12}
        )
    ).status_code == 422
    other = other_world["auditor"].headers
    assert (
        await client.get(f"/v1/audit/events/{event_id}/proof", headers=other)
    ).status_code == 404
    size = checkpoint["tree_size"]
    for params in (
        {"first": size + 1, "second": size},
        {"first": 0, "second": 10**12},
        {"first": -1},
    ):
        response = await client.get("/v1/audit/consistency", headers=h, params=params)
        assert response.status_code == 422, params
    empty = await client.get("/v1/audit/consistency", headers=h, params={"first": 0})
    assert empty.json()["first_root"] == hashlib.sha256(b"").hexdigest()


async def test_verify_endpoint(state: AppState, client: httpx.AsyncClient, world: World) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)] * 4)
    checkpoint = await sequence_now(state)
    response = await client.get("/v1/audit/verify", headers=world["auditor"].headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True, body["problems"]
    assert body["problems"] == []
    assert body["checked"] == body["tree_size"] >= checkpoint["tree_size"]
    assert len(body["root_hash"]) == 64
