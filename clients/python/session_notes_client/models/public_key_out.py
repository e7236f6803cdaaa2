from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicKeyOut")


@_attrs_define
class PublicKeyOut:
    """The key that signs checkpoints.

    Example:
        {'key_id': '56475aa75463474c', 'algorithm': 'Ed25519', 'public_key':
            'A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=', 'vkey': 'session-notes-
            api+1e722a35+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4'}

    Attributes:
        key_id (str):
        algorithm (Literal['Ed25519']):
        public_key (str): Base64 of the 32 raw public key bytes.
        vkey (str): The c2sp.org/signed-note verifier key of `note`: `<origin>+<hex key hash>+<base64(0x01 ‖ public
            key)>`.
    """

    key_id: str
    algorithm: Literal["Ed25519"]
    public_key: str
    vkey: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        algorithm = self.algorithm

        public_key = self.public_key

        vkey = self.vkey

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_id": key_id,
                "algorithm": algorithm,
                "public_key": public_key,
                "vkey": vkey,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("key_id")

        algorithm = cast(Literal["Ed25519"], d.pop("algorithm"))
        if algorithm != "Ed25519":
            raise ValueError(f"algorithm must match const 'Ed25519', got '{algorithm}'")

        public_key = d.pop("public_key")

        vkey = d.pop("vkey")

        public_key_out = cls(
            key_id=key_id,
            algorithm=algorithm,
            public_key=public_key,
            vkey=vkey,
        )

        public_key_out.additional_properties = d
        return public_key_out

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
