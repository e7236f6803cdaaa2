from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AddendumCreate")


@_attrs_define
class AddendumCreate:
    """An amendment to a signed note, with its reason.

    Example:
        {'body': 'The session was on Tuesday, not Monday.', 'reason': 'correction'}

    Attributes:
        body (str):
        reason (str):
    """

    body: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "body": body,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        body = d.pop("body")

        reason = d.pop("reason")

        addendum_create = cls(
            body=body,
            reason=reason,
        )

        return addendum_create
