from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="UserCreated")


@_attrs_define
class UserCreated:
    """A new staff member and their one-time invite token (shown once, valid 24 hours).

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'practice_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00', 'email':
            'ana@example.org', 'display_name': 'Ana Therapist', 'role': 'therapist', 'supervisor_id': None,
            'requires_cosign': False, 'active': True, 'created_at': '2026-11-21T10:00:00Z', 'updated_at':
            '2026-11-21T10:00:00Z', 'invite_token': 'nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy', 'invite_expires_at':
            '2026-11-22T10:00:00Z'}

    Attributes:
        id (UUID):
        practice_id (UUID):
        email (str):
        display_name (str):
        role (Role):
        supervisor_id (None | UUID):
        requires_cosign (bool):
        active (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        invite_token (None | str): Give it to the new user; they set their password with it at POST /v1/auth/password-
            reset. Null in an idempotent replay: start a reset instead.
        invite_expires_at (datetime.datetime):
    """

    id: UUID
    practice_id: UUID
    email: str
    display_name: str
    role: Role
    supervisor_id: None | UUID
    requires_cosign: bool
    active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    invite_token: None | str
    invite_expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        practice_id = str(self.practice_id)

        email = self.email

        display_name = self.display_name

        role = self.role.value

        supervisor_id: None | str
        if isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        requires_cosign = self.requires_cosign

        active = self.active

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        invite_token: None | str
        invite_token = self.invite_token

        invite_expires_at = self.invite_expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "practice_id": practice_id,
                "email": email,
                "display_name": display_name,
                "role": role,
                "supervisor_id": supervisor_id,
                "requires_cosign": requires_cosign,
                "active": active,
                "created_at": created_at,
                "updated_at": updated_at,
                "invite_token": invite_token,
                "invite_expires_at": invite_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        practice_id = UUID(d.pop("practice_id"))

        email = d.pop("email")

        display_name = d.pop("display_name")

        role = Role(d.pop("role"))

        def _parse_supervisor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supervisor_id_type_0 = UUID(data)

                return supervisor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        supervisor_id = _parse_supervisor_id(d.pop("supervisor_id"))

        requires_cosign = d.pop("requires_cosign")

        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_invite_token(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invite_token = _parse_invite_token(d.pop("invite_token"))

        invite_expires_at = datetime.datetime.fromisoformat(d.pop("invite_expires_at"))

        user_created = cls(
            id=id,
            practice_id=practice_id,
            email=email,
            display_name=display_name,
            role=role,
            supervisor_id=supervisor_id,
            requires_cosign=requires_cosign,
            active=active,
            created_at=created_at,
            updated_at=updated_at,
            invite_token=invite_token,
            invite_expires_at=invite_expires_at,
        )

        user_created.additional_properties = d
        return user_created

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
