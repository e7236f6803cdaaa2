"""Measure input and output shapes; item responses are validated by the scoring tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_validator,
)

from app.measures.scoring import INSTRUMENTS, ScoringError, score
from app.schema_types import Integer, SaneDate

Instrument = Literal["phq9", "gad7", "wai_sr"]
# The severity bands of app/measures/scoring.py (WAI-SR has none).
Severity = Literal["minimal", "mild", "moderate", "moderately_severe", "severe"]


# An item response: strict (no booleans, no strings), as JSON Schema reads `integer`.
ItemResponse = Integer


def _items_of_each_instrument() -> list[JsonValue]:
    """How many responses, in which range, each instrument takes (the scoring tables)."""
    return [
        {
            "if": {"properties": {"instrument": {"const": code}}, "required": ["instrument"]},
            "then": {
                "properties": {
                    "items": {
                        "minItems": spec.item_count,
                        "maxItems": spec.item_count,
                        "items": {"minimum": spec.item_min, "maximum": spec.item_max},
                    }
                }
            },
        }
        for code, spec in INSTRUMENTS.items()
    ]


class MeasureCreate(BaseModel):
    """One administration of a questionnaire; the server scores it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "instrument": "phq9",
                "items": [2, 2, 1, 2, 1, 1, 2, 1, 0],
                "administered_on": "2026-03-02",
                "session_id": None,
            },
            "allOf": _items_of_each_instrument(),
        },
    )

    instrument: Instrument
    items: Annotated[
        list[ItemResponse],
        Field(
            max_length=50,
            description="Item responses in questionnaire order: PHQ-9 9 items 0-3, GAD-7 7 "
            "items 0-3, WAI-SR 12 items 1-5.",
        ),
    ]
    administered_on: SaneDate | None = Field(
        default=None, description="Defaults to the session's date, or today without a session."
    )
    session_id: uuid.UUID | None = Field(
        default=None, description="A session of the same client, when given in one."
    )

    @field_validator("items")
    @classmethod
    def _scorable(cls, items: list[int], info: ValidationInfo) -> list[int]:
        instrument = info.data.get("instrument")
        if instrument is not None:
            try:
                score(instrument, items)
            except ScoringError as exc:
                raise ValueError(exc.message) from None
        return items


class MeasureOut(BaseModel):
    """A scored questionnaire."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d51",
                "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "session_id": None,
                "instrument": "phq9",
                "administered_on": "2026-03-02",
                "item_responses": [2, 2, 1, 2, 1, 1, 2, 1, 0],
                "total": 12,
                "subscales": {},
                "severity": "moderate",
                "risk_flag": False,
                "recorded_by": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40",
                "created_at": "2026-03-02T10:05:00Z",
            }
        }
    )

    id: uuid.UUID
    client_id: uuid.UUID
    session_id: uuid.UUID | None
    instrument: Instrument
    administered_on: date
    item_responses: list[int]
    total: int | float = Field(description="Sum (PHQ-9, GAD-7) or mean (WAI-SR).")
    subscales: dict[str, Any] = Field(description="WAI-SR task, bond and goal means.")
    severity: Severity | None
    risk_flag: bool = Field(description="PHQ-9 item 9 (thoughts of self-harm) above 0.")
    recorded_by: uuid.UUID
    created_at: datetime
