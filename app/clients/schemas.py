"""Client input and output shapes; the output a caller gets depends on what they may see."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schema_types import (
    Absent,
    Email,
    ExternalId,
    LongText,
    Name,
    Phone,
    SaneDate,
    latest_today,
)

ClientStatus = Literal["active", "discharged", "archived"]

_IDS = {
    "client": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
    "therapist": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31",
    "colleague": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d32",
}
_DEMOGRAPHICS_EXAMPLE: dict[str, Any] = {
    "external_id": "crm-10442",
    "given_name": "Alma",
    "family_name": "Reyes",
    "preferred_name": "Al",
    "date_of_birth": "1988-04-12",
    "email": "alma.reyes@example.org",
    "phone": "+1 555 0100",
}


def _not_in_future(value: date | None) -> date | None:
    if value is not None and value > latest_today():
        raise ValueError("date_of_birth cannot lie in the future")
    return value


class ClientCreate(BaseModel):
    """A new client; admins and API keys must name `primary_therapist_id`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                **_DEMOGRAPHICS_EXAMPLE,
                "presenting_concerns": "Low mood since a bereavement; difficulties at work.",
                "care_team": [_IDS["colleague"]],
            }
        },
    )

    external_id: ExternalId | None = None
    given_name: Name
    family_name: Name
    preferred_name: Name | None = None
    date_of_birth: SaneDate | None = None
    email: Email | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    presenting_concerns: LongText | None = Field(
        default=None, description="Clinical: written by clinicians only; stored encrypted."
    )
    primary_therapist_id: uuid.UUID | None = None
    care_team: list[uuid.UUID] = Field(default_factory=list, max_length=50)

    _dob = field_validator("date_of_birth")(_not_in_future)


class ClientUpdate(BaseModel):
    """Changes to a client; omitted fields stay, `null` clears, `status: archived` archives."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"phone": "+1 555 0199", "status": "discharged"}},
    )

    external_id: ExternalId | None = None
    given_name: Name | Absent = None
    family_name: Name | Absent = None
    preferred_name: Name | None = None
    date_of_birth: SaneDate | None = None
    email: Email | None = Field(default=None, max_length=254)
    phone: Phone | None = None
    presenting_concerns: LongText | None = Field(
        default=None, description="Clinical: written by clinicians only; stored encrypted."
    )
    status: ClientStatus | Absent = None
    primary_therapist_id: uuid.UUID | Absent = None

    _dob = field_validator("date_of_birth")(_not_in_future)


class CareTeamUpdate(BaseModel):
    """The complete care team: clinicians of the practice besides the primary therapist."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"user_ids": [_IDS["colleague"]]}}
    )

    user_ids: list[uuid.UUID] = Field(max_length=50)


_OUT_EXAMPLE: dict[str, Any] = {
    "view": "demographics",
    "id": _IDS["client"],
    **_DEMOGRAPHICS_EXAMPLE,
    "status": "active",
    "primary_therapist_id": _IDS["therapist"],
    "care_team": [_IDS["colleague"]],
    "version": 1,
    "created_at": "2026-11-21T10:00:00Z",
    "updated_at": "2026-11-21T10:00:00Z",
}


class ClientOut(BaseModel):
    """A client's demographics: what admins and `clients:read` keys see."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": _OUT_EXAMPLE},
        json_schema_serialization_defaults_required=True,  # `view` is always sent
    )

    view: Literal["demographics"] = Field(
        "demographics", description="Which view of the client this is (the discriminator)."
    )
    id: uuid.UUID
    external_id: str | None
    given_name: str
    family_name: str
    preferred_name: str | None
    date_of_birth: date | None
    email: str | None
    phone: str | None
    status: ClientStatus
    primary_therapist_id: uuid.UUID
    care_team: list[uuid.UUID]
    version: int
    created_at: datetime
    updated_at: datetime


class ClientClinicalOut(ClientOut):
    """A client as the care team (and supervisors, `progress:read` keys) see them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                **_OUT_EXAMPLE,
                "view": "clinical",
                "presenting_concerns": "Low mood since a bereavement; difficulties at work.",
            }
        },
    )

    # The subclass narrows the discriminator: one named schema per view (SPEC §4).
    view: Literal["clinical"] = "clinical"  # type: ignore[assignment]
    presenting_concerns: str | None
