"""AES-256-GCM field encryption bound to table, column and row, with rotating key ids."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DecryptionError",
    "KeyRing",
    "decrypt",
    "encrypt",
    "format_key_line",
    "generate_key",
    "generate_key_id",
    "key_id_of",
    "needs_rotation",
    "reencrypt",
]

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = "v1"

_KEY_ID = re.compile(r"[a-z0-9_-]{1,32}")
_B64_KEY = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_URLSAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Map base64url onto standard base64; "+", "/" and "=" become "!" so strict decoding refuses them.
_FROM_URLSAFE = bytes.maketrans(b"-_+/=", b"+/!!!")


class DecryptionError(Exception):
    """A ciphertext failed to decrypt; the message names only where it came from."""

    def __init__(self, *, key_id: str | None, table: str, column: str, row_id: str) -> None:
        self.key_id = key_id
        self.table = table
        self.column = column
        self.row_id = row_id
        key = key_id if key_id is not None else "unreadable"
        super().__init__(f"cannot decrypt {table}.{column} of row {row_id} (key id {key})")


def generate_key() -> bytes:
    """Return a fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def generate_key_id() -> str:
    """Return a fresh random key id such as ``k-3f9a1c20``."""
    return f"k-{secrets.token_hex(4)}"


def format_key_line(key_id: str, key: bytes) -> str:
    """Render one ``keyid:base64key`` entry, as read by the config and the key file."""
    _check_key_id(key_id, "key id")
    if len(key) != KEY_BYTES:
        raise ValueError(f"key {key_id} must be exactly {KEY_BYTES} bytes")
    return f"{key_id}:{base64.b64encode(key).decode('ascii')}"


