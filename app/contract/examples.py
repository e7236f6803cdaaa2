"""Model examples as written: FastAPI drops their `null` values when it builds the document.

`get_openapi` encodes the document with `exclude_none=True`, which strips the nulls of
required nullable fields out of every example, so that they no longer match their schema.
Each component takes back the example its model declares (`json_schema_extra`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python


def _models(base: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_models(sub))
    return found


def declared_examples() -> dict[str, Any]:
    """Class name → the example it declares, for every application model."""
    out: dict[str, Any] = {}
    for model in _models(BaseModel):
        extra = model.model_config.get("json_schema_extra")
        if not model.__module__.startswith("app.") or not isinstance(extra, dict):
            continue
        if "example" in extra:
            example = to_jsonable_python(extra["example"])
            if out.setdefault(model.__name__, example) != example:
                raise ValueError(f"two models named {model.__name__} with different examples")
    return out


def restore_examples(schema: dict[str, Any]) -> dict[str, Any]:
    """Put each component's declared example back, nulls included."""
    declared = declared_examples()
    for component in schema.get("components", {}).get("schemas", {}).values():
        title = component.get("title")
        if "example" in component and title in declared:
            component["example"] = declared[title]
    return schema
