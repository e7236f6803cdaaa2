"""Theme catalog input and output shapes."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictInt,
    StringConstraints,
    model_validator,
)

from app.schema_types import Absent, Boolean, Name, NotBlank, ShortText, integral
from app.themes.catalog import CATEGORIES, CODE_MAX_LENGTH, CODE_PATTERN, ThemeCategory

ThemeCode = Annotated[
    str, StringConstraints(pattern=CODE_PATTERN, min_length=3, max_length=CODE_MAX_LENGTH)
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Description = Annotated[ShortText, AfterValidator(_not_blank), NotBlank]
DmrsLevel = Annotated[StrictInt, Field(ge=1, le=7), BeforeValidator(integral)]


# ThemeCreate._consistent, stated in the document: the code's first segment is the category;
# a defense has a DMRS level, nothing else has one.
_CODE_SEGMENTS = CODE_PATTERN.split("*", 1)[1]
_CONSISTENT: list[JsonValue] = [
    {
        "anyOf": [
            {
                "properties": {
                    "category": {"const": category},
                    "code": {"pattern": f"^{category}{_CODE_SEGMENTS}"},
                }
            }
            for category in CATEGORIES
        ]
    },
    {
        "if": {"properties": {"category": {"const": "defense"}}, "required": ["category"]},
        "then": {"required": ["dmrs_level"], "properties": {"dmrs_level": {"type": "integer"}}},
        "else": {"properties": {"dmrs_level": {"type": "null"}}},
    },
]


class ThemeCreate(BaseModel):
    """A practice's own theme; its code starts with its category and is never reused."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "code": "relational_pattern.people_pleasing",
                "label": "People-pleasing",
                "category": "relational_pattern",
                "description": "Anticipates and meets others' wishes to avoid their displeasure.",
            },
            "allOf": _CONSISTENT,
        },
    )

    code: ThemeCode
    label: Name
    category: ThemeCategory
    description: Description | None = None
    dmrs_level: DmrsLevel | None = Field(
        default=None, description="DMRS level 1-7; required for defenses only."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.code.split(".", 1)[0] != self.category:
            raise ValueError("code must start with its category followed by a dot")
        if (self.category == "defense") != (self.dmrs_level is not None):
            raise ValueError("dmrs_level is required for defenses and only for defenses")
        return self


class ThemeUpdate(BaseModel):
    """Changes to a practice's own theme; code, category and DMRS level never change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"active": False}})

    label: Name | Absent = None
    description: Description | None = None
    active: Boolean | Absent = None

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for field in ("label", "active"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class ThemeOut(BaseModel):
    """A theme of the catalog as every clinician of the practice sees it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "code": "defense.intellectualization",
                "label": "Intellectualization",
                "category": "defense",
                "description": "Uses excessive abstract thinking or generalization to keep "
                "disturbing feelings away.",
                "dmrs_level": 6,
                "dmrs_level_name": "Obsessional",
                "system": True,
                "active": True,
            }
        },
    )

    code: str
    label: str
    category: str
    description: str | None
    dmrs_level: int | None
    dmrs_level_name: str | None
    system: bool
    active: bool
