from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCreate")


@_attrs_define
class UserCreate:
    """A new staff member; they choose their password with the invite token.

    Example:
        {'email': 'ana@example.org', 'display_name': 'Ana Therapist', 'role': 'therapist', 'supervisor_id': None,
            'requires_cosign': False}

    Attributes:
        email (str):
        display_name (str):
        role (Role):
        supervisor_id (None | Unset | UUID):
        requires_cosign (bool | Unset):  Default: False.
    """

    email: str
    display_name: str
    role: Role
    supervisor_id: None | Unset | UUID = UNSET
    requires_cosign: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        display_name = self.display_name

        role = self.role.value

        supervisor_id: None | str | Unset
        if isinstance(self.supervisor_id, Unset):
            supervisor_id = UNSET
        elif isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        requires_cosign = self.requires_cosign

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "display_name": display_name,
                "role": role,
            }
        )
        if supervisor_id is not UNSET:
            field_dict["supervisor_id"] = supervisor_id
        if requires_cosign is not UNSET:
            field_dict["requires_cosign"] = requires_cosign

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        display_name = d.pop("display_name")

        role = Role(d.pop("role"))

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

        user_create = cls(
            email=email,
            display_name=display_name,
            role=role,
            supervisor_id=supervisor_id,
            requires_cosign=requires_cosign,
        )

        return user_create
