from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="ClinicianOut")


@_attrs_define
class ClinicianOut:
    """A clinician as a `users:read` key sees them: what a scheduler needs to assign one.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'display_name': 'Ana Therapist', 'role': 'therapist', 'active':
            True}

    Attributes:
        id (UUID):
        display_name (str):
        role (Role):
        active (bool):
    """

    id: UUID
    display_name: str
    role: Role
    active: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        display_name = self.display_name

        role = self.role.value

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "display_name": display_name,
                "role": role,
                "active": active,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        display_name = d.pop("display_name")

        role = Role(d.pop("role"))

        active = d.pop("active")

        clinician_out = cls(
            id=id,
            display_name=display_name,
            role=role,
            active=active,
        )

        clinician_out.additional_properties = d
        return clinician_out

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
