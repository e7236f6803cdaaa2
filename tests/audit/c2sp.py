"""An independent reader of c2sp.org/signed-note and c2sp.org/tlog-checkpoint, from the texts.

Written from the specifications, not from app/: a note is UTF-8 text ending in a newline,
a blank line, then signature lines `— <name> <base64(4-byte key id ‖ signature)>`; the
Ed25519 key id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]; a verifier key is
`<name>+<hex key id>+<base64(0x01 ‖ public key)>`. A checkpoint's text is the origin, the
tree size in decimal, the base64 root hash, then optional extension lines.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EM_DASH = "\u2014"


class NoteError(ValueError):
    """The note is malformed or not signed by the verifier's key."""


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    extensions: list[str]


def parse_vkey(vkey: str) -> Verifier:
    """A verifier key string; its key id must be the one its name and key give."""
    name, key_id_hex, encoded = vkey.split("+", 2)  # base64 may hold "+" too
    if not name or any(c.isspace() for c in name):
        raise NoteError("bad key name")
    key = base64.b64decode(encoded, validate=True)
    if key[:1] != b"\x01" or len(key) != 33:
        raise NoteError("not an Ed25519 verifier key")
    key_id = bytes.fromhex(key_id_hex)
    if key_id != hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]:
        raise NoteError("key id does not match the key")
    return Verifier(name, key_id, key[1:])


def open_note(note: str, verifier: Verifier) -> str:
    """The note's text when a signature line of the verifier's key verifies, else NoteError."""
    if not note.endswith("\n"):
        raise NoteError("a note ends with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("no blank line before the signatures")
    text, signatures = note[: split + 1], note[split + 2 :]
    for line in signatures.splitlines():
        prefix, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if prefix != EM_DASH or not name or not encoded:
            raise NoteError(f"malformed signature line: {line!r}")
        raw = base64.b64decode(encoded, validate=True)
        if name != verifier.name or raw[:4] != verifier.key_id:
            continue  # another signer's line: ignored
        try:
            Ed25519PublicKey.from_public_bytes(verifier.public_key).verify(
                raw[4:], text.encode("utf-8")
            )
        except InvalidSignature:
            raise NoteError("signature does not verify") from None
        return text
    raise NoteError("no signature by the verifier's key")


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint body of an opened note."""
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[1].isdigit() or (lines[1] != "0" and lines[1][0] == "0"):
        raise NoteError("not a checkpoint")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise NoteError("root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root, lines[3:])
