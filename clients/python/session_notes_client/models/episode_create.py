from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EpisodeCreate")


@_attrs_define
class EpisodeCreate:
    """A new course of treatment; it starts in the `initial` phase on `started_on`.

    Example:
        {'started_on': '2026-09-01', 'goals': 'Understand the recurring pattern of withdrawal in close relationships.',
            'therapist_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31'}

    Attributes:
        started_on (datetime.date): Not in the future.
        goals (None | str | Unset): Stored encrypted.
        therapist_id (None | Unset | UUID): The treating clinician; default the primary therapist.
    """

    started_on: datetime.date
    goals: None | str | Unset = UNSET
    therapist_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        started_on = self.started_on.isoformat()

        goals: None | str | Unset
        if isinstance(self.goals, Unset):
            goals = UNSET
        else:
            goals = self.goals

        therapist_id: None | str | Unset
        if isinstance(self.therapist_id, Unset):
            therapist_id = UNSET
        elif isinstance(self.therapist_id, UUID):
            therapist_id = str(self.therapist_id)
        else:
            therapist_id = self.therapist_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "started_on": started_on,
            }
        )
        if goals is not UNSET:
            field_dict["goals"] = goals
        if therapist_id is not UNSET:
            field_dict["therapist_id"] = therapist_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        started_on = datetime.date.fromisoformat(d.pop("started_on"))

        def _parse_goals(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        goals = _parse_goals(d.pop("goals", UNSET))

        def _parse_therapist_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                therapist_id_type_0 = UUID(data)

                return therapist_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        therapist_id = _parse_therapist_id(d.pop("therapist_id", UNSET))

        episode_create = cls(
            started_on=started_on,
            goals=goals,
            therapist_id=therapist_id,
        )

        return episode_create
