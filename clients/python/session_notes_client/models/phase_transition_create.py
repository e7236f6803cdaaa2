from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.phase import Phase
from ..types import UNSET, Unset

T = TypeVar("T", bound="PhaseTransitionCreate")


@_attrs_define
class PhaseTransitionCreate:
    """A move to another phase; skipping ahead or going back needs a rationale.

    Example:
        {'to_phase': 'exploration', 'effective_on': '2026-10-06', 'rationale': None}

    Attributes:
        to_phase (Phase):
        effective_on (datetime.date): Not before the episode start or the last transition, not in the future.
        rationale (None | str | Unset): Stored encrypted.
    """

    to_phase: Phase
    effective_on: datetime.date
    rationale: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        to_phase = self.to_phase.value

        effective_on = self.effective_on.isoformat()

        rationale: None | str | Unset
        if isinstance(self.rationale, Unset):
            rationale = UNSET
        else:
            rationale = self.rationale

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to_phase": to_phase,
                "effective_on": effective_on,
            }
        )
        if rationale is not UNSET:
            field_dict["rationale"] = rationale

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to_phase = Phase(d.pop("to_phase"))

        effective_on = datetime.date.fromisoformat(d.pop("effective_on"))

        def _parse_rationale(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rationale = _parse_rationale(d.pop("rationale", UNSET))

        phase_transition_create = cls(
            to_phase=to_phase,
            effective_on=effective_on,
            rationale=rationale,
        )

        return phase_transition_create
