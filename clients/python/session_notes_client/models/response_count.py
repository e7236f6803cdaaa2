from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResponseCount")


@_attrs_define
class ResponseCount:
    """How often a CCRT response code was told, and with which valence.

    Attributes:
        code (str):
        count (int):
        positive (int):
        negative (int):
    """

    code: str
    count: int
    positive: int
    negative: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        count = self.count

        positive = self.positive

        negative = self.negative

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "count": count,
                "positive": positive,
                "negative": negative,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        count = d.pop("count")

        positive = d.pop("positive")

        negative = d.pop("negative")

        response_count = cls(
            code=code,
            count=count,
            positive=positive,
            negative=negative,
        )

        response_count.additional_properties = d
        return response_count

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
