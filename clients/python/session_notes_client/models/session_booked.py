from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.modality import Modality
from ..models.session_status import SessionStatus

T = TypeVar("T", bound="SessionBooked")


@_attrs_define
class SessionBooked:
    """A session just booked by a key that may not read sessions (`sessions:write` alone):
    what a booking sets and the ids it needs, never what the client's record decided (the
    treating therapist, the episode), which only `sessions:read` reads.

        Example:
            {'view': 'booking', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d61', 'external_id': 'cal-88321', 'client_id':
                '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'starts_at': '2026-11-23T17:00:00-05:00', 'duration_minutes': 50,
                'modality': 'in_person', 'status': 'scheduled', 'episode_opened': True}

        Attributes:
            view (Literal['booking']): Which view of the session this is (the discriminator). Default: 'booking'.
            id (UUID):
            external_id (None | str):
            client_id (UUID):
            starts_at (datetime.datetime): In the UTC offset it was given with.
            duration_minutes (int):
            modality (Modality):
            status (SessionStatus):
            episode_opened (bool): Whether booking this session opened the client's episode (an intake).
    """

    id: UUID
    external_id: None | str
    client_id: UUID
    starts_at: datetime.datetime
    duration_minutes: int
    modality: Modality
    status: SessionStatus
    episode_opened: bool
    view: Literal["booking"] = "booking"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        view = self.view

        id = str(self.id)

        external_id: None | str
        external_id = self.external_id

        client_id = str(self.client_id)

        starts_at = self.starts_at.isoformat()

        duration_minutes = self.duration_minutes

        modality = self.modality.value

        status = self.status.value

        episode_opened = self.episode_opened

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "view": view,
                "id": id,
                "external_id": external_id,
                "client_id": client_id,
                "starts_at": starts_at,
                "duration_minutes": duration_minutes,
                "modality": modality,
                "status": status,
                "episode_opened": episode_opened,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        view = cast(Literal["booking"], d.pop("view"))
        if view != "booking":
            raise ValueError(f"view must match const 'booking', got '{view}'")

        id = UUID(d.pop("id"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        client_id = UUID(d.pop("client_id"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        duration_minutes = d.pop("duration_minutes")

        modality = Modality(d.pop("modality"))

        status = SessionStatus(d.pop("status"))

        episode_opened = d.pop("episode_opened")

        session_booked = cls(
            view=view,
            id=id,
            external_id=external_id,
            client_id=client_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            modality=modality,
            status=status,
            episode_opened=episode_opened,
        )

        session_booked.additional_properties = d
        return session_booked

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
