from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.client_status import ClientStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientUpdate")


@_attrs_define
class ClientUpdate:
    """Changes to a client; omitted fields stay, `null` clears, `status: archived` archives.

    Example:
        {'phone': '+1 555 0199', 'status': 'discharged'}

    Attributes:
        external_id (None | str | Unset):
        given_name (str | Unset):
        family_name (str | Unset):
        preferred_name (None | str | Unset):
        date_of_birth (datetime.date | None | Unset):
        email (None | str | Unset):
        phone (None | str | Unset):
        presenting_concerns (None | str | Unset): Clinical: written by clinicians only; stored encrypted.
        status (ClientStatus | Unset):
        primary_therapist_id (UUID | Unset):
    """

    external_id: None | str | Unset = UNSET
    given_name: str | Unset = UNSET
    family_name: str | Unset = UNSET
    preferred_name: None | str | Unset = UNSET
    date_of_birth: datetime.date | None | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    presenting_concerns: None | str | Unset = UNSET
    status: ClientStatus | Unset = UNSET
    primary_therapist_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        given_name = self.given_name

        family_name = self.family_name

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

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        primary_therapist_id: str | Unset = UNSET
        if not isinstance(self.primary_therapist_id, Unset):
            primary_therapist_id = str(self.primary_therapist_id)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if given_name is not UNSET:
            field_dict["given_name"] = given_name
        if family_name is not UNSET:
            field_dict["family_name"] = family_name
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
        if status is not UNSET:
            field_dict["status"] = status
        if primary_therapist_id is not UNSET:
            field_dict["primary_therapist_id"] = primary_therapist_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        given_name = d.pop("given_name", UNSET)

        family_name = d.pop("family_name", UNSET)

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

        _status = d.pop("status", UNSET)
        status: ClientStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ClientStatus(_status)

        _primary_therapist_id = d.pop("primary_therapist_id", UNSET)
        primary_therapist_id: UUID | Unset
        if isinstance(_primary_therapist_id, Unset):
            primary_therapist_id = UNSET
        else:
            primary_therapist_id = UUID(_primary_therapist_id)

        client_update = cls(
            external_id=external_id,
            given_name=given_name,
            family_name=family_name,
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            email=email,
            phone=phone,
            presenting_concerns=presenting_concerns,
            status=status,
            primary_therapist_id=primary_therapist_id,
        )

        return client_update
