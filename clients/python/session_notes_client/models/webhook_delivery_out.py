from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.webhook_attempt_out import WebhookAttemptOut


T = TypeVar("T", bound="WebhookDeliveryOut")


@_attrs_define
class WebhookDeliveryOut:
    """A message owed to an endpoint, with every attempt made so far.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f11', 'endpoint_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f01',
            'webhook_id': 'msg_0193a5c47f7e7b619a573c4f1b0a9f11', 'event_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9e01',
            'event_type': 'session.updated', 'position': 42, 'status': 'succeeded', 'attempt_count': 1, 'next_attempt_at':
            None, 'created_at': '2026-11-23T17:55:00Z', 'attempts': [{'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f21',
            'attempted_at': '2026-11-23T17:55:01Z', 'outcome': 'success', 'response_status': 204, 'duration_ms': 37,
            'error': None}]}

    Attributes:
        id (UUID):
        endpoint_id (UUID):
        webhook_id (str):
        event_id (None | UUID):
        event_type (str):
        position (int):
        status (str):
        attempt_count (int):
        next_attempt_at (datetime.datetime | None):
        created_at (datetime.datetime):
        attempts (list[WebhookAttemptOut]):
    """

    id: UUID
    endpoint_id: UUID
    webhook_id: str
    event_id: None | UUID
    event_type: str
    position: int
    status: str
    attempt_count: int
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    attempts: list[WebhookAttemptOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        endpoint_id = str(self.endpoint_id)

        webhook_id = self.webhook_id

        event_id: None | str
        if isinstance(self.event_id, UUID):
            event_id = str(self.event_id)
        else:
            event_id = self.event_id

        event_type = self.event_type

        position = self.position

        status = self.status

        attempt_count = self.attempt_count

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        created_at = self.created_at.isoformat()

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "endpoint_id": endpoint_id,
                "webhook_id": webhook_id,
                "event_id": event_id,
                "event_type": event_type,
                "position": position,
                "status": status,
                "attempt_count": attempt_count,
                "next_attempt_at": next_attempt_at,
                "created_at": created_at,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_attempt_out import WebhookAttemptOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        endpoint_id = UUID(d.pop("endpoint_id"))

        webhook_id = d.pop("webhook_id")

        def _parse_event_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                event_id_type_0 = UUID(data)

                return event_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        event_id = _parse_event_id(d.pop("event_id"))

        event_type = d.pop("event_type")

        position = d.pop("position")

        status = d.pop("status")

        attempt_count = d.pop("attempt_count")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = WebhookAttemptOut.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        webhook_delivery_out = cls(
            id=id,
            endpoint_id=endpoint_id,
            webhook_id=webhook_id,
            event_id=event_id,
            event_type=event_type,
            position=position,
            status=status,
            attempt_count=attempt_count,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            attempts=attempts,
        )

        webhook_delivery_out.additional_properties = d
        return webhook_delivery_out

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
