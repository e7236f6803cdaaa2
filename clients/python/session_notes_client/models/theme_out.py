from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ThemeOut")


@_attrs_define
class ThemeOut:
    """A theme of the catalog as every clinician of the practice sees it.

    Example:
        {'code': 'defense.intellectualization', 'label': 'Intellectualization', 'category': 'defense', 'description':
            'Uses excessive abstract thinking or generalization to keep disturbing feelings away.', 'dmrs_level': 6,
            'dmrs_level_name': 'Obsessional', 'system': True, 'active': True}

    Attributes:
        code (str):
        label (str):
        category (str):
        description (None | str):
        dmrs_level (int | None):
        dmrs_level_name (None | str):
        system (bool):
        active (bool):
    """

    code: str
    label: str
    category: str
    description: None | str
    dmrs_level: int | None
    dmrs_level_name: None | str
    system: bool
    active: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        label = self.label

        category = self.category

        description: None | str
        description = self.description

        dmrs_level: int | None
        dmrs_level = self.dmrs_level

        dmrs_level_name: None | str
        dmrs_level_name = self.dmrs_level_name

        system = self.system

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "label": label,
                "category": category,
                "description": description,
                "dmrs_level": dmrs_level,
                "dmrs_level_name": dmrs_level_name,
                "system": system,
                "active": active,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        label = d.pop("label")

        category = d.pop("category")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_dmrs_level(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dmrs_level = _parse_dmrs_level(d.pop("dmrs_level"))

        def _parse_dmrs_level_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dmrs_level_name = _parse_dmrs_level_name(d.pop("dmrs_level_name"))

        system = d.pop("system")

        active = d.pop("active")

        theme_out = cls(
            code=code,
            label=label,
            category=category,
            description=description,
            dmrs_level=dmrs_level,
            dmrs_level_name=dmrs_level_name,
            system=system,
            active=active,
        )

        theme_out.additional_properties = d
        return theme_out

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
