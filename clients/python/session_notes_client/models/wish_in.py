from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WishIn")


@_attrs_define
class WishIn:
    """The wish, need or intention the client expresses toward the other.

    Attributes:
        code (str): Lowercase letters, digits and underscores, starting with a letter.
        text (None | str | Unset): Encrypted at rest.
    """

    code: str
    text: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
            }
        )
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        wish_in = cls(
            code=code,
            text=text,
        )

        return wish_in
