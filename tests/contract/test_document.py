"""The OpenAPI document as a contract generated clients can live on (SPEC §4)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from app.contract.info import package_version
from tests.contract.document import examples, operations, validator

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/openapi.json")).json()
    return body


async def test_operation_ids_are_short_snake_case_and_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert SNAKE.match(operation_id), operation_id
        assert "_v1_" not in operation_id, operation_id
        assert len(operation_id) <= 40, operation_id
    assert {"create_client", "sign_note", "get_note", "list_events"} <= set(ids)


async def test_every_example_is_valid_against_its_schema(document: dict[str, Any]) -> None:
    found = list(examples(document))
    assert len(found) > 50  # every schema and header carries one
    invalid = {
        where: [error.message for error in validator(document, schema).iter_errors(example)]
        for where, schema, example in found
    }
    assert {where: errors for where, errors in invalid.items() if errors} == {}


async def test_component_names_are_clean(document: dict[str, Any]) -> None:
    for name in document["components"]["schemas"]:
        assert re.match(r"^[A-Z][A-Za-z0-9]+$", name), name
        assert not name.startswith(("Body_", "Page_")), name


async def test_responses_are_open_and_requests_strict(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "additionalProperties" not in schemas["ClientOut"]
    assert "additionalProperties" not in schemas["NotePage"]
    assert schemas["ClientCreate"]["additionalProperties"] is False


async def test_views_are_discriminated_not_untagged(document: dict[str, Any]) -> None:
    text = str(document)
    assert "'anyOf': [{'$ref': '#/components/schemas/ClientClinicalOut'}" not in text
    ops = {(m, p): o for m, p, o in operations(document)}
    for method, path in [("get", "/v1/clients/{id}"), ("get", "/v1/sessions/{id}")]:
        body = ops[(method, path)]["responses"]["200"]["content"]["application/json"]["schema"]
        assert body["discriminator"]["propertyName"] == "view", path
        assert len(body["oneOf"]) == 2
    page = document["components"]["schemas"]["ClientPage"]["properties"]["items"]["items"]
    assert page["discriminator"]["mapping"].keys() == {"clinical", "demographics"}


async def test_info_servers_and_tags(document: dict[str, Any]) -> None:
    assert document["info"]["version"] == package_version()
    assert document["info"]["license"]["name"]
    assert document["info"]["contact"]["url"]
    assert document["servers"]
    described = {tag["name"] for tag in document["tags"] if tag["description"]}
    for _, path, operation in operations(document):
        assert set(operation["tags"]) <= described, path


def _inline_enums(node: Any, where: str = "#") -> list[str]:
    if isinstance(node, list):
        return [
            found for i, value in enumerate(node) for found in _inline_enums(value, f"{where}/{i}")
        ]
    if not isinstance(node, dict):
        return []
    top_level = where.count("/") == 3 and where.startswith("#/components/schemas/")
    here = [where] if len(node.get("enum", [])) > 1 and not top_level else []
    return here + [f for key, value in node.items() for f in _inline_enums(value, f"{where}/{key}")]


async def test_every_enum_is_a_named_component(document: dict[str, Any]) -> None:
    """A new set of values needs its name in app/contract/enums.py (else one class per use)."""
    assert _inline_enums(document) == []
    schemas = document["components"]["schemas"]
    assert schemas["PhaseProgress"]["properties"]["phase"] == {"$ref": "#/components/schemas/Phase"}
    severity = schemas["MeasureOut"]["properties"]["severity"]["anyOf"][0]
    assert severity == {"$ref": "#/components/schemas/Severity"}
    assert schemas["ReviewOut"]["properties"]["decision"]["$ref"].endswith("/ReviewDecision")
