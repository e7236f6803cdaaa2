from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserUpdate")


@_attrs_define
class UserUpdate:
    """Changes to a staff member; omitted fields stay as they are.

    Example:
        {'role': 'supervisor', 'active': True}

    Attributes:
        display_name (str | Unset):
        role (Role | Unset):
        supervisor_id (None | Unset | UUID):
        requires_cosign (bool | Unset):
        active (bool | Unset):
    """

    display_name: str | Unset = UNSET
    role: Role | Unset = UNSET
    supervisor_id: None | Unset | UUID = UNSET
    requires_cosign: bool | Unset = UNSET
    active: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        supervisor_id: None | str | Unset
        if isinstance(self.supervisor_id, Unset):
            supervisor_id = UNSET
        elif isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        requires_cosign = self.requires_cosign

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if role is not UNSET:
            field_dict["role"] = role
        if supervisor_id is not UNSET:
            field_dict["supervisor_id"] = supervisor_id
        if requires_cosign is not UNSET:
            field_dict["requires_cosign"] = requires_cosign
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name", UNSET)

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = Role(_role)

        def _parse_supervisor_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supervisor_id_type_0 = UUID(data)

                return supervisor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        supervisor_id = _parse_supervisor_id(d.pop("supervisor_id", UNSET))

        requires_cosign = d.pop("requires_cosign", UNSET)

        active = d.pop("active", UNSET)

        user_update = cls(
            display_name=display_name,
            role=role,
            supervisor_id=supervisor_id,
            requires_cosign=requires_cosign,
            active=active,
        )

        return user_update
