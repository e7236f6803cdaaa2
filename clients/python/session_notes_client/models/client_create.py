from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientCreate")


@_attrs_define
class ClientCreate:
    """A new client; admins and API keys must name `primary_therapist_id`.

    Example:
        {'external_id': 'crm-10442', 'given_name': 'Alma', 'family_name': 'Reyes', 'preferred_name': 'Al',
            'date_of_birth': '1988-04-12', 'email': 'alma.reyes@example.org', 'phone': '+1 555 0100', 'presenting_concerns':
            'Low mood since a bereavement; difficulties at work.', 'care_team': ['0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d32']}

    Attributes:
        given_name (str):
        family_name (str):
        external_id (None | str | Unset):
        preferred_name (None | str | Unset):
        date_of_birth (datetime.date | None | Unset):
        email (None | str | Unset):
        phone (None | str | Unset):
        presenting_concerns (None | str | Unset): Clinical: written by clinicians only; stored encrypted.
        primary_therapist_id (None | Unset | UUID):
        care_team (list[UUID] | Unset):
    """

    given_name: str
    family_name: str
    external_id: None | str | Unset = UNSET
    preferred_name: None | str | Unset = UNSET
    date_of_birth: datetime.date | None | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    presenting_concerns: None | str | Unset = UNSET
    primary_therapist_id: None | Unset | UUID = UNSET
    care_team: list[UUID] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        given_name = self.given_name

        family_name = self.family_name

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        preferred_name: None | str | Unset
        if isinstance(self.preferred_name, Unset):
            preferred_name = UNSET
        else:
            preferred_name = self.preferred_name

        date_of_birth: None | str | Unset
        if isinstance(self.date_of_birth, Unset):
            date_of_birth = UNSET
        elif isinstance(self.date_of_birth, datetime.date):
            date_of_birth = self.date_of_birth.isoformat()
        else:
            date_of_birth = self.date_of_birth

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        presenting_concerns: None | str | Unset
        if isinstance(self.presenting_concerns, Unset):
            presenting_concerns = UNSET
        else:
            presenting_concerns = self.presenting_concerns

        primary_therapist_id: None | str | Unset
        if isinstance(self.primary_therapist_id, Unset):
            primary_therapist_id = UNSET
        elif isinstance(self.primary_therapist_id, UUID):
            primary_therapist_id = str(self.primary_therapist_id)
        else:
            primary_therapist_id = self.primary_therapist_id

        care_team: list[str] | Unset = UNSET
        if not isinstance(self.care_team, Unset):
            care_team = []
            for care_team_item_data in self.care_team:
                care_team_item = str(care_team_item_data)
                care_team.append(care_team_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "given_name": given_name,
                "family_name": family_name,
            }
        )
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if preferred_name is not UNSET:
            field_dict["preferred_name"] = preferred_name
        if date_of_birth is not UNSET:
            field_dict["date_of_birth"] = date_of_birth
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if presenting_concerns is not UNSET:
            field_dict["presenting_concerns"] = presenting_concerns
        if primary_therapist_id is not UNSET:
            field_dict["primary_therapist_id"] = primary_therapist_id
        if care_team is not UNSET:
            field_dict["care_team"] = care_team

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        given_name = d.pop("given_name")

        family_name = d.pop("family_name")

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_preferred_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preferred_name = _parse_preferred_name(d.pop("preferred_name", UNSET))

        def _parse_date_of_birth(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_of_birth_type_0 = datetime.date.fromisoformat(data)

                return date_of_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date_of_birth = _parse_date_of_birth(d.pop("date_of_birth", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_presenting_concerns(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        presenting_concerns = _parse_presenting_concerns(d.pop("presenting_concerns", UNSET))

        def _parse_primary_therapist_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                primary_therapist_id_type_0 = UUID(data)

                return primary_therapist_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        primary_therapist_id = _parse_primary_therapist_id(d.pop("primary_therapist_id", UNSET))

        _care_team = d.pop("care_team", UNSET)
        care_team: list[UUID] | Unset = UNSET
        if _care_team is not UNSET:
            care_team = []
            for care_team_item_data in _care_team:
                care_team_item = UUID(care_team_item_data)

                care_team.append(care_team_item)

        client_create = cls(
            given_name=given_name,
            family_name=family_name,
            external_id=external_id,
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            email=email,
            phone=phone,
            presenting_concerns=presenting_concerns,
            primary_therapist_id=primary_therapist_id,
            care_team=care_team,
        )

        return client_create
