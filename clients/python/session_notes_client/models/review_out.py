from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.review_decision import ReviewDecision

T = TypeVar("T", bound="ReviewOut")


@_attrs_define
class ReviewOut:
    """A stored review; its own audit event (action audit.review) is in the Merkle tree.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'event_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21',
            'review_event_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'reviewer_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'reviewer_type': 'user', 'decision': 'justified', 'comment': None,
            'reviewed_at': '2026-11-22T08:00:00Z'}

    Attributes:
        id (UUID):
        event_id (UUID):
        review_event_id (UUID):
        reviewer_id (UUID):
        reviewer_type (str):
        decision (ReviewDecision):
        comment (None | str):
        reviewed_at (datetime.datetime):
    """

    id: UUID
    event_id: UUID
    review_event_id: UUID
    reviewer_id: UUID
    reviewer_type: str
    decision: ReviewDecision
    comment: None | str
    reviewed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        event_id = str(self.event_id)

        review_event_id = str(self.review_event_id)

        reviewer_id = str(self.reviewer_id)

        reviewer_type = self.reviewer_type

        decision = self.decision.value

        comment: None | str
        comment = self.comment

        reviewed_at = self.reviewed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "event_id": event_id,
                "review_event_id": review_event_id,
                "reviewer_id": reviewer_id,
                "reviewer_type": reviewer_type,
                "decision": decision,
                "comment": comment,
                "reviewed_at": reviewed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        event_id = UUID(d.pop("event_id"))

        review_event_id = UUID(d.pop("review_event_id"))

        reviewer_id = UUID(d.pop("reviewer_id"))

        reviewer_type = d.pop("reviewer_type")

        decision = ReviewDecision(d.pop("decision"))

        def _parse_comment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        comment = _parse_comment(d.pop("comment"))

        reviewed_at = datetime.datetime.fromisoformat(d.pop("reviewed_at"))

        review_out = cls(
            id=id,
            event_id=event_id,
            review_event_id=review_event_id,
            reviewer_id=reviewer_id,
            reviewer_type=reviewer_type,
            decision=decision,
            comment=comment,
            reviewed_at=reviewed_at,
        )

        review_out.additional_properties = d
        return review_out

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
