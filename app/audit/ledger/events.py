"""The audit event as the API, the exports and the leaf hash see it (SPEC §6), in one place.

``event_json`` is the only function that turns a stored event into its JSON object; the
search API, the NDJSON export, the sequencer's leaf hash and ``verify`` all call it, so the
object an auditor downloads is byte for byte the object that was hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.ledger import merkle

_SAFE_INT: Final = 2**53 - 1
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
)
_SEAL_LABEL: Final = b"notes-audit-leaf-seal-v1"
# The quoting the encoder above uses (ensure_ascii=False): C-accelerated, RFC 8785's escapes.
_quote: Final = json.encoder.encode_basestring


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def timestamp(value: datetime) -> str:
    """``checkpoint.format_timestamp`` (RFC 3339, UTC, microseconds, Z), on the hot path."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def event_body(row: Any) -> dict[str, Any]:
    """The hashed part of the event object: every field but ``seq`` and ``leaf_hash``."""
    client_ids = row.client_ids
    return {
        "id": str(row.id),
        "occurred_at": timestamp(row.occurred_at),
        "practice_id": _str(row.practice_id),
        "request_id": row.request_id,
        "actor": {"type": row.actor_type, "id": _str(row.actor_id), "role": row.actor_role},
        "action": row.action,
        "resource": {"type": row.resource_type, "id": row.resource_id},
        "client_ids": list(client_ids) if isinstance(client_ids, list) else client_ids,
        "outcome": row.outcome,
        "http_status": row.http_status,
        "purpose_of_use": row.purpose_of_use,
        "break_glass_reason": row.break_glass_reason,
        "source_ip": row.source_ip,
        "user_agent": row.user_agent,
        "method": row.method,
        "route": row.route,
    } | _details(row)


def _details(row: Any) -> dict[str, Any]:
    """``details`` (ids of what a change added or removed) only where an event has them, so
    that events written before the field existed keep their leaf hashes."""
    details = getattr(row, "details", None)
    return {} if details is None else {"details": details}


def event_json(
    row: Any, *, seq: int | None = None, leaf_hash: bytes | None = None
) -> dict[str, Any]:
    """The event object of SPEC §6 from a stored row (ORM object or Core row)."""
    body = event_body(row)
    body["seq"] = seq
    body["leaf_hash"] = None if leaf_hash is None else leaf_hash.hex()
    return body


