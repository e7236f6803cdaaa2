from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="CareTeamUpdate")


@_attrs_define
class CareTeamUpdate:
    """The complete care team: clinicians of the practice besides the primary therapist.

    Example:
        {'user_ids': ['0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d32']}

    Attributes:
        user_ids (list[UUID]):
    """

    user_ids: list[UUID]

    def to_dict(self) -> dict[str, Any]:
        user_ids = []
        for user_ids_item_data in self.user_ids:
            user_ids_item = str(user_ids_item_data)
            user_ids.append(user_ids_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "user_ids": user_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_ids = []
        _user_ids = d.pop("user_ids")
        for user_ids_item_data in _user_ids:
            user_ids_item = UUID(user_ids_item_data)

            user_ids.append(user_ids_item)

        care_team_update = cls(
            user_ids=user_ids,
        )

        return care_team_update
