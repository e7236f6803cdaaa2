"""SPEC §4: every operation documents "its error responses"; "Bodies over 1 MiB are 413".
The pipeline answers 413 on every route, so every operation that may carry a body declares
it, or generated clients (the SDK) would treat it as an unexpected status."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import World

DOC = json.loads((Path(__file__).parents[2] / "openapi.json").read_text())
BIG = b'{"x":"' + b"a" * (1024 * 1024 + 10) + b'"}'


@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("post", "/v1/notes/{id}/sign"),
        ("post", "/v1/api-keys/{id}/approve"),
        ("post", "/v1/webhook-endpoints/{id}/rotate-secret"),
        ("delete", "/v1/webhook-endpoints/{id}"),
    ],
)
async def test_an_oversized_body_status_is_declared(
    client: httpx.AsyncClient, world: World, method: str, template: str
) -> None:
    path = template.replace("{id}", str(uuid.uuid4()))
    headers = world["admin"].headers | {"content-type": "application/json"}
    response = await client.request(method.upper(), path, content=BIG, headers=headers)
    assert response.status_code == 413
    declared = DOC["paths"][template][method]["responses"]
    assert "413" in declared, (
        f"{method.upper()} {template} answers 413 but declares {sorted(declared)}"
    )
