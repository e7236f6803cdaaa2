from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InclusionProofOut")


@_attrs_define
class InclusionProofOut:
    """RFC 9162 §2.1.3 audit path of one event.

    Example:
        {'seq': 41, 'tree_size': 42, 'leaf_hash': '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
            'root_hash': '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'audit_path':
            ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328']}

    Attributes:
        seq (int):
        tree_size (int):
        leaf_hash (str):
        root_hash (str):
        audit_path (list[str]):
    """

    seq: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        tree_size = self.tree_size

        leaf_hash = self.leaf_hash

        root_hash = self.root_hash

        audit_path = self.audit_path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "tree_size": tree_size,
                "leaf_hash": leaf_hash,
                "root_hash": root_hash,
                "audit_path": audit_path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        tree_size = d.pop("tree_size")

        leaf_hash = d.pop("leaf_hash")

        root_hash = d.pop("root_hash")

        audit_path = cast(list[str], d.pop("audit_path"))

        inclusion_proof_out = cls(
            seq=seq,
            tree_size=tree_size,
            leaf_hash=leaf_hash,
            root_hash=root_hash,
            audit_path=audit_path,
        )

        inclusion_proof_out.additional_properties = d
        return inclusion_proof_out

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
