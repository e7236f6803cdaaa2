from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.review_decision import ReviewDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReviewIn")


@_attrs_define
class ReviewIn:
    """An auditor's finding on an event.

    Example:
        {'decision': 'justified', 'comment': 'Crisis call on a weekend; on-call therapist.'}

    Attributes:
        decision (ReviewDecision):
        comment (None | str | Unset):
    """

    decision: ReviewDecision
    comment: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decision": decision,
            }
        )
        if comment is not UNSET:
            field_dict["comment"] = comment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = ReviewDecision(d.pop("decision"))

        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))

        review_in = cls(
            decision=decision,
            comment=comment,
        )

        return review_in
