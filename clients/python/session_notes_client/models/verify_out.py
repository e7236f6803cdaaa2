from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.verify_problem import VerifyProblem


T = TypeVar("T", bound="VerifyOut")


@_attrs_define
class VerifyOut:
    """The result of recomputing the whole log.

    Example:
        {'ok': True, 'tree_size': 42, 'root_hash': '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
            'checked': 42, 'problems': []}

    Attributes:
        ok (bool):
        tree_size (int):
        root_hash (str):
        checked (int):
        problems (list[VerifyProblem]):
    """

    ok: bool
    tree_size: int
    root_hash: str
    checked: int
    problems: list[VerifyProblem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        tree_size = self.tree_size

        root_hash = self.root_hash

        checked = self.checked

        problems = []
        for problems_item_data in self.problems:
            problems_item = problems_item_data.to_dict()
            problems.append(problems_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "tree_size": tree_size,
                "root_hash": root_hash,
                "checked": checked,
                "problems": problems,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.verify_problem import VerifyProblem  # noqa: PLC0415

        d = dict(src_dict)
        ok = d.pop("ok")

        tree_size = d.pop("tree_size")

        root_hash = d.pop("root_hash")

        checked = d.pop("checked")

        problems = []
        _problems = d.pop("problems")
        for problems_item_data in _problems:
            problems_item = VerifyProblem.from_dict(problems_item_data)

            problems.append(problems_item)

        verify_out = cls(
            ok=ok,
            tree_size=tree_size,
            root_hash=root_hash,
            checked=checked,
            problems=problems,
        )

        verify_out.additional_properties = d
        return verify_out

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
