"""Field encryption: round trips, location binding, tampering, rotation and key loading."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.security.encryption import (
    DecryptionError,
    KeyRing,
    decrypt,
    encrypt,
    format_key_line,
    generate_key,
    key_id_of,
    needs_rotation,
    reencrypt,
)

OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))
RING = KeyRing({"k1": OLD_KEY})
HERE = {"table": "note", "column": "body", "row_id": "7f1c2b9e-0000-4000-8000-000000000001"}


def _seal(plaintext: str, ring: KeyRing = RING) -> str:
    """Encrypt at the default location."""
    return encrypt(ring, plaintext, **HERE)


def _open(token: str, ring: KeyRing = RING) -> str:
    """Decrypt at the default location."""
    return decrypt(ring, token, **HERE)


def _unpadded(text: str) -> bytes:
    """Decode unpadded base64url with the standard library."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _flip(text: str, index: int) -> str:
    """Replace one base64url character with a different one."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


@pytest.mark.parametrize(
    "plaintext",
    ["", "a", "Patient reports feeling better.", "Ünïcödé — 日本語 🧠\n\ttabs", "x" * 100_000],
)
def test_round_trip(plaintext: str) -> None:
    assert _open(_seal(plaintext)) == plaintext


@given(st.text())
def test_round_trip_any_text(plaintext: str) -> None:
    assert _open(_seal(plaintext)) == plaintext


def test_token_format() -> None:
    token = _seal("hello")
    version, key_id, nonce, sealed = token.split(".")
    assert (version, key_id) == ("v1", "k1")
    assert token.isascii()
    assert "=" not in token
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 12
    assert len(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))) == len("hello") + 16
    assert key_id_of(token) == "k1"


def test_nonces_are_unique() -> None:
    tokens = [_seal("same text") for _ in range(500)]
    nonces = {token.split(".")[2] for token in tokens}
    assert len(nonces) == len(tokens)
    assert len(set(tokens)) == len(tokens)


@pytest.mark.parametrize(
    "elsewhere",
    [
        {"row_id": "7f1c2b9e-0000-4000-8000-000000000002"},
        {"column": "addendum"},
        {"table": "risk_assessment"},
        {"table": "notebody", "column": "x"},
    ],
)
def test_ciphertext_is_bound_to_its_location(elsewhere: dict[str, str]) -> None:
    token = _seal("secret body")
    location = {**HERE, **elsewhere}
    with pytest.raises(DecryptionError) as caught:
        decrypt(RING, token, **location)
    message = str(caught.value)
    assert location["table"] in message
    assert location["column"] in message
    assert location["row_id"] in message
    assert "secret body" not in message


def test_location_is_required() -> None:
    for missing in ("table", "column", "row_id"):
        with pytest.raises(ValueError, match="required"):
            encrypt(RING, "x", **{**HERE, missing: ""})
    with pytest.raises(ValueError, match="cannot contain"):
        encrypt(RING, "x", **{**HERE, "table": "note|body"})


@pytest.mark.parametrize("part", [2, 3])
def test_tampered_nonce_or_ciphertext_fails(part: int) -> None:
    token = _seal("hello world")
    pieces = token.split(".")
    for index in (0, len(pieces[part]) // 2, len(pieces[part]) - 1):
        pieces_copy = list(pieces)
        pieces_copy[part] = _flip(pieces[part], index)
        with pytest.raises(DecryptionError):
            _open(".".join(pieces_copy))


def test_tampered_bytes_fail() -> None:
    version, key_id, nonce, sealed = _seal("hello world").split(".")
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[0] ^= 1
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        _open(f"{version}.{key_id}.{nonce}.{forged}")


def test_swapped_key_id_fails() -> None:
    ring = KeyRing({"k2": OLD_KEY, "k1": OLD_KEY})  # same key bytes: only the AAD differs
    token = _seal("hello", ring)
    with pytest.raises(DecryptionError, match="key id k1"):
        _open(token.replace("v1.k2.", "v1.k1.", 1), ring)


@given(st.data())
def test_any_single_character_edit_fails(data: st.DataObject) -> None:
    token = _seal("tamper target")  # a fresh nonce each run: draw nothing that depends on it
    index = data.draw(st.integers(0, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.="
    shift = data.draw(st.integers(1, len(alphabet) - 1))
    replacement = alphabet[(alphabet.find(token[index]) + shift) % len(alphabet)]
    assert replacement != token[index]
    with pytest.raises(DecryptionError):
        _open(token[:index] + replacement + token[index + 1 :])


@pytest.mark.parametrize(
    "token",
    [
        "",
        "v1",
        "v1.k1",
        "v1.k1.AAAA",
        "v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "plain text",
    ],
)
def test_malformed_token_fails(token: str) -> None:
    with pytest.raises(DecryptionError):
        _open(token)


@pytest.mark.parametrize("plaintext", ["a", "abc"])
def test_non_canonical_base64_fails(plaintext: str) -> None:
    version, key_id, nonce, sealed = _seal(plaintext).split(".")
    assert len(sealed) % 4 in (2, 3)  # the last character carries unused low bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    same_bytes = sealed[:-1] + alphabet[alphabet.index(sealed[-1]) ^ 1]
    assert _unpadded(same_bytes) == _unpadded(sealed)
    with pytest.raises(DecryptionError):
        _open(f"{version}.{key_id}.{nonce}.{same_bytes}")


def test_truncated_and_extended_tokens_fail() -> None:
    token = _seal("hello")
    for forged in (token[:-1], token[:-4], token + "A", token + ".x", token.rsplit(".", 1)[0]):
        with pytest.raises(DecryptionError):
            _open(forged)


def test_unknown_key_id_fails() -> None:
    token = _seal("hello", KeyRing({"gone": NEW_KEY}))
    with pytest.raises(DecryptionError, match="key id gone") as caught:
        _open(token)
    assert caught.value.key_id == "gone"
    assert (caught.value.table, caught.value.column) == ("note", "body")


def test_wrong_key_under_same_id_fails() -> None:
    token = _seal("hello", KeyRing({"k1": NEW_KEY}))
    with pytest.raises(DecryptionError):
        _open(token)


def test_rotation() -> None:
    old_token = _seal("kept across rotation")
    rotated = KeyRing({"k2": NEW_KEY, "k1": OLD_KEY})
    assert rotated.active_key_id == "k2"
    assert rotated.key_ids == ("k2", "k1")
    assert needs_rotation(rotated, old_token)
    assert not needs_rotation(RING, old_token)
    assert _open(old_token, rotated) == "kept across rotation"

    new_token = reencrypt(rotated, old_token, **HERE)
    assert key_id_of(new_token) == "k2"
    assert not needs_rotation(rotated, new_token)
    assert _open(new_token, rotated) == "kept across rotation"
    assert reencrypt(rotated, new_token, **HERE) == new_token  # re-running is a no-op
    with pytest.raises(DecryptionError):
        _open(new_token, RING)  # the old ring alone cannot read the new key


def test_key_id_of_rejects_non_tokens() -> None:
    for value in ("", "plain text", "v2.k1.a.b", "v1.K1.a.b"):
        with pytest.raises(ValueError, match="not an encrypted field token"):
            key_id_of(value)


@given(st.text(min_size=12))
def test_token_contains_no_plaintext(plaintext: str) -> None:
    token = _seal(plaintext)
    for start in range(0, len(plaintext) - 11):
        assert plaintext[start : start + 12] not in token
    sealed = token.split(".")[3]
    raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    assert plaintext.encode() not in raw


def _b64(key: bytes) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(key).decode()


def test_from_config_parses_entries_in_order() -> None:
    urlsafe = base64.urlsafe_b64encode(NEW_KEY).decode().rstrip("=")
    ring = KeyRing.from_config(f" new-2:{urlsafe} , old_1:{_b64(OLD_KEY)}")
    assert ring.key_ids == ("new-2", "old_1")
    assert ring.active_key_id == "new-2"
    assert _open(_seal("hi", KeyRing({"old_1": OLD_KEY})), ring) == "hi"
    assert "new-2" in repr(ring)
    assert urlsafe not in repr(ring)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "entry 1 is empty"),
        (f"k1:{_b64(OLD_KEY)},", "entry 2 is empty"),
        (_b64(OLD_KEY), "keyid:base64key"),
        (f"K1:{_b64(OLD_KEY)}", "must match"),
        (f"{'k' * 33}:{_b64(OLD_KEY)}", "must match"),
        (f":{_b64(OLD_KEY)}", "must match"),
        (f"k.1:{_b64(OLD_KEY)}", "must match"),
        (f"k1:{_b64(OLD_KEY)},k1:{_b64(NEW_KEY)}", "appears twice"),
        (f"k1:{_b64(OLD_KEY)[:-2]}!!", "not valid base64"),
        (f"k1:{_b64(OLD_KEY)[:-4]}+-_/", "not valid base64"),
        (f"k1:{_b64(OLD_KEY[:16])}", "exactly 32 bytes"),
        (f"k1:{_b64(OLD_KEY + b'x')}", "exactly 32 bytes"),
        ("k1:", "not valid base64"),
    ],
)
def test_from_config_errors(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        KeyRing.from_config(value)
    text = str(caught.value)
    for key in (OLD_KEY, NEW_KEY, OLD_KEY[:16]):
        assert _b64(key).rstrip("=")[:8] not in text


def test_key_ring_validates_keys() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        KeyRing({})
    with pytest.raises(ValueError, match="exactly 32 bytes"):
        KeyRing({"k1": b"short"})
    with pytest.raises(ValueError, match="must match"):
        KeyRing({"bad id": OLD_KEY})


def test_generate_key_and_format_key_line() -> None:
    key = generate_key()
    assert len(key) == 32
    assert generate_key() != key
    line = format_key_line("k9", key)
    ring = KeyRing.from_config(line)
    assert ring.key_ids == ("k9",)
    assert _open(_seal("x", KeyRing({"k9": key})), ring) == "x"
    with pytest.raises(ValueError, match="must match"):
        format_key_line("K9", key)
    with pytest.raises(ValueError, match="exactly 32 bytes"):
        format_key_line("k9", key[:31])


def test_key_file_is_generated_private_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "encryption.keys"
    ring, generated = KeyRing.load_or_generate(path)
    assert generated
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    token = _seal("survives a restart", ring)

    again, generated_again = KeyRing.load_or_generate(path)
    assert not generated_again
    assert again.key_ids == ring.key_ids
    assert _open(token, again) == "survives a restart"
    assert _open(_seal("and back", again), ring) == "and back"
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_file_with_several_keys(tmp_path: Path) -> None:
    path = tmp_path / "encryption.keys"
    lines = ["# newest first", format_key_line("k2", NEW_KEY), "", format_key_line("k1", OLD_KEY)]
    path.write_text("\n".join(lines) + "\n")
    ring, generated = KeyRing.load_or_generate(path)
    assert not generated
    assert ring.key_ids == ("k2", "k1")
    assert _open(_seal("old"), ring) == "old"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "holds no keys"), (b"k1:nonsense\n", "line 1"), (b"\xff\xfe", "not ASCII")],
)
def test_bad_key_file_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "encryption.keys"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        KeyRing.load_or_generate(path)
    assert path.read_bytes() == content
