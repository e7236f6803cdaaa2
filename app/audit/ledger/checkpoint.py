"""Ed25519-signed checkpoints of the audit log's Merkle tree (SPEC §6).

A checkpoint is ``{tree_size, root_hash (hex), timestamp, key_id, signed_note, signature}``;
``signed_note`` is the exact text signed,
``"<origin>\\n<tree_size>\\n<base64 root>\\n<timestamp>\\n"``, and ``signature`` is the
standard base64 of its Ed25519 signature.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM: Final = "Ed25519"
ROOT_HASH_SIZE: Final = 32
KEY_FILE_MODE: Final = 0o600
_TIMESTAMP_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


# --------------------------------------------------------------------------- note text


def format_timestamp(dt: datetime) -> str:
    """Return dt as an RFC 3339 UTC string with microseconds, e.g. 2026-11-21T19:30:00.123456Z."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        # Naive values are taken to be UTC (what SQLite hands back for UTC columns).
        dt = dt.replace(tzinfo=UTC)
    # isoformat, not strftime: glibc's %Y does not zero-pad years before 1000.
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_timestamp(value: str) -> datetime:
    """Parse a timestamp written by ``format_timestamp`` back into an aware UTC datetime."""
    if not _TIMESTAMP_RE.fullmatch(value):
        raise ValueError(f"not a checkpoint timestamp: {value!r}")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def signed_note(origin: str, tree_size: int, root_hash: bytes, timestamp: str) -> str:
    """Return the exact checkpoint text that is signed."""
    if not origin or "\n" in origin or "\r" in origin:
        raise ValueError("origin must be a non-empty single line")
    if "\n" in timestamp or "\r" in timestamp:
        raise ValueError("timestamp must be a single line")
    if isinstance(tree_size, bool) or tree_size < 0:
        raise ValueError("tree_size must be a non-negative integer")
    if len(root_hash) != ROOT_HASH_SIZE:
        raise ValueError(f"root_hash must be {ROOT_HASH_SIZE} bytes")
    root_b64 = base64.b64encode(root_hash).decode("ascii")
    return f"{origin}\n{tree_size}\n{root_b64}\n{timestamp}\n"


# --------------------------------------------------------------------------- C2SP signed notes

# c2sp.org/signed-note: the signature type of Ed25519, and the line that opens a signature.
NOTE_ED25519: Final = b"\x01"
NOTE_SIGNATURE_PREFIX: Final = "\u2014 "


def note_key_hash(name: str, public_key_raw: bytes) -> bytes:
    """The 4-byte key id of c2sp.org/signed-note: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + NOTE_ED25519 + public_key_raw).digest()[:4]


def vkey(name: str, public_key_raw: bytes) -> str:
    """The verifier key string: `<name>+<hex key id>+<base64(0x01 ‖ key)>`."""
    encoded = base64.b64encode(NOTE_ED25519 + public_key_raw).decode("ascii")
    return f"{name}+{note_key_hash(name, public_key_raw).hex()}+{encoded}"


def c2sp_note(body: str, signature_b64: str, public_key_raw: bytes) -> str:
    """The checkpoint as a signed note: the signed text, a blank line, its signature line.

    The key's name is the checkpoint's origin (its first line); the signature is the one
    already made over the text, so no second signing is needed.
    """
    name = body.split("\n", 1)[0]
    signature = base64.b64decode(signature_b64, validate=True)
    line = base64.b64encode(note_key_hash(name, public_key_raw) + signature).decode("ascii")
    return f"{body}\n{NOTE_SIGNATURE_PREFIX}{name} {line}\n"


def with_note(checkpoint: dict[str, Any], public_key_raw: bytes) -> dict[str, Any]:
    """The checkpoint with its `note`; null when another key than this one signed it."""
    signed_here = checkpoint["key_id"] == key_id(public_key_raw)
    note = (
        c2sp_note(checkpoint["signed_note"], checkpoint["signature"], public_key_raw)
        if signed_here
        else None
    )
    return {**checkpoint, "note": note}


# --------------------------------------------------------------------------- keys


def public_key_raw(private_key: Ed25519PrivateKey) -> bytes:
    """Return the raw 32-byte public key of a signing key."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id(public_key_raw: bytes) -> str:
    """Return the key id: hex of the first 8 bytes of SHA-256 of the raw public key."""
    if len(public_key_raw) != 32:
        raise ValueError("an Ed25519 public key is 32 raw bytes")
    return hashlib.sha256(public_key_raw).digest()[:8].hex()


