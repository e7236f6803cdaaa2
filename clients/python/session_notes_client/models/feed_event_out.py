from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.actor_ref import ActorRef
    from ..models.resource_ref import ResourceRef


T = TypeVar("T", bound="FeedEventOut")


@_attrs_define
class FeedEventOut:
    """One change: what changed and who changed it, never names or clinical text.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9e01', 'position': 42, 'type': 'session.updated', 'occurred_at':
            '2026-11-23T17:55:00Z', 'resource': {'type': 'session', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d61'},
            'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'actor': {'type': 'api_key', 'id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d71'}}

    Attributes:
        id (UUID):
        position (int):
        type_ (str):
        occurred_at (datetime.datetime):
        resource (ResourceRef): The changed resource: its kind and id.
        client_id (None | UUID):
        actor (ActorRef): Who made the change: a user, an API key, the operator's command line or the system.
    """

    id: UUID
    position: int
    type_: str
    occurred_at: datetime.datetime
    resource: ResourceRef
    client_id: None | UUID
    actor: ActorRef
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        position = self.position

        type_ = self.type_

        occurred_at = self.occurred_at.isoformat()

        resource = self.resource.to_dict()

        client_id: None | str
        if isinstance(self.client_id, UUID):
            client_id = str(self.client_id)
        else:
            client_id = self.client_id

        actor = self.actor.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "position": position,
                "type": type_,
                "occurred_at": occurred_at,
                "resource": resource,
                "client_id": client_id,
                "actor": actor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor_ref import ActorRef  # noqa: PLC0415
        from ..models.resource_ref import ResourceRef  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        position = d.pop("position")

        type_ = d.pop("type")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        resource = ResourceRef.from_dict(d.pop("resource"))

        def _parse_client_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                client_id_type_0 = UUID(data)

                return client_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        client_id = _parse_client_id(d.pop("client_id"))

        actor = ActorRef.from_dict(d.pop("actor"))

        feed_event_out = cls(
            id=id,
            position=position,
            type_=type_,
            occurred_at=occurred_at,
            resource=resource,
            client_id=client_id,
            actor=actor,
        )

        feed_event_out.additional_properties = d
        return feed_event_out

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
