"""Conditional reads (RFC 9110 §13): If-None-Match with the current ETag answers 304."""

from __future__ import annotations

from starlette.types import Message

# What a 304 keeps of the 200 it stands for (RFC 9110 §15.4.5): no body, no content headers.
_KEPT = {b"etag", b"cache-control", b"vary", b"content-location", b"expires", b"date"}


def _opaque(tag: str) -> str:
    """The tag without its weakness marker: If-None-Match compares weakly."""
    return tag.strip().removeprefix("W/")


def matches_any(header: str, etag: str) -> bool:
    """Whether an If-None-Match value names this ETag (weak comparison) or is `*`."""
    wanted = {_opaque(tag) for tag in header.split(",")}
    return "*" in wanted or _opaque(etag) in wanted


def not_modified(if_none_match: str | None, messages: list[Message]) -> list[Message] | None:
    """A 304 in place of a buffered 200 whose ETag the client already holds, else None."""
    if if_none_match is None:
        return None
    start = next((m for m in messages if m["type"] == "http.response.start"), None)
    if start is None or start["status"] != 200:
        return None
    headers = list(start.get("headers", []))
    etag = next((v.decode("latin-1") for k, v in headers if k.lower() == b"etag"), None)
    if etag is None or not matches_any(if_none_match, etag):
        return None
    kept = [(k, v) for k, v in headers if k.lower() in _KEPT]
    return [
        {"type": "http.response.start", "status": 304, "headers": kept},
        {"type": "http.response.body", "body": b"", "more_body": False},
    ]
