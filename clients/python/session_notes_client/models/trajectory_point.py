from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TrajectoryPoint")


@_attrs_define
class TrajectoryPoint:
    """A theme's intensity in one session (the highest when observed more than once).

    Attributes:
        on (datetime.date):
        phase (str):
        intensity (int):
    """

    on: datetime.date
    phase: str
    intensity: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        on = self.on.isoformat()

        phase = self.phase

        intensity = self.intensity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "on": on,
                "phase": phase,
                "intensity": intensity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        on = datetime.date.fromisoformat(d.pop("on"))

        phase = d.pop("phase")

        intensity = d.pop("intensity")

        trajectory_point = cls(
            on=on,
            phase=phase,
            intensity=intensity,
        )

        trajectory_point.additional_properties = d
        return trajectory_point

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