class KeyRing:
    """Ordered key ids and their AES-256-GCM keys; the first one encrypts, all decrypt."""

    __slots__ = ("_aeads", "_key_ids")

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        for key_id, key in keys.items():
            _check_key_id(key_id, "key id")
            if len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id} must be exactly {KEY_BYTES} bytes")
        self._key_ids = tuple(keys)
        # AESGCM objects are built once per key: every note read decrypts.
        self._aeads = {key_id: AESGCM(key) for key_id, key in keys.items()}

    def __repr__(self) -> str:
        return f"KeyRing(key_ids={self._key_ids!r})"

    @property
    def active_key_id(self) -> str:
        """The key id new ciphertexts are written under."""
        return self._key_ids[0]

    @property
    def key_ids(self) -> tuple[str, ...]:
        """All key ids, active first."""
        return self._key_ids

    @classmethod
    def from_config(cls, value: str) -> KeyRing:
        """Parse ``NOTES_ENCRYPTION_KEYS``: comma-separated ``keyid:base64key``, active first."""
        entries = [
            (f"NOTES_ENCRYPTION_KEYS entry {number}", entry)
            for number, entry in enumerate(value.split(","), start=1)
        ]
        return cls(_parse_entries(entries, "NOTES_ENCRYPTION_KEYS"))

    @classmethod
    def from_file(cls, path: Path) -> KeyRing:
        """Read a key file: one ``keyid:base64key`` per line, active first, ``#`` comments."""
        try:
            text = path.read_bytes().decode("ascii")
        except UnicodeDecodeError:
            raise ValueError(f"key file {path} is not ASCII text") from None
        entries = [
            (f"key file {path} line {number}", line)
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        return cls(_parse_entries(entries, f"key file {path}"))

    @classmethod
    def load_or_generate(cls, path: Path) -> tuple[KeyRing, bool]:
        """Read the key file, or create it (mode 0600) with one new key; True when created."""
        if path.exists():
            return cls.from_file(path), False
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_id, key = generate_key_id(), generate_key()
        content = (format_key_line(key_id, key) + "\n").encode("ascii")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Another process created it between the check and the open: use theirs.
            return cls.from_file(path), False
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        return cls({key_id: key}), True


def encrypt(ring: KeyRing, plaintext: str, *, table: str, column: str, row_id: str) -> str:
    """Encrypt a field value under the active key, bound to its table, column and row."""
    key_id = ring.active_key_id
    nonce = os.urandom(NONCE_BYTES)
    aad = _associated_data(key_id, table, column, row_id)
    sealed = ring._aeads[key_id].encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{VERSION}.{key_id}.{_b64url(nonce)}.{_b64url(sealed)}"


def decrypt(ring: KeyRing, token: str, *, table: str, column: str, row_id: str) -> str:
    """Decrypt a token written by `encrypt` for exactly this table, column and row."""
    _check_location(table, column, row_id)
    parts = token.split(".")
    key_id = parts[1] if len(parts) == 4 and _KEY_ID.fullmatch(parts[1]) else None
    plaintext = None
    if key_id is not None and parts[0] == VERSION:
        plaintext = _open(ring, key_id, parts[2], parts[3], table, column, row_id)
    if plaintext is None:
        raise DecryptionError(key_id=key_id, table=table, column=column, row_id=row_id)
    return plaintext


def key_id_of(token: str) -> str:
    """The key id a token was encrypted under; ValueError when it is not a token."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise ValueError("not an encrypted field token")
    return parts[1]


def needs_rotation(ring: KeyRing, token: str) -> bool:
    """Whether a token was encrypted under a key other than the active one."""
    return key_id_of(token) != ring.active_key_id


def reencrypt(ring: KeyRing, token: str, *, table: str, column: str, row_id: str) -> str:
    """Re-encrypt a token under the active key; an up-to-date token is returned unchanged."""
    if not needs_rotation(ring, token):
        return token
    plaintext = decrypt(ring, token, table=table, column=column, row_id=row_id)
    return encrypt(ring, plaintext, table=table, column=column, row_id=row_id)


def _open(
    ring: KeyRing,
    key_id: str,
    nonce_text: str,
    sealed_text: str,
    table: str,
    column: str,
    row_id: str,
) -> str | None:
    """Authenticate and decrypt the parts of a token, or None on any failure."""
    aead = ring._aeads.get(key_id)
    nonce = _unb64url(nonce_text)
    sealed = _unb64url(sealed_text)
    if aead is None or nonce is None or sealed is None:
        return None
    if len(nonce) != NONCE_BYTES or len(sealed) < TAG_BYTES:
        return None
    try:
        aad = _associated_data(key_id, table, column, row_id)
        return aead.decrypt(nonce, sealed, aad).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        return None


def _check_location(table: str, column: str, row_id: str) -> None:
    """Refuse an empty location, or a table or column holding the ``|`` separator."""
    if not table or not column or not row_id:
        raise ValueError("table, column and row id are required to encrypt a field")
    if "|" in table or "|" in column:
        raise ValueError("table and column names cannot contain '|'")


def _associated_data(key_id: str, table: str, column: str, row_id: str) -> bytes:
    """Build ``v1|key_id|table|column|row_id``; only row_id, the last field, may hold ``|``."""
    _check_location(table, column, row_id)
    return f"{VERSION}|{key_id}|{table}|{column}|{row_id}".encode()


def _b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes | None:
    """Decode canonical unpadded base64url, or None."""
    remainder = len(text) % 4
    if remainder == 1 or not text.isascii():
        return None
    raw = text.encode("ascii").translate(_FROM_URLSAFE) + b"=" * (-len(text) % 4)
    try:
        data = binascii.a2b_base64(raw, strict_mode=True)
    except binascii.Error:
        return None
    # Refuse spellings with stray low bits so that any edit of a token is an error.
    if remainder and _URLSAFE_ALPHABET.index(text[-1]) & (0b1111 if remainder == 2 else 0b11):
        return None
    return data


def _check_key_id(key_id: str, label: str) -> None:
    """Raise ValueError unless the key id matches ``[a-z0-9_-]{1,32}``."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"{label} must match [a-z0-9_-]{{1,32}}")


def _decode_key(text: str, label: str) -> bytes:
    """Decode a standard or urlsafe base64 key (padding optional) of exactly 32 bytes."""
    mixed = ("-" in text or "_" in text) and ("+" in text or "/" in text)
    if mixed or not _B64_KEY.fullmatch(text):
        raise ValueError(f"{label}: key is not valid base64")
    unpadded = text.rstrip("=")
    try:
        key = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{label}: key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{label}: key must decode to exactly {KEY_BYTES} bytes, not {len(key)}")
    return key


def _parse_entries(entries: Iterable[tuple[str, str]], source: str) -> dict[str, bytes]:
    """Parse labelled ``keyid:base64key`` entries; errors never include key material."""
    keys: dict[str, bytes] = {}
    for label, raw in entries:
        entry = raw.strip()
        if not entry:
            raise ValueError(f"{label} is empty")
        key_id, colon, encoded = entry.partition(":")
        if not colon:
            raise ValueError(f"{label} must look like keyid:base64key")
        key_id = key_id.strip()
        _check_key_id(key_id, f"{label}: key id")
        if key_id in keys:
            raise ValueError(f"{label}: key id {key_id} appears twice")
        keys[key_id] = _decode_key(encoded.strip(), label)
    if not keys:
        raise ValueError(f"{source} holds no keys")
    return keys


def _fsync_dir(directory: Path) -> None:
    """Persist a new directory entry; losing the key file would lose every note."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some filesystems refuse fsync on directories
            os.fsync(fd)
    finally:
        os.close(fd)
