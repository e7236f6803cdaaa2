from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.close_reason import CloseReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="EpisodeClose")


@_attrs_define
class EpisodeClose:
    """Closing an episode from any phase; a closed episode is read-only.

    Example:
        {'ended_on': '2027-03-30', 'reason': 'completed', 'summary': 'Goals reached; planned ending over six sessions.'}

    Attributes:
        ended_on (datetime.date):
        reason (CloseReason):
        summary (None | str | Unset): Stored encrypted.
    """

    ended_on: datetime.date
    reason: CloseReason
    summary: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ended_on = self.ended_on.isoformat()

        reason = self.reason.value

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ended_on": ended_on,
                "reason": reason,
            }
        )
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ended_on = datetime.date.fromisoformat(d.pop("ended_on"))

        reason = CloseReason(d.pop("reason"))

        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))

        episode_close = cls(
            ended_on=ended_on,
            reason=reason,
            summary=summary,
        )

        return episode_close
