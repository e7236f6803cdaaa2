from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookAttemptOut")


@_attrs_define
class WebhookAttemptOut:
    """One HTTP request made for a delivery.

    Attributes:
        id (UUID):
        attempted_at (datetime.datetime):
        outcome (str):
        response_status (int | None):
        duration_ms (int):
        error (None | str):
    """

    id: UUID
    attempted_at: datetime.datetime
    outcome: str
    response_status: int | None
    duration_ms: int
    error: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        attempted_at = self.attempted_at.isoformat()

        outcome = self.outcome

        response_status: int | None
        response_status = self.response_status

        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "attempted_at": attempted_at,
                "outcome": outcome,
                "response_status": response_status,
                "duration_ms": duration_ms,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        outcome = d.pop("outcome")

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))

        duration_ms = d.pop("duration_ms")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        webhook_attempt_out = cls(
            id=id,
            attempted_at=attempted_at,
            outcome=outcome,
            response_status=response_status,
            duration_ms=duration_ms,
            error=error,
        )

        webhook_attempt_out.additional_properties = d
        return webhook_attempt_out

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
