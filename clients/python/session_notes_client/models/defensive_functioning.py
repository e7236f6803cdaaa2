from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.level_count import LevelCount


T = TypeVar("T", bound="DefensiveFunctioning")


@_attrs_define
class DefensiveFunctioning:
    """Overall Defensive Functioning: the mean DMRS level of the defense observations.

    Attributes:
        odf (float | None): 1.00-7.00, two decimals; null without defenses.
        defense_observations (int):
        by_level (list[LevelCount]):
    """

    odf: float | None
    defense_observations: int
    by_level: list[LevelCount]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        odf: float | None
        odf = self.odf

        defense_observations = self.defense_observations

        by_level = []
        for by_level_item_data in self.by_level:
            by_level_item = by_level_item_data.to_dict()
            by_level.append(by_level_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "odf": odf,
                "defense_observations": defense_observations,
                "by_level": by_level,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.level_count import LevelCount  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_odf(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        odf = _parse_odf(d.pop("odf"))

        defense_observations = d.pop("defense_observations")

        by_level = []
        _by_level = d.pop("by_level")
        for by_level_item_data in _by_level:
            by_level_item = LevelCount.from_dict(by_level_item_data)

            by_level.append(by_level_item)

        defensive_functioning = cls(
            odf=odf,
            defense_observations=defense_observations,
            by_level=by_level,
        )

        defensive_functioning.additional_properties = d
        return defensive_functioning

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
