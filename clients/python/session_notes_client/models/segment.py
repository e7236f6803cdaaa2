from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.phase import Phase

if TYPE_CHECKING:
    from ..models.session_counts import SessionCounts


T = TypeVar("T", bound="Segment")


@_attrs_define
class Segment:
    """One stretch of the phase timeline: from a transition to the day before the next.

    Attributes:
        phase (Phase):
        start (datetime.date):
        end (datetime.date | None): Last day of the segment; null while current.
        days (int): Calendar days covered, the first and last included.
        sessions (SessionCounts): Sessions by status.
    """

    phase: Phase
    start: datetime.date
    end: datetime.date | None
    days: int
    sessions: SessionCounts
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phase = self.phase.value

        start = self.start.isoformat()

        end: None | str
        if isinstance(self.end, datetime.date):
            end = self.end.isoformat()
        else:
            end = self.end

        days = self.days

        sessions = self.sessions.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phase": phase,
                "start": start,
                "end": end,
                "days": days,
                "sessions": sessions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session_counts import SessionCounts  # noqa: PLC0415

        d = dict(src_dict)
        phase = Phase(d.pop("phase"))

        start = datetime.date.fromisoformat(d.pop("start"))

        def _parse_end(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_type_0 = datetime.date.fromisoformat(data)

                return end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        end = _parse_end(d.pop("end"))

        days = d.pop("days")

        sessions = SessionCounts.from_dict(d.pop("sessions"))

        segment = cls(
            phase=phase,
            start=start,
            end=end,
            days=days,
            sessions=sessions,
        )

        segment.additional_properties = d
        return segment

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
