"""The headers the document declares are the ones real responses carry, and the reverse."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import World
from tests.factories import clinical_case, with_if_match

# Headers the contract manages: a response carrying one must declare it, and one declared
# required must be carried.
MANAGED = {"etag", "location", "link", "retry-after", "idempotent-replayed", "x-request-id"}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    section, name = ref.split("/")[-2:]
    found: dict[str, Any] = document["components"][section][name]
    return found


def conforms(
    document: dict[str, Any], method: str, template: str, response: httpx.Response
) -> None:
    """Assert the response's managed headers are exactly what its declaration allows."""
    operation = document["paths"][template][method]
    declared = operation["responses"][str(response.status_code)].get("headers", {})
    headers = {name.lower(): _resolve(document, spec) for name, spec in declared.items()}
    for name, spec in headers.items():
        if spec.get("required"):
            assert name in response.headers, (method, template, response.status_code, name)
    carried = {name.lower() for name in response.headers} & MANAGED
    assert carried <= set(headers), (method, template, response.status_code, carried)


def parameter(document: dict[str, Any], method: str, template: str, name: str) -> dict[str, Any]:
    """The declared request parameter of that name (case-insensitive)."""
    for spec in document["paths"][template][method].get("parameters", []):
        spec = _resolve(document, spec)
        if spec["name"].lower() == name.lower():
            return spec
    raise AssertionError(f"{name} is not declared on {method} {template}")


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/openapi.json")).json()
    return body


async def test_sampled_responses_carry_what_is_declared(
    client: httpx.AsyncClient, world: World, document: dict[str, Any]
) -> None:
    therapist = world["therapist"].headers
    case = await clinical_case(client, world)
    one = f"/v1/clients/{case.client_id}"
    samples: list[tuple[str, str, httpx.Response]] = [
        ("get", "/health/live", await client.get("/health/live")),
        ("get", "/v1/audit/public-key", await client.get("/v1/audit/public-key")),
        ("get", "/v1/clients", await client.get("/v1/clients?limit=1", headers=therapist)),
        ("get", "/v1/clients/{id}", await client.get(one, headers=therapist)),
        ("get", "/v1/me", await client.get("/v1/me")),
    ]
    stale = with_if_match(therapist, '"0-0"')
    samples.append(("patch", "/v1/clients/{id}", await client.patch(one, json={}, headers=stale)))
    samples.append(
        ("patch", "/v1/clients/{id}", await client.patch(one, json={}, headers=therapist))
    )
    fresh = with_if_match(therapist, case.client_etag)
    patched = await client.patch(one, json={"preferred_name": "Al"}, headers=fresh)
    samples.append(("patch", "/v1/clients/{id}", patched))
    keyed = {**therapist, "Idempotency-Key": "contract-headers-1"}
    body = {"given_name": "Ida", "family_name": "Key"}
    first = await client.post("/v1/clients", json=body, headers=keyed)
    replay = await client.post("/v1/clients", json=body, headers=keyed)
    samples += [("post", "/v1/clients", first), ("post", "/v1/clients", replay)]
    for method, template, response in samples:
        conforms(document, method, template, response)
    statuses = [response.status_code for _, _, response in samples]
    assert statuses == [200, 200, 200, 200, 401, 412, 428, 200, 201, 201]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert patched.headers["ETag"] != case.client_etag


async def test_request_headers_are_declared_where_they_apply(document: dict[str, Any]) -> None:
    assert parameter(document, "post", "/v1/notes/{id}/sign", "If-Match")["required"] is True
    assert (
        parameter(document, "patch", "/v1/clients/{id}", "If-Match")["schema"]["type"] == "string"
    )
    assert parameter(document, "patch", "/v1/sessions/{id}", "If-Match")["required"] is False
    assert parameter(document, "post", "/v1/clients", "Idempotency-Key")["required"] is False
    purpose = parameter(document, "get", "/v1/notes/{id}", "X-Purpose-Of-Use")["schema"]
    assert "TREAT" in _resolve(document, purpose)["enum"]
    assert (
        parameter(document, "get", "/v1/notes/{id}", "X-Break-Glass-Reason")["schema"]["minLength"]
        == 10
    )
    assert parameter(document, "get", "/v1/notes/{id}", "If-None-Match")
    assert parameter(document, "get", "/health/live", "X-Request-ID")
    with pytest.raises(AssertionError):
        parameter(document, "get", "/v1/audit/public-key", "X-Purpose-Of-Use")
    with pytest.raises(AssertionError):
        parameter(document, "get", "/v1/clients", "If-None-Match")
    retry = document["paths"]["/v1/clients"]["get"]["responses"]["503"]["headers"]["Retry-After"]
    assert retry == {"$ref": "#/components/headers/RetryAfter"}
    listed = document["paths"]["/v1/clients"]["get"]["responses"]["200"]["headers"]
    assert "Link" in listed


async def test_declared_purpose_and_break_glass_are_read(
    client: httpx.AsyncClient, world: World
) -> None:
    """The declared request headers are the ones the service acts on."""
    case = await clinical_case(client, world)
    one = f"/v1/clients/{case.client_id}"
    purpose = {**world["therapist"].headers, "X-Purpose-Of-Use": "NOT-A-CODE"}
    assert (await client.get(one, headers=purpose)).status_code == 422
    glass = {**world["admin"].headers, "X-Break-Glass-Reason": "Client in crisis tonight."}
    assert (await client.get(one, headers=glass)).status_code == 403
