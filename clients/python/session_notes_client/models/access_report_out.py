from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.actor_access import ActorAccess


T = TypeVar("T", bound="AccessReportOut")


@_attrs_define
class AccessReportOut:
    """Who accessed a client's record, how, and when.

    Example:
        {'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'from': None, 'to': None, 'total_events': 3, 'actors':
            [{'actor_type': 'user', 'actor_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'role': 'therapist', 'total': 3,
            'by_action': {'note.read': 2, 'client.read': 1}, 'by_outcome': {'success': 3}, 'first_access':
            '2026-11-01T09:00:00Z', 'last_access': '2026-11-21T19:30:00Z', 'break_glass_count': 0}]}

    Attributes:
        client_id (UUID):
        from_ (datetime.datetime | None):
        to (datetime.datetime | None):
        total_events (int):
        actors (list[ActorAccess]):
    """

    client_id: UUID
    from_: datetime.datetime | None
    to: datetime.datetime | None
    total_events: int
    actors: list[ActorAccess]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        from_: None | str
        if isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        to: None | str
        if isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        total_events = self.total_events

        actors = []
        for actors_item_data in self.actors:
            actors_item = actors_item_data.to_dict()
            actors.append(actors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "from": from_,
                "to": to,
                "total_events": total_events,
                "actors": actors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor_access import ActorAccess  # noqa: PLC0415

        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        def _parse_from_(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        from_ = _parse_from_(d.pop("from"))

        def _parse_to(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        to = _parse_to(d.pop("to"))

        total_events = d.pop("total_events")

        actors = []
        _actors = d.pop("actors")
        for actors_item_data in _actors:
            actors_item = ActorAccess.from_dict(actors_item_data)

            actors.append(actors_item)

        access_report_out = cls(
            client_id=client_id,
            from_=from_,
            to=to,
            total_events=total_events,
            actors=actors,
        )

        access_report_out.additional_properties = d
        return access_report_out

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
