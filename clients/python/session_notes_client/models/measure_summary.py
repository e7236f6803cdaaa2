from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity

T = TypeVar("T", bound="MeasureSummary")


@_attrs_define
class MeasureSummary:
    """One instrument's administrations in a phase.

    Attributes:
        instrument (str):
        n (int):
        first (float | int): Total of the first administration.
        last (float | int): Total of the last administration.
        change (float | int): last - first
        first_on (datetime.date):
        last_on (datetime.date):
        last_severity (None | Severity):
    """

    instrument: str
    n: int
    first: float | int
    last: float | int
    change: float | int
    first_on: datetime.date
    last_on: datetime.date
    last_severity: None | Severity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        n = self.n

        first: float | int
        first = self.first

        last: float | int
        last = self.last

        change: float | int
        change = self.change

        first_on = self.first_on.isoformat()

        last_on = self.last_on.isoformat()

        last_severity: None | str
        if isinstance(self.last_severity, Severity):
            last_severity = self.last_severity.value
        else:
            last_severity = self.last_severity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "n": n,
                "first": first,
                "last": last,
                "change": change,
                "first_on": first_on,
                "last_on": last_on,
                "last_severity": last_severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = d.pop("instrument")

        n = d.pop("n")

        def _parse_first(data: object) -> float | int:
            return cast(float | int, data)

        first = _parse_first(d.pop("first"))

        def _parse_last(data: object) -> float | int:
            return cast(float | int, data)

        last = _parse_last(d.pop("last"))

        def _parse_change(data: object) -> float | int:
            return cast(float | int, data)

        change = _parse_change(d.pop("change"))

        first_on = datetime.date.fromisoformat(d.pop("first_on"))

        last_on = datetime.date.fromisoformat(d.pop("last_on"))

        def _parse_last_severity(data: object) -> None | Severity:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_severity_type_0 = Severity(data)

                return last_severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Severity, data)

        last_severity = _parse_last_severity(d.pop("last_severity"))

        measure_summary = cls(
            instrument=instrument,
            n=n,
            first=first,
            last=last,
            change=change,
            first_on=first_on,
            last_on=last_on,
            last_severity=last_severity,
        )

        measure_summary.additional_properties = d
        return measure_summary

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
