"""Prometheus metrics: requests and latency by route template, pool use, audit sequencer lag."""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUESTS = Counter(
    "notes_http_requests_total", "HTTP requests by route template", ["method", "route", "status"]
)
LATENCY = Histogram(
    "notes_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
POOL_SIZE = Gauge("notes_db_pool_size", "Configured database pool size")
POOL_CHECKED_OUT = Gauge("notes_db_pool_checked_out", "Database connections in use")
SEQUENCER_LAG = Gauge(
    "notes_audit_sequencer_lag_seconds", "Age of the oldest audit event not yet sequenced"
)
UNSEQUENCED = Gauge("notes_audit_unsequenced_events", "Audit events waiting for a sequence number")
TREE_SIZE = Gauge("notes_audit_tree_size", "Events in the latest signed checkpoint")


# The labelled children, found once per label set: `labels()` validates and locks on every
# call, which the request path paid twice per request.
_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request and its latency."""
    key = (method, route, status)
    found = _children.get(key)
    if found is None:
        found = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route))
        _children[key] = found
    found[0].inc()
    found[1].observe(seconds)


def render() -> tuple[bytes, str]:
    """The Prometheus text exposition and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
