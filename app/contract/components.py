"""Component schemas as clients see them: clean names, and responses open to added fields."""

from __future__ import annotations

import json
from typing import Any

_SCHEMAS = "#/components/schemas/"
_FORM = "application/x-www-form-urlencoded"


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _rename(schema: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """The document with every reference to a renamed component following it."""
    text = json.dumps(schema)
    for old, new in renames.items():
        text = text.replace(f'"{_SCHEMAS}{old}"', f'"{_SCHEMAS}{new}"')
    renamed: dict[str, Any] = json.loads(text)
    components = renamed["components"]["schemas"]
    for old, new in renames.items():
        components[new] = components.pop(old)
        components[new]["title"] = new
    return renamed


def name_request_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """`CreateTokenForm`, not FastAPI's `Body_<operation id>` for form and multi-field bodies."""
    renames: dict[str, str] = {}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                name = content.get("schema", {}).get("$ref", "").removeprefix(_SCHEMAS)
                if name.startswith("Body_"):
                    suffix = "Form" if media == _FORM else "Body"
                    renames[name] = _pascal(operation["operationId"]) + suffix
    return _rename(schema, renames) if renames else schema


def name_generics(schema: dict[str, Any]) -> dict[str, Any]:
    """`ClientPage`, not `Page_Annotated_Union_…`: a generic model's component takes its title.

    Pydantic names the parametrized class by `model_parametrized_name` (its title) but keys
    its definition by the type's repr, which FastAPI turns into the component name.
    """
    schemas: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    renames = {
        name: body["title"]
        for name, body in schemas.items()
        if str(body.get("title", name)).isidentifier()
        and body["title"] != name
        and not name.startswith("Body_")
    }
    if len(set(renames.values()) | (schemas.keys() - renames.keys())) != len(schemas):
        raise ValueError(f"two components would share a name: {renames}")
    return _rename(schema, renames) if renames else schema


def _referenced(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            found.add(ref.removeprefix(_SCHEMAS))
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)


def _closure(roots: set[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        found: set[str] = set()
        _referenced(schemas[name], found)
        todo.extend(found - seen)
    return seen


def open_response_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop `additionalProperties: false` from what only responses use.

    Output models forbid extra fields to keep the server honest; a client must still accept
    fields added later (SPEC §4: additive changes come without notice). Request bodies stay
    strict: an unknown field there is a mistake worth a 422.
    """
    schemas: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    requested: set[str] = set()
    answered: set[str] = set()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _referenced(operation.get("requestBody", {}), requested)
            _referenced(operation.get("parameters", []), requested)
            _referenced(operation.get("responses", {}), answered)
    for name in _closure(answered, schemas) - _closure(requested, schemas):
        if schemas[name].get("additionalProperties") is False:
            del schemas[name]["additionalProperties"]
    return schema


def untitle_inline_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline response bodies lose FastAPI's `Response <operation id>` title.

    Generators name a model after its title; without it they name it after the operation
    and status (`GetLivenessResponse200`), not after the path and method.
    """
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                for content in response.get("content", {}).values():
                    body = content.get("schema", {})
                    if str(body.get("title", "")).startswith("Response "):
                        del body["title"]
    return schema
