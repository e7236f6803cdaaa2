from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.response_out import ResponseOut
    from ..models.wish_out import WishOut


T = TypeVar("T", bound="RelationshipEpisodeOut")


@_attrs_define
class RelationshipEpisodeOut:
    """A CCRT relationship episode of a session.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d35', 'session_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d30',
            'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'other_person': 'mother', 'wish': {'code': 'to_be_close',
            'text': 'Wanted her to ask how the exam went.'}, 'response_of_other': {'code': 'rejects', 'text': 'She talked
            about her own day.', 'valence': 'negative'}, 'response_of_self': {'code': 'withdraws', 'text': None, 'valence':
            'negative'}, 'session_on': '2026-03-02', 'phase': 'exploration', 'recorded_by':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40', 'created_at': '2026-03-02T10:05:00Z'}

    Attributes:
        id (UUID):
        session_id (UUID):
        client_id (UUID):
        other_person (str):
        wish (WishOut): A wish as stored.
        response_of_other (ResponseOut): A response as stored.
        response_of_self (ResponseOut): A response as stored.
        session_on (datetime.date):
        phase (None | str):
        recorded_by (UUID):
        created_at (datetime.datetime):
    """

    id: UUID
    session_id: UUID
    client_id: UUID
    other_person: str
    wish: WishOut
    response_of_other: ResponseOut
    response_of_self: ResponseOut
    session_on: datetime.date
    phase: None | str
    recorded_by: UUID
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        session_id = str(self.session_id)

        client_id = str(self.client_id)

        other_person = self.other_person

        wish = self.wish.to_dict()

        response_of_other = self.response_of_other.to_dict()

        response_of_self = self.response_of_self.to_dict()

        session_on = self.session_on.isoformat()

        phase: None | str
        phase = self.phase

        recorded_by = str(self.recorded_by)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "session_id": session_id,
                "client_id": client_id,
                "other_person": other_person,
                "wish": wish,
                "response_of_other": response_of_other,
                "response_of_self": response_of_self,
                "session_on": session_on,
                "phase": phase,
                "recorded_by": recorded_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.response_out import ResponseOut  # noqa: PLC0415
        from ..models.wish_out import WishOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        session_id = UUID(d.pop("session_id"))

        client_id = UUID(d.pop("client_id"))

        other_person = d.pop("other_person")

        wish = WishOut.from_dict(d.pop("wish"))

        response_of_other = ResponseOut.from_dict(d.pop("response_of_other"))

        response_of_self = ResponseOut.from_dict(d.pop("response_of_self"))

        session_on = datetime.date.fromisoformat(d.pop("session_on"))

        def _parse_phase(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phase = _parse_phase(d.pop("phase"))

        recorded_by = UUID(d.pop("recorded_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        relationship_episode_out = cls(
            id=id,
            session_id=session_id,
            client_id=client_id,
            other_person=other_person,
            wish=wish,
            response_of_other=response_of_other,
            response_of_self=response_of_self,
            session_on=session_on,
            phase=phase,
            recorded_by=recorded_by,
            created_at=created_at,
        )

        relationship_episode_out.additional_properties = d
        return relationship_episode_out

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
