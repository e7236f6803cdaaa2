from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ThemeSummary")


@_attrs_define
class ThemeSummary:
    """How a theme showed in a phase.

    Attributes:
        code (str):
        label (str):
        category (str):
        dmrs_level (int | None):
        count (int): Observations of the theme.
        sessions (int): Distinct sessions it was observed in.
        mean_intensity (float): Mean intensity (1-5), two decimals.
        first_seen (datetime.date):
        last_seen (datetime.date):
    """

    code: str
    label: str
    category: str
    dmrs_level: int | None
    count: int
    sessions: int
    mean_intensity: float
    first_seen: datetime.date
    last_seen: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        label = self.label

        category = self.category

        dmrs_level: int | None
        dmrs_level = self.dmrs_level

        count = self.count

        sessions = self.sessions

        mean_intensity = self.mean_intensity

        first_seen = self.first_seen.isoformat()

        last_seen = self.last_seen.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "label": label,
                "category": category,
                "dmrs_level": dmrs_level,
                "count": count,
                "sessions": sessions,
                "mean_intensity": mean_intensity,
                "first_seen": first_seen,
                "last_seen": last_seen,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        label = d.pop("label")

        category = d.pop("category")

        def _parse_dmrs_level(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dmrs_level = _parse_dmrs_level(d.pop("dmrs_level"))

        count = d.pop("count")

        sessions = d.pop("sessions")

        mean_intensity = d.pop("mean_intensity")

        first_seen = datetime.date.fromisoformat(d.pop("first_seen"))

        last_seen = datetime.date.fromisoformat(d.pop("last_seen"))

        theme_summary = cls(
            code=code,
            label=label,
            category=category,
            dmrs_level=dmrs_level,
            count=count,
            sessions=sessions,
            mean_intensity=mean_intensity,
            first_seen=first_seen,
            last_seen=last_seen,
        )

        theme_summary.additional_properties = d
        return theme_summary

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
