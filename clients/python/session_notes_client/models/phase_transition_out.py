from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.phase import Phase

T = TypeVar("T", bound="PhaseTransitionOut")


@_attrs_define
class PhaseTransitionOut:
    """One entry of an episode's append-only phase history (position 0: the start).

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d51', 'episode_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'position':
            1, 'from_phase': 'initial', 'to_phase': 'exploration', 'effective_on': '2026-10-06', 'rationale': None,
            'recorded_by': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31', 'recorded_at': '2026-10-06T09:00:00Z'}

    Attributes:
        id (UUID):
        episode_id (UUID):
        position (int):
        from_phase (None | Phase):
        to_phase (Phase):
        effective_on (datetime.date):
        rationale (None | str):
        recorded_by (UUID):
        recorded_at (datetime.datetime):
    """

    id: UUID
    episode_id: UUID
    position: int
    from_phase: None | Phase
    to_phase: Phase
    effective_on: datetime.date
    rationale: None | str
    recorded_by: UUID
    recorded_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        episode_id = str(self.episode_id)

        position = self.position

        from_phase: None | str
        if isinstance(self.from_phase, Phase):
            from_phase = self.from_phase.value
        else:
            from_phase = self.from_phase

        to_phase = self.to_phase.value

        effective_on = self.effective_on.isoformat()

        rationale: None | str
        rationale = self.rationale

        recorded_by = str(self.recorded_by)

        recorded_at = self.recorded_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "episode_id": episode_id,
                "position": position,
                "from_phase": from_phase,
                "to_phase": to_phase,
                "effective_on": effective_on,
                "rationale": rationale,
                "recorded_by": recorded_by,
                "recorded_at": recorded_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        episode_id = UUID(d.pop("episode_id"))

        position = d.pop("position")

        def _parse_from_phase(data: object) -> None | Phase:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_phase_type_0 = Phase(data)

                return from_phase_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Phase, data)

        from_phase = _parse_from_phase(d.pop("from_phase"))

        to_phase = Phase(d.pop("to_phase"))

        effective_on = datetime.date.fromisoformat(d.pop("effective_on"))

        def _parse_rationale(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rationale = _parse_rationale(d.pop("rationale"))

        recorded_by = UUID(d.pop("recorded_by"))

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        phase_transition_out = cls(
            id=id,
            episode_id=episode_id,
            position=position,
            from_phase=from_phase,
            to_phase=to_phase,
            effective_on=effective_on,
            rationale=rationale,
            recorded_by=recorded_by,
            recorded_at=recorded_at,
        )

        phase_transition_out.additional_properties = d
        return phase_transition_out

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
