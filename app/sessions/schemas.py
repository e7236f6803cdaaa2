"""Session input and output shapes; the derived phase is shown only to clinical readers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from app.episodes.schemas import Phase
from app.schema_types import Absent, ExternalId, SaneDatetime, integral

Modality = Literal["in_person", "video", "phone"]
SessionStatus = Literal["scheduled", "attended", "cancelled", "late_cancelled", "no_show"]
# Sessions that did not take place: they have nothing to observe.
NOT_HELD: Final[frozenset[SessionStatus]] = frozenset({"cancelled", "late_cancelled", "no_show"})

_IDS = {
    "session": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d61",
    "client": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
    "episode": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41",
    "therapist": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31",
}
MAX_DURATION = 600
Minutes = Annotated[StrictInt, Field(ge=1, le=MAX_DURATION), BeforeValidator(integral)]


class SessionCreate(BaseModel):
    """A new appointment; without `episode_id` it joins the client's open episode."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "client_id": _IDS["client"],
                "episode_id": _IDS["episode"],
                "starts_at": "2026-11-23T17:00:00-05:00",
                "duration_minutes": 50,
                "modality": "in_person",
                "status": "scheduled",
                "external_id": "cal-88321",
            }
        },
    )

    client_id: uuid.UUID
    episode_id: uuid.UUID | None = None
    therapist_id: uuid.UUID | None = Field(
        default=None, description="Default: the episode's treating therapist."
    )
    starts_at: SaneDatetime = Field(
        description="RFC 3339 with offset; the session's date is the local date in it."
    )
    duration_minutes: Minutes = 50
    modality: Modality = "in_person"
    status: SessionStatus = "scheduled"
    external_id: ExternalId | None = None


class SessionUpdate(BaseModel):
    """Rescheduling or recording attendance; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "status": "attended",
            }
        },
    )

    therapist_id: uuid.UUID | Absent = None
    starts_at: SaneDatetime | Absent = None
    # Constraints inside the type: on `X | Absent` pydantic would not render them as JSON Schema.
    duration_minutes: Minutes | Absent = None
    modality: Modality | Absent = None
    status: SessionStatus | Absent = None
    external_id: ExternalId | None = None


_OUT_EXAMPLE: dict[str, Any] = {
    "view": "scheduling",
    "id": _IDS["session"],
    "external_id": "cal-88321",
    "client_id": _IDS["client"],
    "episode_id": _IDS["episode"],
    "therapist_id": _IDS["therapist"],
    "starts_at": "2026-11-23T17:00:00-05:00",
    "starts_on": "2026-11-23",
    "duration_minutes": 50,
    "modality": "in_person",
    "status": "scheduled",
    "version": 1,
    "created_at": "2026-11-21T10:00:00Z",
    "updated_at": "2026-11-21T10:00:00Z",
}


class SessionOut(BaseModel):
    """A session's scheduling fields: what admins and `sessions:read` keys see."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": _OUT_EXAMPLE},
        json_schema_serialization_defaults_required=True,  # `view` is always sent
    )

    view: Literal["scheduling"] = Field(
        "scheduling", description="Which view of the session this is (the discriminator)."
    )
    id: uuid.UUID
    external_id: str | None
    client_id: uuid.UUID
    episode_id: uuid.UUID
    therapist_id: uuid.UUID
    starts_at: datetime = Field(description="In the UTC offset it was given with.")
    starts_on: date = Field(description="The session's local date (decides its phase).")
    duration_minutes: int
    modality: Modality
    status: SessionStatus
    version: int
    created_at: datetime
    updated_at: datetime


class SessionClinicalOut(SessionOut):
    """A session with its treatment phase, for clinicians and `progress:read` keys."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                **_OUT_EXAMPLE,
                "view": "clinical",
                "phase": "exploration",
            }
        },
    )

    # The subclass narrows the discriminator: one named schema per view (SPEC §4).
    view: Literal["clinical"] = "clinical"  # type: ignore[assignment]
    phase: Phase | None = Field(description="The episode's phase in effect on `starts_on`.")


# What a booking answers a key that may not read sessions (`SessionBooked`).
SESSION_BOOKED_FIELDS: Final = (
    "id",
    "external_id",
    "client_id",
    "starts_at",
    "duration_minutes",
    "modality",
    "status",
)
_OPENED = "Whether booking this session opened the client's episode (an intake)."


class SessionCreated(SessionOut):
    """A session just booked, as admins and `sessions:write` keys see it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {**_OUT_EXAMPLE, "episode_opened": False}},
    )

    episode_opened: bool = Field(description=_OPENED)


class SessionClinicalCreated(SessionClinicalOut):
    """A session just booked, with its phase, as clinicians see it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                **_OUT_EXAMPLE,
                "view": "clinical",
                "phase": "initial",
                "episode_opened": True,
            }
        },
    )

    episode_opened: bool = Field(description=_OPENED)


class SessionBooked(BaseModel):
    """A session just booked by a key that may not read sessions (`sessions:write` alone):
    what a booking sets and the ids it needs, never what the client's record decided (the
    treating therapist, the episode), which only `sessions:read` reads."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "view": "booking",
                **{k: _OUT_EXAMPLE[k] for k in SESSION_BOOKED_FIELDS},
                "episode_opened": True,
            }
        },
        json_schema_serialization_defaults_required=True,
    )

    view: Literal["booking"] = Field(
        "booking", description="Which view of the session this is (the discriminator)."
    )
    id: uuid.UUID
    external_id: str | None
    client_id: uuid.UUID
    starts_at: datetime = Field(description="In the UTC offset it was given with.")
    duration_minutes: int
    modality: Modality
    status: SessionStatus
    episode_opened: bool = Field(description=_OPENED)
