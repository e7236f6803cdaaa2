from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PasswordChangeIn")


@_attrs_define
class PasswordChangeIn:
    """One's current password and the new one.

    Example:
        {'current_password': 'violet tugboat minds the harbour', 'new_password': 'seven quiet herons over the weir'}

    Attributes:
        current_password (str):
        new_password (str): The password policy (422 names the rule broken): 12 to 256 characters, not only whitespace,
            not a commonly used password (also with digits or symbols appended), not one unit repeated or a run along the
            digits, the alphabet or a keyboard row, at least 4 different characters.
    """

    current_password: str
    new_password: str

    def to_dict(self) -> dict[str, Any]:
        current_password = self.current_password

        new_password = self.new_password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "current_password": current_password,
                "new_password": new_password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        current_password = d.pop("current_password")

        new_password = d.pop("new_password")

        password_change_in = cls(
            current_password=current_password,
            new_password=new_password,
        )

        return password_change_in
