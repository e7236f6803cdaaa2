from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.modality import Modality
from ..models.phase import Phase
from ..models.session_status import SessionStatus

T = TypeVar("T", bound="SessionClinicalCreated")


@_attrs_define
class SessionClinicalCreated:
    """A session just booked, with its phase, as clinicians see it.

    Example:
        {'view': 'clinical', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d61', 'external_id': 'cal-88321', 'client_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'episode_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'therapist_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31', 'starts_at': '2026-11-23T17:00:00-05:00', 'starts_on': '2026-11-23',
            'duration_minutes': 50, 'modality': 'in_person', 'status': 'scheduled', 'version': 1, 'created_at':
            '2026-11-21T10:00:00Z', 'updated_at': '2026-11-21T10:00:00Z', 'phase': 'initial', 'episode_opened': True}

    Attributes:
        view (Literal['clinical']):  Default: 'clinical'.
        id (UUID):
        external_id (None | str):
        client_id (UUID):
        episode_id (UUID):
        therapist_id (UUID):
        starts_at (datetime.datetime): In the UTC offset it was given with.
        starts_on (datetime.date): The session's local date (decides its phase).
        duration_minutes (int):
        modality (Modality):
        status (SessionStatus):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        phase (None | Phase): The episode's phase in effect on `starts_on`.
        episode_opened (bool): Whether booking this session opened the client's episode (an intake).
    """

    id: UUID
    external_id: None | str
    client_id: UUID
    episode_id: UUID
    therapist_id: UUID
    starts_at: datetime.datetime
    starts_on: datetime.date
    duration_minutes: int
    modality: Modality
    status: SessionStatus
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    phase: None | Phase
    episode_opened: bool
    view: Literal["clinical"] = "clinical"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        view = self.view

        id = str(self.id)

        external_id: None | str
        external_id = self.external_id

        client_id = str(self.client_id)

        episode_id = str(self.episode_id)

        therapist_id = str(self.therapist_id)

        starts_at = self.starts_at.isoformat()

        starts_on = self.starts_on.isoformat()

        duration_minutes = self.duration_minutes

        modality = self.modality.value

        status = self.status.value

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        phase: None | str
        if isinstance(self.phase, Phase):
            phase = self.phase.value
        else:
            phase = self.phase

        episode_opened = self.episode_opened

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "view": view,
                "id": id,
                "external_id": external_id,
                "client_id": client_id,
                "episode_id": episode_id,
                "therapist_id": therapist_id,
                "starts_at": starts_at,
                "starts_on": starts_on,
                "duration_minutes": duration_minutes,
                "modality": modality,
                "status": status,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
                "phase": phase,
                "episode_opened": episode_opened,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        view = cast(Literal["clinical"], d.pop("view"))
        if view != "clinical":
            raise ValueError(f"view must match const 'clinical', got '{view}'")

        id = UUID(d.pop("id"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        client_id = UUID(d.pop("client_id"))

        episode_id = UUID(d.pop("episode_id"))

        therapist_id = UUID(d.pop("therapist_id"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        duration_minutes = d.pop("duration_minutes")

        modality = Modality(d.pop("modality"))

        status = SessionStatus(d.pop("status"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_phase(data: object) -> None | Phase:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                phase_type_0 = Phase(data)

                return phase_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Phase, data)

        phase = _parse_phase(d.pop("phase"))

        episode_opened = d.pop("episode_opened")

        session_clinical_created = cls(
            view=view,
            id=id,
            external_id=external_id,
            client_id=client_id,
            episode_id=episode_id,
            therapist_id=therapist_id,
            starts_at=starts_at,
            starts_on=starts_on,
            duration_minutes=duration_minutes,
            modality=modality,
            status=status,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            phase=phase,
            episode_opened=episode_opened,
        )

        session_clinical_created.additional_properties = d
        return session_clinical_created

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
