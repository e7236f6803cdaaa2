from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.theme_category import ThemeCategory
from ..types import UNSET, Unset

T = TypeVar("T", bound="ThemeCreate")


@_attrs_define
class ThemeCreate:
    """A practice's own theme; its code starts with its category and is never reused.

    Example:
        {'code': 'relational_pattern.people_pleasing', 'label': 'People-pleasing', 'category': 'relational_pattern',
            'description': "Anticipates and meets others' wishes to avoid their displeasure."}

    Attributes:
        code (str):
        label (str):
        category (ThemeCategory):
        description (None | str | Unset):
        dmrs_level (int | None | Unset): DMRS level 1-7; required for defenses only.
    """

    code: str
    label: str
    category: ThemeCategory
    description: None | str | Unset = UNSET
    dmrs_level: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        label = self.label

        category = self.category.value

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        dmrs_level: int | None | Unset
        if isinstance(self.dmrs_level, Unset):
            dmrs_level = UNSET
        else:
            dmrs_level = self.dmrs_level

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "label": label,
                "category": category,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if dmrs_level is not UNSET:
            field_dict["dmrs_level"] = dmrs_level

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        label = d.pop("label")

        category = ThemeCategory(d.pop("category"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_dmrs_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dmrs_level = _parse_dmrs_level(d.pop("dmrs_level", UNSET))

        theme_create = cls(
            code=code,
            label=label,
            category=category,
            description=description,
            dmrs_level=dmrs_level,
        )

        return theme_create
