from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.close_reason import CloseReason
from ..models.episode_status import EpisodeStatus
from ..models.phase import Phase

T = TypeVar("T", bound="EpisodeOut")


@_attrs_define
class EpisodeOut:
    """An episode of care as clinicians (and `progress:read` keys) see it.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21',
            'therapist_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31', 'status': 'open', 'started_on': '2026-09-01',
            'ended_on': None, 'close_reason': None, 'close_summary': None, 'goals': 'Understand the recurring pattern of
            withdrawal in close relationships.', 'current_phase': 'exploration', 'version': 2, 'created_at':
            '2026-09-01T09:00:00Z', 'updated_at': '2026-10-06T09:00:00Z'}

    Attributes:
        id (UUID):
        client_id (UUID):
        therapist_id (UUID):
        status (EpisodeStatus):
        started_on (datetime.date):
        ended_on (datetime.date | None):
        close_reason (CloseReason | None):
        close_summary (None | str):
        goals (None | str):
        current_phase (Phase):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    client_id: UUID
    therapist_id: UUID
    status: EpisodeStatus
    started_on: datetime.date
    ended_on: datetime.date | None
    close_reason: CloseReason | None
    close_summary: None | str
    goals: None | str
    current_phase: Phase
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        client_id = str(self.client_id)

        therapist_id = str(self.therapist_id)

        status = self.status.value

        started_on = self.started_on.isoformat()

        ended_on: None | str
        if isinstance(self.ended_on, datetime.date):
            ended_on = self.ended_on.isoformat()
        else:
            ended_on = self.ended_on

        close_reason: None | str
        if isinstance(self.close_reason, CloseReason):
            close_reason = self.close_reason.value
        else:
            close_reason = self.close_reason

        close_summary: None | str
        close_summary = self.close_summary

        goals: None | str
        goals = self.goals

        current_phase = self.current_phase.value

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_id": client_id,
                "therapist_id": therapist_id,
                "status": status,
                "started_on": started_on,
                "ended_on": ended_on,
                "close_reason": close_reason,
                "close_summary": close_summary,
                "goals": goals,
                "current_phase": current_phase,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        client_id = UUID(d.pop("client_id"))

        therapist_id = UUID(d.pop("therapist_id"))

        status = EpisodeStatus(d.pop("status"))

        started_on = datetime.date.fromisoformat(d.pop("started_on"))

        def _parse_ended_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_on_type_0 = datetime.date.fromisoformat(data)

                return ended_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ended_on = _parse_ended_on(d.pop("ended_on"))

        def _parse_close_reason(data: object) -> CloseReason | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                close_reason_type_0 = CloseReason(data)

                return close_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CloseReason | None, data)

        close_reason = _parse_close_reason(d.pop("close_reason"))

        def _parse_close_summary(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        close_summary = _parse_close_summary(d.pop("close_summary"))

        def _parse_goals(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        goals = _parse_goals(d.pop("goals"))

        current_phase = Phase(d.pop("current_phase"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        episode_out = cls(
            id=id,
            client_id=client_id,
            therapist_id=therapist_id,
            status=status,
            started_on=started_on,
            ended_on=ended_on,
            close_reason=close_reason,
            close_summary=close_summary,
            goals=goals,
            current_phase=current_phase,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        episode_out.additional_properties = d
        return episode_out

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
