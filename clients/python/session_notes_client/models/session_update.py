from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.modality import Modality
from ..models.session_status import SessionStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionUpdate")


@_attrs_define
class SessionUpdate:
    """Rescheduling or recording attendance; omitted fields stay as they are.

    Example:
        {'status': 'attended'}

    Attributes:
        therapist_id (UUID | Unset):
        starts_at (datetime.datetime | Unset):
        duration_minutes (int | Unset):
        modality (Modality | Unset):
        status (SessionStatus | Unset):
        external_id (None | str | Unset):
    """

    therapist_id: UUID | Unset = UNSET
    starts_at: datetime.datetime | Unset = UNSET
    duration_minutes: int | Unset = UNSET
    modality: Modality | Unset = UNSET
    status: SessionStatus | Unset = UNSET
    external_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        therapist_id: str | Unset = UNSET
        if not isinstance(self.therapist_id, Unset):
            therapist_id = str(self.therapist_id)

        starts_at: str | Unset = UNSET
        if not isinstance(self.starts_at, Unset):
            starts_at = self.starts_at.isoformat()

        duration_minutes = self.duration_minutes

        modality: str | Unset = UNSET
        if not isinstance(self.modality, Unset):
            modality = self.modality.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if therapist_id is not UNSET:
            field_dict["therapist_id"] = therapist_id
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if duration_minutes is not UNSET:
            field_dict["duration_minutes"] = duration_minutes
        if modality is not UNSET:
            field_dict["modality"] = modality
        if status is not UNSET:
            field_dict["status"] = status
        if external_id is not UNSET:
            field_dict["external_id"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _therapist_id = d.pop("therapist_id", UNSET)
        therapist_id: UUID | Unset
        if isinstance(_therapist_id, Unset):
            therapist_id = UNSET
        else:
            therapist_id = UUID(_therapist_id)

        _starts_at = d.pop("starts_at", UNSET)
        starts_at: datetime.datetime | Unset
        if isinstance(_starts_at, Unset):
            starts_at = UNSET
        else:
            starts_at = datetime.datetime.fromisoformat(_starts_at)

        duration_minutes = d.pop("duration_minutes", UNSET)

        _modality = d.pop("modality", UNSET)
        modality: Modality | Unset
        if isinstance(_modality, Unset):
            modality = UNSET
        else:
            modality = Modality(_modality)

        _status = d.pop("status", UNSET)
        status: SessionStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = SessionStatus(_status)

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        session_update = cls(
            therapist_id=therapist_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            modality=modality,
            status=status,
            external_id=external_id,
        )

        return session_update
