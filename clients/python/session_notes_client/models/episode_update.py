from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EpisodeUpdate")


@_attrs_define
class EpisodeUpdate:
    """Changes to an open episode's goals or treating therapist.

    Example:
        {'goals': 'Understand the recurring pattern of withdrawal in close relationships.'}

    Attributes:
        goals (None | str | Unset):
        therapist_id (UUID | Unset):
    """

    goals: None | str | Unset = UNSET
    therapist_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        goals: None | str | Unset
        if isinstance(self.goals, Unset):
            goals = UNSET
        else:
            goals = self.goals

        therapist_id: str | Unset = UNSET
        if not isinstance(self.therapist_id, Unset):
            therapist_id = str(self.therapist_id)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if goals is not UNSET:
            field_dict["goals"] = goals
        if therapist_id is not UNSET:
            field_dict["therapist_id"] = therapist_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_goals(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        goals = _parse_goals(d.pop("goals", UNSET))

        _therapist_id = d.pop("therapist_id", UNSET)
        therapist_id: UUID | Unset
        if isinstance(_therapist_id, Unset):
            therapist_id = UNSET
        else:
            therapist_id = UUID(_therapist_id)

        episode_update = cls(
            goals=goals,
            therapist_id=therapist_id,
        )

        return episode_update