def _plain(value: object) -> bool:
    """Whether Python's JSON encoder writes value exactly as RFC 8785 does."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return -_SAFE_INT <= value <= _SAFE_INT  # type: ignore[operator]
    if kind is list:
        return all(map(_plain, value))  # type: ignore[call-overload]
    if kind is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())  # type: ignore[attr-defined]
    return False


def _plain_body(body: dict[str, Any]) -> bool:
    """``_plain`` for the shape ``event_body`` builds (ASCII keys by construction), faster."""
    for value in body.values():
        kind = type(value)
        if kind is str or value is None:
            continue
        if kind is int:
            if not -_SAFE_INT <= value <= _SAFE_INT:
                return False
        elif kind is dict:
            if any(v is not None and type(v) is not str for v in value.values()):
                return False
        elif kind is list:
            if any(type(v) is not str for v in value):
                return False
        else:
            return False
    return True


def _canonical(body: dict[str, Any], *, ours: bool = False) -> bytes:
    if _plain_body(body) if ours else _plain(body):
        try:
            return _ENCODER.encode(body).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let rfc8785 refuse it the standard way
    return rfc8785.dumps(body)


def canonical_json(event: Mapping[str, Any]) -> bytes:
    """RFC 8785 JSON of an event without ``seq`` and ``leaf_hash`` (fast path, same bytes).

    For ASCII keys, strings, safe integers, booleans and null, sorted compact JSON without
    ASCII escaping is exactly RFC 8785 (the same escapes as ECMAScript's JSON.stringify);
    anything else goes to the ``rfc8785`` package. Tests hold the two to the same bytes.
    """
    return _canonical({k: v for k, v in event.items() if k not in merkle.EVENT_HASH_EXCLUDED_KEYS})


def event_leaf_hash(event: Mapping[str, Any]) -> bytes:
    """SHA-256(0x00 ‖ RFC 8785 JSON of the event without seq and leaf_hash)."""
    return merkle.leaf_hash(canonical_json(event))


class _NotPlain(Exception):
    """A value the row template does not write exactly as RFC 8785 does."""


def _text(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return _quote(value)
    raise _NotPlain


def _id_text(value: object) -> str:
    # Any UUID, asyncpg's own included: event_body writes str(value) for every id.
    if isinstance(value, uuid.UUID):
        return _quote(str(value))
    return _text(value)


def _row_canonical(row: Any) -> str:
    """RFC 8785 JSON of ``event_body(row)`` written straight from the row, keys pre-sorted.

    Verification recomputes a million of these: a fixed template with the encoder's own
    string quoting costs much less than building the dict and encoding it. Anything but
    strings, nulls, a safe integer status and a list of string ids raises ``_NotPlain``
    and takes the general path; tests hold both to ``rfc8785`` byte for byte.
    """
    status, client_ids = row.http_status, row.client_ids
    if type(status) is not int or not -_SAFE_INT <= status <= _SAFE_INT:
        raise _NotPlain
    if getattr(row, "details", None) is not None:
        raise _NotPlain
    if type(client_ids) is not list or not all(type(c) is str for c in client_ids):
        raise _NotPlain
    return "".join(
        (
            '{"action":',
            _text(row.action),
            ',"actor":{"id":',
            _id_text(row.actor_id),
            ',"role":',
            _text(row.actor_role),
            ',"type":',
            _text(row.actor_type),
            '},"break_glass_reason":',
            _text(row.break_glass_reason),
            ',"client_ids":[',
            ",".join(map(_quote, client_ids)),
            '],"http_status":',
            str(status),
            ',"id":',
            _id_text(row.id),
            ',"method":',
            _text(row.method),
            ',"occurred_at":"',
            timestamp(row.occurred_at),
            '","outcome":',
            _text(row.outcome),
            ',"practice_id":',
            _id_text(row.practice_id),
            ',"purpose_of_use":',
            _text(row.purpose_of_use),
            ',"request_id":',
            _text(row.request_id),
            ',"resource":{"id":',
            _text(row.resource_id),
            ',"type":',
            _text(row.resource_type),
            '},"route":',
            _text(row.route),
            ',"source_ip":',
            _text(row.source_ip),
            ',"user_agent":',
            _text(row.user_agent),
            "}",
        )
    )


# json.dumps's own quoting (ensure_ascii=True), for the export's lines.
_quote_ascii: Final = json.encoder.encode_basestring_ascii


def _ascii_text(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return _quote_ascii(value)
    raise _NotPlain


def _ascii_id(value: object, *, nullable: bool = True) -> str:
    if isinstance(value, uuid.UUID) or type(value) is str:
        return _quote_ascii(str(value))
    if value is None and nullable:
        return "null"
    raise _NotPlain


def _row_line(row: Any, seq: int | None, leaf_hash: bytes | None) -> str:
    status, client_ids = row.http_status, row.client_ids
    if type(status) is not int or (seq is not None and type(seq) is not int):
        raise _NotPlain
    if getattr(row, "details", None) is not None:
        raise _NotPlain
    if type(client_ids) is not list or not all(type(c) is str for c in client_ids):
        raise _NotPlain
    return "".join(
        (
            '{"id":',
            _ascii_id(row.id, nullable=False),
            ',"occurred_at":"',
            timestamp(row.occurred_at),
            '","practice_id":',
            _ascii_id(row.practice_id),
            ',"request_id":',
            _ascii_text(row.request_id),
            ',"actor":{"type":',
            _ascii_text(row.actor_type),
            ',"id":',
            _ascii_id(row.actor_id),
            ',"role":',
            _ascii_text(row.actor_role),
            '},"action":',
            _ascii_text(row.action),
            ',"resource":{"type":',
            _ascii_text(row.resource_type),
            ',"id":',
            _ascii_text(row.resource_id),
            '},"client_ids":[',
            ",".join(map(_quote_ascii, client_ids)),
            '],"outcome":',
            _ascii_text(row.outcome),
            ',"http_status":',
            str(status),
            ',"purpose_of_use":',
            _ascii_text(row.purpose_of_use),
            ',"break_glass_reason":',
            _ascii_text(row.break_glass_reason),
            ',"source_ip":',
            _ascii_text(row.source_ip),
            ',"user_agent":',
            _ascii_text(row.user_agent),
            ',"method":',
            _ascii_text(row.method),
            ',"route":',
            _ascii_text(row.route),
            ',"seq":',
            "null" if seq is None else str(seq),
            ',"leaf_hash":',
            "null" if leaf_hash is None else '"' + leaf_hash.hex() + '"',
            "}",
        )
    )


def export_line(row: Any, *, seq: int | None = None, leaf_hash: bytes | None = None) -> str:
    """``json.dumps(event_json(row, …))``, compact: one line of the NDJSON export.

    A fixed template with json's own quoting, as for ``_row_canonical``: the export writes
    a million of these, and building each dict and encoding it cost two thirds of its time.
    Rows the template cannot write take the general path; tests hold both to the same bytes.
    """
    try:
        return _row_line(row, seq, leaf_hash)
    except _NotPlain:
        event = event_json(row, seq=seq, leaf_hash=leaf_hash)
        return json.dumps(event, separators=(",", ":"))


def fallback_json(body: Mapping[str, Any]) -> bytes:
    """The fallback form of an event RFC 8785 refuses: ``json.dumps`` sorted, compact, ASCII."""
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


def row_leaf(row: Any) -> tuple[bytes, bool]:
    """The leaf hash of a stored event row, and whether it is of RFC 8785 JSON.

    A row the recorder did not write may hold what RFC 8785 refuses (``[1e999]``, a huge
    integer, a lone surrogate). Its leaf is then the hash of ``fallback_json``, which still
    commits to the stored values, so that one such row cannot stop the sequencer; ``verify``
    reports it (docs/audit.md §3).
    """
    try:
        return merkle.leaf_hash(_row_canonical(row).encode("utf-8")), True
    except (_NotPlain, UnicodeEncodeError):  # a lone surrogate: rfc8785 refuses it
        pass
    body = event_body(row)
    try:
        return merkle.leaf_hash(_canonical(body, ours=True)), True
    except rfc8785.CanonicalizationError:
        return merkle.leaf_hash(fallback_json(body)), False


def row_leaf_hash(row: Any) -> bytes:
    """The leaf hash of a stored event row (``row_leaf`` without the flag)."""
    return row_leaf(row)[0]


def review_details(review_id: uuid.UUID, decision: str, comment: str | None) -> dict[str, Any]:
    """What a review's event commits to: its id, decision and the SHA-256 of its comment."""
    # A digest, not the comment: events carry no free text (SPEC §6).
    digest = None if comment is None else hashlib.sha256(comment.encode("utf-8")).hexdigest()
    return {"review_id": str(review_id), "decision": decision, "comment_sha256": digest}


def seal_key(signing_key: Ed25519PrivateKey) -> bytes:
    """The HMAC key sealing leaves, derived from the checkpoint signing key."""
    seed = signing_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return hmac.new(seed, _SEAL_LABEL, hashlib.sha256).digest()


def seal(key: bytes, seq: int, event_id: uuid.UUID | str, leaf_hash: bytes) -> bytes:
    """HMAC-SHA256 binding a leaf hash to its sequence number and event id."""
    return hmac.digest(key, f"{seq}\n{event_id}\n".encode() + leaf_hash, "sha256")
