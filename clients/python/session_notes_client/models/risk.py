from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.risk_level import RiskLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="Risk")


@_attrs_define
class Risk:
    """The risk assessment of a progress note.

    Attributes:
        level (RiskLevel):
        details (None | str | Unset):
    """

    level: RiskLevel
    details: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        level = self.level.value

        details: None | str | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        else:
            details = self.details

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "level": level,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        level = RiskLevel(d.pop("level"))

        def _parse_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        risk = cls(
            level=level,
            details=details,
        )

        return risk
