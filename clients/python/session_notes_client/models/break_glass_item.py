from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.break_glass_status import BreakGlassStatus

if TYPE_CHECKING:
    from ..models.audit_event_out import AuditEventOut
    from ..models.review_out import ReviewOut


T = TypeVar("T", bound="BreakGlassItem")


@_attrs_define
class BreakGlassItem:
    """A break-the-glass access and where its review stands.

    Attributes:
        event (AuditEventOut): One access-log event, exactly as hashed into its leaf (plus seq and leaf_hash). Example:
            {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'occurred_at': '2026-11-21T19:30:00.123456Z', 'practice_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00', 'request_id': '4f6c1d0e9b2a4c57a1e3f5d7c9b1a3e5', 'actor': {'type':
            'user', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d22', 'role': 'therapist'}, 'action': 'note.read', 'resource':
            {'type': 'note', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d23'}, 'client_ids':
            ['0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d24'], 'outcome': 'success', 'http_status': 200, 'purpose_of_use': 'TREAT',
            'break_glass_reason': None, 'source_ip': '203.0.113.7', 'user_agent': 'PracticeFrontend/3.2', 'method': 'GET',
            'route': '/v1/notes/{id}', 'seq': 41, 'leaf_hash':
            '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'}.
        status (BreakGlassStatus):
        reviews (list[ReviewOut]): Oldest first; the last one stands.
    """

    event: AuditEventOut
    status: BreakGlassStatus
    reviews: list[ReviewOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event = self.event.to_dict()

        status = self.status.value

        reviews = []
        for reviews_item_data in self.reviews:
            reviews_item = reviews_item_data.to_dict()
            reviews.append(reviews_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event": event,
                "status": status,
                "reviews": reviews,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_out import AuditEventOut  # noqa: PLC0415
        from ..models.review_out import ReviewOut  # noqa: PLC0415

        d = dict(src_dict)
        event = AuditEventOut.from_dict(d.pop("event"))

        status = BreakGlassStatus(d.pop("status"))

        reviews = []
        _reviews = d.pop("reviews")
        for reviews_item_data in _reviews:
            reviews_item = ReviewOut.from_dict(reviews_item_data)

            reviews.append(reviews_item)

        break_glass_item = cls(
            event=event,
            status=status,
            reviews=reviews,
        )

        break_glass_item.additional_properties = d
        return break_glass_item

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
