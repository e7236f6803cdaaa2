from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.by_action import ByAction
    from ..models.by_outcome import ByOutcome


T = TypeVar("T", bound="ActorAccess")


@_attrs_define
class ActorAccess:
    """One actor's accesses to a client.

    Attributes:
        actor_type (str):
        actor_id (None | str):
        role (None | str): The role at the actor's latest access.
        total (int):
        by_action (ByAction):
        by_outcome (ByOutcome):
        first_access (datetime.datetime):
        last_access (datetime.datetime):
        break_glass_count (int):
    """

    actor_type: str
    actor_id: None | str
    role: None | str
    total: int
    by_action: ByAction
    by_outcome: ByOutcome
    first_access: datetime.datetime
    last_access: datetime.datetime
    break_glass_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor_type = self.actor_type

        actor_id: None | str
        actor_id = self.actor_id

        role: None | str
        role = self.role

        total = self.total

        by_action = self.by_action.to_dict()

        by_outcome = self.by_outcome.to_dict()

        first_access = self.first_access.isoformat()

        last_access = self.last_access.isoformat()

        break_glass_count = self.break_glass_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor_type": actor_type,
                "actor_id": actor_id,
                "role": role,
                "total": total,
                "by_action": by_action,
                "by_outcome": by_outcome,
                "first_access": first_access,
                "last_access": last_access,
                "break_glass_count": break_glass_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.by_action import ByAction  # noqa: PLC0415
        from ..models.by_outcome import ByOutcome  # noqa: PLC0415

        d = dict(src_dict)
        actor_type = d.pop("actor_type")

        def _parse_actor_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        def _parse_role(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        role = _parse_role(d.pop("role"))

        total = d.pop("total")

        by_action = ByAction.from_dict(d.pop("by_action"))

        by_outcome = ByOutcome.from_dict(d.pop("by_outcome"))

        first_access = datetime.datetime.fromisoformat(d.pop("first_access"))

        last_access = datetime.datetime.fromisoformat(d.pop("last_access"))

        break_glass_count = d.pop("break_glass_count")

        actor_access = cls(
            actor_type=actor_type,
            actor_id=actor_id,
            role=role,
            total=total,
            by_action=by_action,
            by_outcome=by_outcome,
            first_access=first_access,
            last_access=last_access,
            break_glass_count=break_glass_count,
        )

        actor_access.additional_properties = d
        return actor_access

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
