"""Walking the OpenAPI document: its operations, examples and references."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:session-notes:openapi"


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def examples(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(pointer, schema, example) for every `example` beside a schema in the document."""
    if isinstance(node, dict):
        if "example" in node:
            if "schema" in node:  # a parameter, header or media type
                yield where, node["schema"], node["example"]
            elif "type" in node or "properties" in node or "$ref" in node:  # a schema
                schema = {key: value for key, value in node.items() if key != "example"}
                yield where, schema, node["example"]
        for key, value in node.items():
            yield from examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples(value, f"{where}/{index}")


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    """A JSON Schema 2020-12 validator resolving `#/components/...` in the document."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    rooted = {"$id": f"{DOCUMENT_URI}-example", **_rebase(schema)}
    return jsonschema.Draft202012Validator(
        rooted, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _rebase(node: Any) -> Any:
    """References into the document made absolute, so that a lone schema resolves them."""
    if isinstance(node, dict):
        return {
            key: f"{DOCUMENT_URI}{value}"
            if key == "$ref" and value.startswith("#")
            else _rebase(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebase(value) for value in node]
    return node
