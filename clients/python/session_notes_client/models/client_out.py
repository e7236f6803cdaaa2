from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.client_status import ClientStatus

T = TypeVar("T", bound="ClientOut")


@_attrs_define
class ClientOut:
    """A client's demographics: what admins and `clients:read` keys see.

    Example:
        {'view': 'demographics', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'external_id': 'crm-10442', 'given_name':
            'Alma', 'family_name': 'Reyes', 'preferred_name': 'Al', 'date_of_birth': '1988-04-12', 'email':
            'alma.reyes@example.org', 'phone': '+1 555 0100', 'status': 'active', 'primary_therapist_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31', 'care_team': ['0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d32'], 'version': 1,
            'created_at': '2026-11-21T10:00:00Z', 'updated_at': '2026-11-21T10:00:00Z'}

    Attributes:
        view (Literal['demographics']): Which view of the client this is (the discriminator). Default: 'demographics'.
        id (UUID):
        external_id (None | str):
        given_name (str):
        family_name (str):
        preferred_name (None | str):
        date_of_birth (datetime.date | None):
        email (None | str):
        phone (None | str):
        status (ClientStatus):
        primary_therapist_id (UUID):
        care_team (list[UUID]):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    external_id: None | str
    given_name: str
    family_name: str
    preferred_name: None | str
    date_of_birth: datetime.date | None
    email: None | str
    phone: None | str
    status: ClientStatus
    primary_therapist_id: UUID
    care_team: list[UUID]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    view: Literal["demographics"] = "demographics"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        view = self.view

        id = str(self.id)

        external_id: None | str
        external_id = self.external_id

        given_name = self.given_name

        family_name = self.family_name

        preferred_name: None | str
        preferred_name = self.preferred_name

        date_of_birth: None | str
        if isinstance(self.date_of_birth, datetime.date):
            date_of_birth = self.date_of_birth.isoformat()
        else:
            date_of_birth = self.date_of_birth

        email: None | str
        email = self.email

        phone: None | str
        phone = self.phone

        status = self.status.value

        primary_therapist_id = str(self.primary_therapist_id)

        care_team = []
        for care_team_item_data in self.care_team:
            care_team_item = str(care_team_item_data)
            care_team.append(care_team_item)

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "view": view,
                "id": id,
                "external_id": external_id,
                "given_name": given_name,
                "family_name": family_name,
                "preferred_name": preferred_name,
                "date_of_birth": date_of_birth,
                "email": email,
                "phone": phone,
                "status": status,
                "primary_therapist_id": primary_therapist_id,
                "care_team": care_team,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        view = cast(Literal["demographics"], d.pop("view"))
        if view != "demographics":
            raise ValueError(f"view must match const 'demographics', got '{view}'")

        id = UUID(d.pop("id"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        given_name = d.pop("given_name")

        family_name = d.pop("family_name")

        def _parse_preferred_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        preferred_name = _parse_preferred_name(d.pop("preferred_name"))

        def _parse_date_of_birth(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_of_birth_type_0 = datetime.date.fromisoformat(data)

                return date_of_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        date_of_birth = _parse_date_of_birth(d.pop("date_of_birth"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        status = ClientStatus(d.pop("status"))

        primary_therapist_id = UUID(d.pop("primary_therapist_id"))

        care_team = []
        _care_team = d.pop("care_team")
        for care_team_item_data in _care_team:
            care_team_item = UUID(care_team_item_data)

            care_team.append(care_team_item)

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        client_out = cls(
            view=view,
            id=id,
            external_id=external_id,
            given_name=given_name,
            family_name=family_name,
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            email=email,
            phone=phone,
            status=status,
            primary_therapist_id=primary_therapist_id,
            care_team=care_team,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        client_out.additional_properties = d
        return client_out

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
