from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PasswordResetOut")


@_attrs_define
class PasswordResetOut:
    """A one-time reset token for a user (shown once, valid 24 hours).

    Example:
        {'user_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'reset_token':
            'nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy', 'expires_at': '2026-11-22T10:00:00Z'}

    Attributes:
        user_id (UUID):
        reset_token (str): Give it to the user; they set a new password with it at POST /v1/auth/password-reset.
        expires_at (datetime.datetime):
    """

    user_id: UUID
    reset_token: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = str(self.user_id)

        reset_token = self.reset_token

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "reset_token": reset_token,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = UUID(d.pop("user_id"))

        reset_token = d.pop("reset_token")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        password_reset_out = cls(
            user_id=user_id,
            reset_token=reset_token,
            expires_at=expires_at,
        )

        password_reset_out.additional_properties = d
        return password_reset_out

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
