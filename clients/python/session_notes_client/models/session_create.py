from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.modality import Modality
from ..models.session_status import SessionStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionCreate")


@_attrs_define
class SessionCreate:
    """A new appointment; without `episode_id` it joins the client's open episode.

    Example:
        {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41',
            'starts_at': '2026-11-23T17:00:00-05:00', 'duration_minutes': 50, 'modality': 'in_person', 'status':
            'scheduled', 'external_id': 'cal-88321'}

    Attributes:
        client_id (UUID):
        starts_at (datetime.datetime): RFC 3339 with offset; the session's date is the local date in it.
        episode_id (None | Unset | UUID):
        therapist_id (None | Unset | UUID): Default: the episode's treating therapist.
        duration_minutes (int | Unset):  Default: 50.
        modality (Modality | Unset):
        status (SessionStatus | Unset):
        external_id (None | str | Unset):
    """

    client_id: UUID
    starts_at: datetime.datetime
    episode_id: None | Unset | UUID = UNSET
    therapist_id: None | Unset | UUID = UNSET
    duration_minutes: int | Unset = 50
    modality: Modality | Unset = UNSET
    status: SessionStatus | Unset = UNSET
    external_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        starts_at = self.starts_at.isoformat()

        episode_id: None | str | Unset
        if isinstance(self.episode_id, Unset):
            episode_id = UNSET
        elif isinstance(self.episode_id, UUID):
            episode_id = str(self.episode_id)
        else:
            episode_id = self.episode_id

        therapist_id: None | str | Unset
        if isinstance(self.therapist_id, Unset):
            therapist_id = UNSET
        elif isinstance(self.therapist_id, UUID):
            therapist_id = str(self.therapist_id)
        else:
            therapist_id = self.therapist_id

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

        field_dict.update(
            {
                "client_id": client_id,
                "starts_at": starts_at,
            }
        )
        if episode_id is not UNSET:
            field_dict["episode_id"] = episode_id
        if therapist_id is not UNSET:
            field_dict["therapist_id"] = therapist_id
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
        client_id = UUID(d.pop("client_id"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        def _parse_episode_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                episode_id_type_0 = UUID(data)

                return episode_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        episode_id = _parse_episode_id(d.pop("episode_id", UNSET))

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

        session_create = cls(
            client_id=client_id,
            starts_at=starts_at,
            episode_id=episode_id,
            therapist_id=therapist_id,
            duration_minutes=duration_minutes,
            modality=modality,
            status=status,
            external_id=external_id,
        )

        return session_create
