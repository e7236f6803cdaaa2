"""Checkpoints as C2SP signed notes, checked by tests/audit/c2sp.py (written from the texts)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.ledger.checkpoint import public_key_raw, vkey
from app.state import AppState
from tests.audit.c2sp import NoteError, open_note, parse_checkpoint, parse_vkey
from tests.audit.conftest import Spec, seed, sequence_now
from tests.conftest import World

# The example of Go's golang.org/x/mod/sumdb/note documentation: the reader in tests/ opens
# a note that another implementation signed.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_reader_opens_a_note_signed_elsewhere() -> None:
    text = open_note(GO_NOTE, parse_vkey(GO_VKEY))
    assert text.startswith("If you think cryptography")
    with pytest.raises(NoteError):
        open_note(GO_NOTE.replace("problem,", "problem;"), parse_vkey(GO_VKEY))


async def test_public_key_has_its_vkey(client: httpx.AsyncClient, state: AppState) -> None:
    body = (await client.get("/v1/audit/public-key")).json()
    verifier = parse_vkey(body["vkey"])
    assert verifier.name == state.settings.service_name
    assert verifier.public_key == base64.b64decode(body["public_key"])


async def test_checkpoint_note_verifies_and_matches_its_fields(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)] * 3)
    await sequence_now(state)
    h = world["auditor"].headers
    verifier = parse_vkey((await client.get("/v1/audit/public-key")).json()["vkey"])
    latest = (await client.get("/v1/audit/checkpoints/latest", headers=h)).json()
    text = open_note(latest["note"], verifier)
    assert text == latest["signed_note"]
    checkpoint = parse_checkpoint(text)
    assert checkpoint.origin == verifier.name
    assert checkpoint.tree_size == latest["tree_size"]
    assert checkpoint.root_hash.hex() == latest["root_hash"]
    assert checkpoint.extensions == [latest["timestamp"]]

    plain = await client.get("/v1/audit/checkpoints/latest", headers={**h, "Accept": "text/plain"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("text/plain")
    assert plain.text == latest["note"]

    listed = (await client.get("/v1/audit/checkpoints", headers=h)).json()["items"]
    assert all(open_note(item["note"], verifier) == item["signed_note"] for item in listed)


async def test_a_changed_note_or_another_key_does_not_verify(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    await sequence_now(state)
    latest = (
        await client.get("/v1/audit/checkpoints/latest", headers=world["auditor"].headers)
    ).json()
    verifier = parse_vkey((await client.get("/v1/audit/public-key")).json()["vkey"])
    size = str(latest["tree_size"])
    forged = latest["note"].replace(f"\n{size}\n", f"\n{int(size) + 1}\n", 1)
    with pytest.raises(NoteError):
        open_note(forged, verifier)
    other = public_key_raw(Ed25519PrivateKey.generate())
    with pytest.raises(NoteError):
        open_note(latest["note"], parse_vkey(vkey(verifier.name, other)))


async def test_checkpoint_note_is_for_auditors_only(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(
        "/v1/audit/checkpoints/latest",
        headers={**world["therapist"].headers, "Accept": "text/plain"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


GO_SOURCE = Path(__file__).parent.parent / "go" / "verify_note.go"
GO_NOTE_PACKAGE = Path("/usr/share/gocode/src/golang.org/x/mod/sumdb/note")


def go_open(tmp_path: Path, vkey_text: str, note: str) -> subprocess.CompletedProcess[str]:
    """Open the note with Go's golang.org/x/mod/sumdb/note (Debian golang-golang-x-mod-dev)."""
    if shutil.which("go") is None or not GO_NOTE_PACKAGE.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("Go and golang-golang-x-mod-dev are installed by .ci/run")
        pytest.skip("Go's sumdb/note is not installed (apt-get install golang-golang-x-mod-dev)")
    (tmp_path / "note").write_text(note, encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GO111MODULE": "off",
        "GOPATH": "/usr/share/gocode",
        "GOCACHE": str(tmp_path / "gocache"),
    }
    return subprocess.run(
        ["go", "run", str(GO_SOURCE), vkey_text, str(tmp_path / "note")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
async def test_go_sumdb_note_verifies_the_checkpoint(
    state: AppState, client: httpx.AsyncClient, world: World, tmp_path: Path
) -> None:
    await seed(state, world.practice_id, [Spec(actor_id=world["therapist"].id)])
    await sequence_now(state)
    key = (await client.get("/v1/audit/public-key")).json()["vkey"]
    latest = (
        await client.get("/v1/audit/checkpoints/latest", headers=world["auditor"].headers)
    ).json()
    opened = go_open(tmp_path, key, latest["note"])
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout == latest["signed_note"]
    size = str(latest["tree_size"])
    forged = latest["note"].replace(f"\n{size}\n", f"\n{int(size) + 1}\n", 1)
    assert go_open(tmp_path, key, forged).returncode == 1
