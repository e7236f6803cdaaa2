from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SessionCounts")


@_attrs_define
class SessionCounts:
    """Sessions by status.

    Attributes:
        total (int | Unset):  Default: 0.
        scheduled (int | Unset):  Default: 0.
        attended (int | Unset):  Default: 0.
        cancelled (int | Unset):  Default: 0.
        late_cancelled (int | Unset):  Default: 0.
        no_show (int | Unset):  Default: 0.
    """

    total: int | Unset = 0
    scheduled: int | Unset = 0
    attended: int | Unset = 0
    cancelled: int | Unset = 0
    late_cancelled: int | Unset = 0
    no_show: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        scheduled = self.scheduled

        attended = self.attended

        cancelled = self.cancelled

        late_cancelled = self.late_cancelled

        no_show = self.no_show

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total is not UNSET:
            field_dict["total"] = total
        if scheduled is not UNSET:
            field_dict["scheduled"] = scheduled
        if attended is not UNSET:
            field_dict["attended"] = attended
        if cancelled is not UNSET:
            field_dict["cancelled"] = cancelled
        if late_cancelled is not UNSET:
            field_dict["late_cancelled"] = late_cancelled
        if no_show is not UNSET:
            field_dict["no_show"] = no_show

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total", UNSET)

        scheduled = d.pop("scheduled", UNSET)

        attended = d.pop("attended", UNSET)

        cancelled = d.pop("cancelled", UNSET)

        late_cancelled = d.pop("late_cancelled", UNSET)

        no_show = d.pop("no_show", UNSET)

        session_counts = cls(
            total=total,
            scheduled=scheduled,
            attended=attended,
            cancelled=cancelled,
            late_cancelled=late_cancelled,
            no_show=no_show,
        )

        session_counts.additional_properties = d
        return session_counts

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
