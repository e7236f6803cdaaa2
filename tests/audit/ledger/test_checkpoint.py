"""Tests of the audit checkpoint: the signed note, Ed25519 signatures and the signing key file."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.ledger.checkpoint import (
    format_timestamp,
    key_id,
    load_or_generate_signing_key,
    make_checkpoint,
    parse_timestamp,
    private_key_from_config,
    private_key_to_pem,
    public_key_raw,
    sign_note,
    signed_note,
    verify_checkpoint,
    verify_note,
)

# RFC 8032 §7.1, TEST 1 (the empty message).
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

ROOT_8 = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
TIMESTAMP = "2026-11-21T19:30:00.123456Z"


def rfc8032_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)


def test_signed_note_exact_text() -> None:
    note = signed_note("notes.example.org", 8, ROOT_8, TIMESTAMP)
    assert note == (
        "notes.example.org\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
        "2026-11-21T19:30:00.123456Z\n"
    )
    empty = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert signed_note("o", 0, empty, TIMESTAMP) == (
        "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n2026-11-21T19:30:00.123456Z\n"
    )


@pytest.mark.parametrize(
    ("origin", "size", "root", "timestamp"),
    [
        ("two\nlines", 1, ROOT_8, TIMESTAMP),
        ("", 1, ROOT_8, TIMESTAMP),
        ("o", -1, ROOT_8, TIMESTAMP),
        ("o", 1, ROOT_8[:31], TIMESTAMP),
        ("o", 1, ROOT_8, TIMESTAMP + "\nx"),
    ],
)
def test_signed_note_rejects_malformed_fields(
    origin: str, size: int, root: bytes, timestamp: str
) -> None:
    with pytest.raises(ValueError, match="must"):
        signed_note(origin, size, root, timestamp)


def test_rfc8032_vector() -> None:
    key = rfc8032_key()
    assert public_key_raw(key) == RFC8032_PUBLIC
    assert base64.b64decode(sign_note(key, "")) == RFC8032_SIGNATURE
    assert verify_note(RFC8032_PUBLIC, "", base64.b64encode(RFC8032_SIGNATURE).decode())


def test_key_id() -> None:
    assert key_id(RFC8032_PUBLIC) == "21fe31dfa154a261"
    assert key_id(RFC8032_PUBLIC) == hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:16]
    with pytest.raises(ValueError, match="32 raw bytes"):
        key_id(RFC8032_PUBLIC[:31])


def test_sign_verify_round_trip_and_tampering() -> None:
    key = Ed25519PrivateKey.generate()
    public = public_key_raw(key)
    note = signed_note("notes.example.org", 8, ROOT_8, TIMESTAMP)
    signature = sign_note(key, note)
    assert len(base64.b64decode(signature, validate=True)) == 64
    assert verify_note(public, note, signature)

    # Any change to the note is rejected: size, root, timestamp, origin, trailing newline.
    other_root = bytes([ROOT_8[0] ^ 1]) + ROOT_8[1:]
    for tampered in [
        signed_note("notes.example.org", 9, ROOT_8, TIMESTAMP),
        signed_note("notes.example.org", 8, other_root, TIMESTAMP),
        signed_note("notes.example.org", 8, ROOT_8, "2026-11-21T19:30:00.123457Z"),
        signed_note("notes.example.com", 8, ROOT_8, TIMESTAMP),
        note.rstrip("\n"),
        note + "\n",
    ]:
        assert not verify_note(public, tampered, signature)

    # A flipped signature bit, a wrong key and garbage are rejected, never raised.
    raw = bytearray(base64.b64decode(signature))
    raw[10] ^= 0x01
    assert not verify_note(public, note, base64.b64encode(bytes(raw)).decode())
    assert not verify_note(public_key_raw(Ed25519PrivateKey.generate()), note, signature)
    assert not verify_note(public, note, "not base64!")
    assert not verify_note(public, note, signature[:-4])
    assert not verify_note(public[:31], note, signature)
    assert not verify_note(public, note, "")


def test_load_or_generate_creates_0600_key_and_reloads_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "keys" / "audit-signing-key.pem"
    key, generated = load_or_generate_signing_key(path)
    assert generated
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp file left

    again, generated_again = load_or_generate_signing_key(path)
    assert not generated_again
    assert public_key_raw(again) == public_key_raw(key)
    note = signed_note("o", 1, ROOT_8, TIMESTAMP)
    assert verify_note(public_key_raw(key), note, sign_note(again, note))


def test_load_or_generate_loses_a_race_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.pem"
    winner = Ed25519PrivateKey.generate()
    real_link = os.link

    def racing_link(src: Path, dst: Path) -> None:
        dst.write_bytes(private_key_to_pem(winner))  # another replica got there first
        real_link(src, dst)

    monkeypatch.setattr(os, "link", racing_link)
    key, generated = load_or_generate_signing_key(path)
    assert not generated
    assert public_key_raw(key) == public_key_raw(winner)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.pem"]


def test_load_rejects_a_non_ed25519_key(tmp_path: Path) -> None:
    path = tmp_path / "audit.pem"
    path.write_bytes(ec_pem())
    with pytest.raises(ValueError, match="Ed25519"):
        load_or_generate_signing_key(path)


def ec_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_private_key_from_config() -> None:
    b64 = base64.b64encode(RFC8032_SEED).decode()
    assert b64 == "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
    assert public_key_raw(private_key_from_config(b64)) == RFC8032_PUBLIC
    assert public_key_raw(private_key_from_config(f"  {b64}\n")) == RFC8032_PUBLIC
    urlsafe = base64.urlsafe_b64encode(RFC8032_SEED).decode()
    assert public_key_raw(private_key_from_config(urlsafe)) == RFC8032_PUBLIC

    pem = private_key_to_pem(rfc8032_key()).decode()
    assert public_key_raw(private_key_from_config(pem)) == RFC8032_PUBLIC
    one_line = pem.strip().replace("\n", "\\n")
    assert public_key_raw(private_key_from_config(one_line)) == RFC8032_PUBLIC

    with pytest.raises(ValueError, match="32-byte"):
        private_key_from_config(base64.b64encode(RFC8032_SEED[:16]).decode())
    with pytest.raises(ValueError, match="neither base64 nor PEM"):
        private_key_from_config("definitely not a key!")
    with pytest.raises(ValueError, match="Ed25519"):
        private_key_from_config(ec_pem().decode())


def test_format_timestamp() -> None:
    dt = datetime(2026, 11, 21, 19, 30, 0, 123456, tzinfo=UTC)
    assert format_timestamp(dt) == TIMESTAMP
    paris = timezone(timedelta(hours=1))
    assert format_timestamp(datetime(2026, 11, 21, 20, 30, 0, 123456, tzinfo=paris)) == TIMESTAMP
    assert format_timestamp(datetime(2026, 11, 21, 19, 30, 0, 123456)) == TIMESTAMP  # naive = UTC
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000000Z"
    )
    assert parse_timestamp(TIMESTAMP) == dt
    for bad in ["2026-11-21T19:30:00Z", "2026-11-21 19:30:00.123456Z", TIMESTAMP + "\n"]:
        with pytest.raises(ValueError, match="not a checkpoint timestamp"):
            parse_timestamp(bad)


def test_make_and_verify_checkpoint() -> None:
    key = Ed25519PrivateKey.generate()
    public = public_key_raw(key)
    cp = make_checkpoint(key, "notes.example.org", 8, ROOT_8, TIMESTAMP)
    assert set(cp) == {"tree_size", "root_hash", "timestamp", "key_id", "signed_note", "signature"}
    assert cp["tree_size"] == 8
    assert cp["root_hash"] == ROOT_8.hex()
    assert cp["key_id"] == key_id(public)
    assert cp["signed_note"] == signed_note("notes.example.org", 8, ROOT_8, TIMESTAMP)
    assert verify_note(public, cp["signed_note"], cp["signature"])
    assert verify_checkpoint(cp, public)
    assert verify_checkpoint(cp, public, origin="notes.example.org")

    assert not verify_checkpoint(cp, public, origin="elsewhere")
    assert not verify_checkpoint(cp, public_key_raw(Ed25519PrivateKey.generate()))
    other_root = (bytes([ROOT_8[0] ^ 1]) + ROOT_8[1:]).hex()
    for field, value in [
        ("tree_size", 9),
        ("tree_size", "8"),
        ("root_hash", other_root),
        ("root_hash", "zz"),
        ("timestamp", "2026-11-21T19:30:01.123456Z"),
        ("key_id", "0000000000000000"),
        ("signature", cp["signature"][:-4] + "AAA="),
        ("signed_note", cp["signed_note"].replace("\n8\n", "\n9\n")),
    ]:
        assert not verify_checkpoint({**cp, field: value}, public), field
    assert not verify_checkpoint({k: v for k, v in cp.items() if k != "signature"}, public)
