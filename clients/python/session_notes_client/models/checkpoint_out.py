from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CheckpointOut")


@_attrs_define
class CheckpointOut:
    """A signed tree head.

    Example:
        {'tree_size': 42, 'root_hash': '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'timestamp':
            '2026-11-21T19:30:05.000001Z', 'key_id': '56475aa75463474c', 'signed_note': 'session-notes-
            api\\n42\\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\\n202
            6-11-21T19:30:05.000001Z\\n', 'signature':
            'saReGy83CDwtN1TlZyCttoj7L0xGSyT0kHCnMnE1IqhZ8aYwyI72vW29Y0QF22n/NI9N2ZAzQo6+jfIZqTyAAw==', 'note': 'session-
            notes-api\\n42\\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\\n202
            6-11-21T19:30:05.000001Z\\n\\n— session-notes-api
            HnIqNbGkXhsvNwg8LTdU5WcgrbaI+y9MRksk9JBwpzJxNSKoWfGmMMiO9r1tvWNEBdtp/zSPTdmQ
            M0KOvo3yGak8gAM=\\n'}

    Attributes:
        tree_size (int):
        root_hash (str):
        timestamp (str):
        key_id (str):
        signed_note (str):
        signature (str):
        note (None | str): The checkpoint as a c2sp.org/signed-note (tlog-checkpoint; the timestamp is an extension
            line), verifiable with `vkey`; null when signed by an earlier key.
    """

    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signed_note: str
    signature: str
    note: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tree_size = self.tree_size

        root_hash = self.root_hash

        timestamp = self.timestamp

        key_id = self.key_id

        signed_note = self.signed_note

        signature = self.signature

        note: None | str
        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tree_size": tree_size,
                "root_hash": root_hash,
                "timestamp": timestamp,
                "key_id": key_id,
                "signed_note": signed_note,
                "signature": signature,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tree_size = d.pop("tree_size")

        root_hash = d.pop("root_hash")

        timestamp = d.pop("timestamp")

        key_id = d.pop("key_id")

        signed_note = d.pop("signed_note")

        signature = d.pop("signature")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        checkpoint_out = cls(
            tree_size=tree_size,
            root_hash=root_hash,
            timestamp=timestamp,
            key_id=key_id,
            signed_note=signed_note,
            signature=signature,
            note=note,
        )

        checkpoint_out.additional_properties = d
        return checkpoint_out

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
