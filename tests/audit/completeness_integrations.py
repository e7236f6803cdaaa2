"""Completeness rows of the change feed and the webhook routes (docs/integrations.md)."""

from __future__ import annotations

from tests.audit.completeness import Case

_HOOK = {"url": "http://127.0.0.1:9/hooks", "event_types": ["client.created"]}
_ENDPOINT = "/v1/webhook-endpoints/{missing}"


def _webhook_rows() -> list[Case]:
    """Per route: refused to a therapist (403 before any row is read), 404 for an admin."""
    routes = [
        ("GET", "/v1/webhook-endpoints/{id}", _ENDPOINT, "webhook_endpoint.read"),
        ("PATCH", "/v1/webhook-endpoints/{id}", _ENDPOINT, "webhook_endpoint.update"),
        ("DELETE", "/v1/webhook-endpoints/{id}", _ENDPOINT, "webhook_endpoint.delete"),
        (
            "POST",
            "/v1/webhook-endpoints/{id}/rotate-secret",
            _ENDPOINT + "/rotate-secret",
            "webhook_endpoint.rotate_secret",
        ),
        ("POST", "/v1/webhook-endpoints/{id}/test", _ENDPOINT + "/test", "webhook_endpoint.test"),
        (
            "GET",
            "/v1/webhook-endpoints/{id}/deliveries",
            _ENDPOINT + "/deliveries",
            "webhook_delivery.list",
        ),
        (
            "POST",
            "/v1/webhook-deliveries/{id}/retry",
            "/v1/webhook-deliveries/{missing}/retry",
            "webhook_delivery.retry",
        ),
    ]
    rows = []
    for method, route, path, action in routes:
        body = (lambda _s: {"description": "x"}) if method == "PATCH" else None
        rows.append(Case("therapist", method, path, route, 403, action, "denied", json=body))
        rows.append(Case("admin", method, path, route, 404, action, "not_found", json=body))
    return rows


INTEGRATION_CASES: list[Case] = [
    # An events:read key without area scopes reads no type: an empty page naming no client.
    Case("key:events:read", "GET", "/v1/events", "/v1/events", 200, "event.list", "success"),
    Case("therapist", "GET", "/v1/events", "/v1/events", 403, "event.list", "denied"),
    Case("anon", "GET", "/v1/events", "/v1/events", 401, "event.list", "denied", purpose=None),
    Case(
        "admin",
        "GET",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints",
        200,
        "webhook_endpoint.list",
        "success",
    ),
    Case(
        "key:sessions:read",
        "GET",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints",
        403,
        "webhook_endpoint.list",
        "denied",
    ),
    Case(
        "admin",
        "POST",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints",
        201,
        "webhook_endpoint.create",
        "success",
        json=lambda _s: _HOOK,
    ),
    Case(
        "auditor",
        "POST",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints",
        403,
        "webhook_endpoint.create",
        "denied",
        json=lambda _s: _HOOK,
    ),
    *_webhook_rows(),
]
