from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PasswordResetIn")


@_attrs_define
class PasswordResetIn:
    """A one-time token (from an invite or an admin's reset) and the password to set.

    Example:
        {'token': 'nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy', 'new_password': 'violet tugboat minds the harbour'}

    Attributes:
        token (str):
        new_password (str): The password policy (422 names the rule broken): 12 to 256 characters, not only whitespace,
            not a commonly used password (also with digits or symbols appended), not one unit repeated or a run along the
            digits, the alphabet or a keyboard row, at least 4 different characters.
    """

    token: str
    new_password: str

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        new_password = self.new_password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
                "new_password": new_password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        new_password = d.pop("new_password")

        password_reset_in = cls(
            token=token,
            new_password=new_password,
        )

        return password_reset_in
