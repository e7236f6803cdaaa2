from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MeOut")


@_attrs_define
class MeOut:
    """The authenticated caller.

    Example:
        {'kind': 'user', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'practice_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00', 'role': 'therapist', 'scopes': [], 'email': 'ana@example.org',
            'display_name': 'Ana Therapist', 'supervisor_id': None, 'requires_cosign': False, 'purpose_of_use': 'TREAT'}

    Attributes:
        kind (str):
        id (UUID):
        practice_id (UUID):
        role (None | str):
        scopes (list[str]):
        purpose_of_use (str):
        email (None | str | Unset):
        display_name (None | str | Unset):
        supervisor_id (None | Unset | UUID):
        requires_cosign (bool | Unset):  Default: False.
    """

    kind: str
    id: UUID
    practice_id: UUID
    role: None | str
    scopes: list[str]
    purpose_of_use: str
    email: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    supervisor_id: None | Unset | UUID = UNSET
    requires_cosign: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        id = str(self.id)

        practice_id = str(self.practice_id)

        role: None | str
        role = self.role

        scopes = self.scopes

        purpose_of_use = self.purpose_of_use

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        supervisor_id: None | str | Unset
        if isinstance(self.supervisor_id, Unset):
            supervisor_id = UNSET
        elif isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        requires_cosign = self.requires_cosign

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "id": id,
                "practice_id": practice_id,
                "role": role,
                "scopes": scopes,
                "purpose_of_use": purpose_of_use,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if supervisor_id is not UNSET:
            field_dict["supervisor_id"] = supervisor_id
        if requires_cosign is not UNSET:
            field_dict["requires_cosign"] = requires_cosign

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        id = UUID(d.pop("id"))

        practice_id = UUID(d.pop("practice_id"))

        def _parse_role(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        role = _parse_role(d.pop("role"))

        scopes = cast(list[str], d.pop("scopes"))

        purpose_of_use = d.pop("purpose_of_use")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

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

        me_out = cls(
            kind=kind,
            id=id,
            practice_id=practice_id,
            role=role,
            scopes=scopes,
            purpose_of_use=purpose_of_use,
            email=email,
            display_name=display_name,
            supervisor_id=supervisor_id,
            requires_cosign=requires_cosign,
        )

        me_out.additional_properties = d
        return me_out

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
