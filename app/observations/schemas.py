"""Observation and relationship-episode input and output shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.schema_types import Integer, LongText, Name, NotBlank
from app.themes.catalog import CODE_MAX_LENGTH, CODE_PATTERN

Valence = Literal["positive", "negative"]
# A CCRT component code from the practice's own vocabulary, e.g. `to_be_close`, `rejects`.
CCRT_CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
CcrtCode = Annotated[
    str,
    StringConstraints(pattern=CCRT_CODE_PATTERN, max_length=40),
    Field(description="Lowercase letters, digits and underscores, starting with a letter."),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Free text, stored encrypted: at most 2,000 characters, never blank, no NUL.
ComponentText = Annotated[LongText, Field(max_length=2000), AfterValidator(_not_blank), NotBlank]
# Who the episode is with ("mother", "new manager"): one line, stored encrypted.
OtherPerson = Name


class ObservationCreate(BaseModel):
    """A theme observed in the session."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "theme_code": "defense.intellectualization",
                "intensity": 3,
                "evidence": "Spoke about the father's death in general terms, without feeling.",
            }
        },
    )

    theme_code: Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=CODE_MAX_LENGTH)]
    intensity: Integer = Field(ge=1, le=5, description="1 (faint) to 5 (dominant).")
    evidence: LongText | None = Field(default=None, description="Encrypted at rest.")


class ObservationOut(BaseModel):
    """An observed theme, with the session's phase derived from its date."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31",
                "session_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d30",
                "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "theme_code": "defense.intellectualization",
                "theme_label": "Intellectualization",
                "category": "defense",
                "dmrs_level": 6,
                "intensity": 3,
                "evidence": "Spoke about the father's death in general terms, without feeling.",
                "session_on": "2026-03-02",
                "phase": "exploration",
                "observed_by": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40",
                "created_at": "2026-03-02T10:05:00Z",
            }
        }
    )

    id: uuid.UUID
    session_id: uuid.UUID
    client_id: uuid.UUID
    theme_code: str
    theme_label: str
    category: str
    dmrs_level: int | None
    intensity: int
    evidence: str | None
    session_on: date
    phase: str | None
    observed_by: uuid.UUID
    created_at: datetime


class WishIn(BaseModel):
    """The wish, need or intention the client expresses toward the other."""

    model_config = ConfigDict(extra="forbid")

    code: CcrtCode
    text: ComponentText | None = Field(default=None, description="Encrypted at rest.")


class ResponseIn(BaseModel):
    """A response (of the other, or of the self), positive or negative."""

    model_config = ConfigDict(extra="forbid")

    code: CcrtCode
    text: ComponentText | None = Field(default=None, description="Encrypted at rest.")
    valence: Valence


class RelationshipEpisodeCreate(BaseModel):
    """A relationship episode the client told: with whom, and its three CCRT components."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "other_person": "mother",
                "wish": {"code": "to_be_close", "text": "Wanted her to ask how the exam went."},
                "response_of_other": {
                    "code": "rejects",
                    "text": "She talked about her own day.",
                    "valence": "negative",
                },
                "response_of_self": {
                    "code": "withdraws",
                    "text": "Went to his room and said nothing.",
                    "valence": "negative",
                },
            }
        },
    )

    other_person: OtherPerson = Field(description="Who the episode is with; encrypted at rest.")
    wish: WishIn
    response_of_other: ResponseIn
    response_of_self: ResponseIn


class WishOut(BaseModel):
    """A wish as stored."""

    code: str
    text: str | None


class ResponseOut(BaseModel):
    """A response as stored."""

    code: str
    text: str | None
    valence: Valence


class RelationshipEpisodeOut(BaseModel):
    """A CCRT relationship episode of a session."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d35",
                "session_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d30",
                "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "other_person": "mother",
                "wish": {"code": "to_be_close", "text": "Wanted her to ask how the exam went."},
                "response_of_other": {
                    "code": "rejects",
                    "text": "She talked about her own day.",
                    "valence": "negative",
                },
                "response_of_self": {"code": "withdraws", "text": None, "valence": "negative"},
                "session_on": "2026-03-02",
                "phase": "exploration",
                "recorded_by": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40",
                "created_at": "2026-03-02T10:05:00Z",
            }
        }
    )

    id: uuid.UUID
    session_id: uuid.UUID
    client_id: uuid.UUID
    other_person: str
    wish: WishOut
    response_of_other: ResponseOut
    response_of_self: ResponseOut
    session_on: date
    phase: str | None
    recorded_by: uuid.UUID
    created_at: datetime
