from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity

T = TypeVar("T", bound="LatestMeasure")


@_attrs_define
class LatestMeasure:
    """The latest administration of an instrument.

    Attributes:
        total (float | int):
        severity (None | Severity):
        administered_on (datetime.date):
    """

    total: float | int
    severity: None | Severity
    administered_on: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total: float | int
        total = self.total

        severity: None | str
        if isinstance(self.severity, Severity):
            severity = self.severity.value
        else:
            severity = self.severity

        administered_on = self.administered_on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "severity": severity,
                "administered_on": administered_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_total(data: object) -> float | int:
            return cast(float | int, data)

        total = _parse_total(d.pop("total"))

        def _parse_severity(data: object) -> None | Severity:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = Severity(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Severity, data)

        severity = _parse_severity(d.pop("severity"))

        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        latest_measure = cls(
            total=total,
            severity=severity,
            administered_on=administered_on,
        )

        latest_measure.additional_properties = d
        return latest_measure

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