def sign_note(private_key: Ed25519PrivateKey, note: str) -> str:
    """Return the standard base64 Ed25519 signature of the note's UTF-8 bytes."""
    return base64.b64encode(private_key.sign(note.encode("utf-8"))).decode("ascii")


def verify_note(public_key_raw: bytes, note: str, signature_b64: str) -> bool:
    """Tell whether signature_b64 is a valid Ed25519 signature of note under the raw key."""
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_key_raw)
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, note.encode("utf-8"))
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


def _as_ed25519(key: object) -> Ed25519PrivateKey:
    """Return key if it is an Ed25519 private key, else raise ValueError."""
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 private key")
    return key


def private_key_from_config(value: str) -> Ed25519PrivateKey:
    """Load a signing key from configuration: base64 of the raw 32-byte seed, or a PEM."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        if "\n" not in text and "\\n" in text:
            # A PEM squeezed into one environment-variable line.
            text = text.replace("\\n", "\n")
        return _as_ed25519(serialization.load_pem_private_key(text.encode("ascii"), None))
    try:
        seed = base64.b64decode(text, validate=True)
    except binascii.Error:
        try:
            seed = base64.b64decode(text, altchars=b"-_", validate=True)
        except binascii.Error:
            raise ValueError("signing key is neither base64 nor PEM") from None
    if len(seed) != 32:
        raise ValueError("a base64 signing key must decode to the 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_to_pem(private_key: Ed25519PrivateKey) -> bytes:
    """Return the unencrypted PKCS#8 PEM of a signing key."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_pem_file(path: Path) -> Ed25519PrivateKey:
    """Read an Ed25519 PEM private key file."""
    return _as_ed25519(serialization.load_pem_private_key(path.read_bytes(), None))


def load_or_generate_signing_key(path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """Load the PEM key at path, or create it (mode 0600); return (key, generated)."""
    if path.exists():
        return _load_pem_file(path), False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    # Write a private temporary file, then hard-link it into place: the key file appears
    # complete or not at all, and a concurrent generator loses the race cleanly.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), KEY_FILE_MODE)
            handle.write(private_key_to_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _load_pem_file(path), False
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return key, True


# --------------------------------------------------------------------------- checkpoints


def make_checkpoint(
    private_key: Ed25519PrivateKey,
    origin: str,
    tree_size: int,
    root_hash: bytes,
    timestamp: str,
) -> dict[str, Any]:
    """Return the signed checkpoint object as the API presents it."""
    note = signed_note(origin, tree_size, root_hash, timestamp)
    return {
        "tree_size": tree_size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp,
        "key_id": key_id(public_key_raw(private_key)),
        "signed_note": note,
        "signature": sign_note(private_key, note),
    }


def verify_checkpoint(
    checkpoint: Mapping[str, Any], public_key_raw: bytes, origin: str | None = None
) -> bool:
    """Tell whether a checkpoint object is signed by the key and its fields match its note."""
    try:
        tree_size = checkpoint["tree_size"]
        root_hash = bytes.fromhex(checkpoint["root_hash"])
        timestamp = checkpoint["timestamp"]
        note = checkpoint["signed_note"]
        signature = checkpoint["signature"]
        if not isinstance(tree_size, int) or not isinstance(note, str):
            return False
        if not isinstance(timestamp, str) or not isinstance(signature, str):
            return False
        note_origin = note.split("\n", 1)[0]
        if origin is not None and note_origin != origin:
            return False
        if note != signed_note(note_origin, tree_size, root_hash, timestamp):
            return False
        if checkpoint.get("key_id", key_id(public_key_raw)) != key_id(public_key_raw):
            return False
    except (KeyError, TypeError, ValueError):
        return False
    return verify_note(public_key_raw, note, signature)
