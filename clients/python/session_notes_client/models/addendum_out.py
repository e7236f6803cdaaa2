from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AddendumOut")


@_attrs_define
class AddendumOut:
    """An addendum as the note's readers see it.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'note_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'author_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'body': 'The session was on Tuesday, not Monday.', 'reason':
            'correction', 'created_at': '2026-11-22T09:00:00Z'}

    Attributes:
        id (UUID):
        note_id (UUID):
        author_id (UUID):
        body (str):
        reason (str):
        created_at (datetime.datetime):
    """

    id: UUID
    note_id: UUID
    author_id: UUID
    body: str
    reason: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        note_id = str(self.note_id)

        author_id = str(self.author_id)

        body = self.body

        reason = self.reason

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "note_id": note_id,
                "author_id": author_id,
                "body": body,
                "reason": reason,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        note_id = UUID(d.pop("note_id"))

        author_id = UUID(d.pop("author_id"))

        body = d.pop("body")

        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        addendum_out = cls(
            id=id,
            note_id=note_id,
            author_id=author_id,
            body=body,
            reason=reason,
            created_at=created_at,
        )

        addendum_out.additional_properties = d
        return addendum_out

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
