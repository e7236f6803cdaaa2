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
        therapist_id (None | Unset | UUID):
        starts_at (datetime.datetime | None | Unset):
        duration_minutes (int | None | Unset):
        modality (Modality | None | Unset):
        status (None | SessionStatus | Unset):
        external_id (None | str | Unset):
    """

    therapist_id: None | Unset | UUID = UNSET
    starts_at: datetime.datetime | None | Unset = UNSET
    duration_minutes: int | None | Unset = UNSET
    modality: Modality | None | Unset = UNSET
    status: None | SessionStatus | Unset = UNSET
    external_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        therapist_id: None | str | Unset
        if isinstance(self.therapist_id, Unset):
            therapist_id = UNSET
        elif isinstance(self.therapist_id, UUID):
            therapist_id = str(self.therapist_id)
        else:
            therapist_id = self.therapist_id

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        duration_minutes: int | None | Unset
        if isinstance(self.duration_minutes, Unset):
            duration_minutes = UNSET
        else:
            duration_minutes = self.duration_minutes

        modality: None | str | Unset
        if isinstance(self.modality, Unset):
            modality = UNSET
        elif isinstance(self.modality, Modality):
            modality = self.modality.value
        else:
            modality = self.modality

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, SessionStatus):
            status = self.status.value
        else:
            status = self.status

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

        def _parse_therapist_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                therapist_id_type_0 = UUID(data)

                return therapist_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        therapist_id = _parse_therapist_id(d.pop("therapist_id", UNSET))

        def _parse_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_at_type_0 = datetime.datetime.fromisoformat(data)

                return starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts_at = _parse_starts_at(d.pop("starts_at", UNSET))

        def _parse_duration_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_minutes = _parse_duration_minutes(d.pop("duration_minutes", UNSET))

        def _parse_modality(data: object) -> Modality | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                modality_type_0 = Modality(data)

                return modality_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Modality | None | Unset, data)

        modality = _parse_modality(d.pop("modality", UNSET))

        def _parse_status(data: object) -> None | SessionStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = SessionStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SessionStatus | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

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
