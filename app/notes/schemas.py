"""Note and addendum input and output shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.schema_types import (
    Absent,
    Boolean,
    Documented,
    Rationale,
    ShortText,
    Storable,
    StorableText,
)

NoteKind = Literal["progress", "psychotherapy"]
NoteStatus = Literal["draft", "pending_cosign", "signed"]
RiskLevel = Literal["none", "low", "moderate", "high", "imminent"]
Intervention = Literal[
    "clarification",
    "confrontation",
    "interpretation",
    "transference_interpretation",
    "defense_interpretation",
    "dream_work",
    "supportive",
    "psychoeducation",
    "other",
]

# Each intervention at most once ("interventions must not repeat", stated as uniqueItems).
Interventions = Annotated[list[Intervention], Field(max_length=9), Documented(uniqueItems=True)]
MAX_BODY = 20_000
MAX_DETAILS = 4_000
NoteText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_BODY), Storable, StorableText
]
DetailText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_DETAILS), Storable, StorableText
]

_ID = "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21"
_NOTE_EXAMPLE: dict[str, Any] = {
    "kind": "progress",
    "body": "Client arrived on time and spoke about the weekend with her sister.",
    "interventions": ["clarification", "transference_interpretation"],
    "risk": {"level": "low", "details": "Passive thoughts last week; none since."},
    "plan": "Continue weekly; return to the theme of leaving.",
}


class Risk(BaseModel):
    """The risk assessment of a progress note."""

    model_config = ConfigDict(extra="forbid")

    level: RiskLevel
    details: DetailText | None = None


# check_fields_of_kind, stated in the document: a psychotherapy note has no interventions,
# risk or plan; only a psychotherapy note is shared with the supervisor.
_FIELDS_OF_KIND: dict[str, Any] = {
    "if": {"properties": {"kind": {"const": "psychotherapy"}}, "required": ["kind"]},
    "then": {
        "properties": {
            "interventions": {"anyOf": [{"type": "null"}, {"maxItems": 0}]},
            "risk": {"type": "null"},
            "plan": {"type": "null"},
        }
    },
    "else": {"properties": {"share_with_supervisor": {"not": {"const": True}}}},
}


class NoteCreate(BaseModel):
    """A new note; psychotherapy notes are free text only."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": _NOTE_EXAMPLE, "allOf": [_FIELDS_OF_KIND]},
    )

    kind: NoteKind
    body: NoteText
    interventions: Interventions | None = None
    risk: Risk | None = None
    plan: DetailText | None = None
    share_with_supervisor: Boolean | None = Field(
        default=None, description="Psychotherapy notes of a trainee: let the supervisor read it."
    )

    @model_validator(mode="after")
    def _fields_of_kind(self) -> NoteCreate:
        check_fields_of_kind(
            self.kind, self.interventions, self.risk, self.plan, self.share_with_supervisor
        )
        return self


class NoteUpdate(BaseModel):
    """Changes to a draft note; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"plan": "Fortnightly from March."}}
    )

    body: NoteText | Absent = None
    interventions: Interventions | None = None
    risk: Risk | None = None
    plan: DetailText | None = None
    share_with_supervisor: Boolean | None = None


def check_fields_of_kind(
    kind: str,
    interventions: list[Intervention] | None,
    risk: Risk | None,
    plan: str | None,
    share_with_supervisor: bool | None,
) -> None:
    """Psychotherapy notes carry free text only; progress notes are never shared privately."""
    if kind == "psychotherapy" and (interventions or risk is not None or plan is not None):
        raise ValueError("psychotherapy notes are free text only (no interventions, risk, plan)")
    if kind == "progress" and share_with_supervisor:
        raise ValueError("share_with_supervisor applies to psychotherapy notes only")
    if interventions and len(set(interventions)) != len(interventions):
        raise ValueError("interventions must not repeat")


class ReturnIn(BaseModel):
    """A supervisor's reason for returning a note to its author."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"comment": "Please add the risk assessment."}},
    )

    comment: Rationale


class NoteOut(BaseModel):
    """A note as its readers see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": _ID,
                "session_id": _ID,
                "client_id": _ID,
                **_NOTE_EXAMPLE,
                "author_id": _ID,
                "status": "signed",
                "share_with_supervisor": False,
                "return_comment": None,
                "signed_at": "2026-11-21T10:00:00Z",
                "signed_by": _ID,
                "cosigned_at": None,
                "cosigned_by": None,
                "version": 2,
                "created_at": "2026-11-21T09:00:00Z",
                "updated_at": "2026-11-21T10:00:00Z",
            }
        }
    )

    id: uuid.UUID
    session_id: uuid.UUID
    client_id: uuid.UUID
    kind: NoteKind
    author_id: uuid.UUID
    status: NoteStatus
    body: str | None
    interventions: list[Intervention]
    risk: Risk | None
    plan: str | None
    share_with_supervisor: bool
    return_comment: str | None = Field(description="Why the supervisor returned the note.")
    signed_at: datetime | None
    signed_by: uuid.UUID | None
    cosigned_at: datetime | None
    cosigned_by: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class AddendumCreate(BaseModel):
    """An amendment to a signed note, with its reason."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"body": "The session was on Tuesday, not Monday.", "reason": "correction"}
        },
    )

    body: NoteText
    reason: ShortText


class AddendumOut(BaseModel):
    """An addendum as the note's readers see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": _ID,
                "note_id": _ID,
                "author_id": _ID,
                "body": "The session was on Tuesday, not Monday.",
                "reason": "correction",
                "created_at": "2026-11-22T09:00:00Z",
            }
        }
    )

    id: uuid.UUID
    note_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    reason: str
    created_at: datetime
