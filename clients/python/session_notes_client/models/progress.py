from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.phase import Phase

if TYPE_CHECKING:
    from ..models.phase_progress import PhaseProgress
    from ..models.segment import Segment
    from ..models.theme_trajectory import ThemeTrajectory


T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """How a treatment has moved, phase by phase.

    Example:
        {'episode_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21',
            'status': 'open', 'started_on': '2026-01-05', 'ended_on': None, 'current_phase': 'exploration', 'as_of':
            '2026-02-20', 'segments': [{'phase': 'initial', 'start': '2026-01-05', 'end': '2026-02-01', 'days': 28,
            'sessions': {'total': 4, 'scheduled': 0, 'attended': 3, 'cancelled': 0, 'late_cancelled': 0, 'no_show': 1}},
            {'phase': 'exploration', 'start': '2026-02-02', 'end': None, 'days': 19, 'sessions': {'total': 3, 'scheduled':
            0, 'attended': 3, 'cancelled': 0, 'late_cancelled': 0, 'no_show': 0}}], 'phases': [{'phase': 'initial',
            'segments': 1, 'days': 28, 'sessions': {'total': 4, 'scheduled': 0, 'attended': 3, 'cancelled': 0,
            'late_cancelled': 0, 'no_show': 1}, 'themes': [{'code': 'defense.denial', 'label': 'Denial', 'category':
            'defense', 'dmrs_level': 3, 'count': 2, 'sessions': 2, 'mean_intensity': 3.5, 'first_seen': '2026-01-05',
            'last_seen': '2026-01-12'}], 'emerging_themes': ['defense.denial'], 'receding_themes': [],
            'defensive_functioning': {'odf': 3.17, 'defense_observations': 6, 'by_level': [{'level': 1, 'name': 'Action',
            'count': 0}, {'level': 2, 'name': 'Major image-distorting', 'count': 0}, {'level': 3, 'name': 'Disavowal',
            'count': 5}, {'level': 4, 'name': 'Minor image-distorting', 'count': 1}, {'level': 5, 'name': 'Other neurotic',
            'count': 0}, {'level': 6, 'name': 'Obsessional', 'count': 0}, {'level': 7, 'name': 'High adaptive', 'count':
            0}]}, 'ccrt': {'relationship_episodes': 1, 'wish': [{'code': 'to_be_close', 'count': 1}], 'response_of_other':
            [{'code': 'rejects', 'count': 1, 'positive': 0, 'negative': 1}], 'response_of_self': [{'code': 'withdraws',
            'count': 1, 'positive': 0, 'negative': 1}]}, 'measures': [{'instrument': 'phq9', 'n': 2, 'first': 18, 'last':
            16, 'change': -2, 'first_on': '2026-01-05', 'last_on': '2026-01-26', 'last_severity': 'moderately_severe'}]}],
            'theme_trajectories': [{'code': 'defense.denial', 'label': 'Denial', 'category': 'defense', 'points': [{'on':
            '2026-01-05', 'phase': 'initial', 'intensity': 4}, {'on': '2026-01-12', 'phase': 'initial', 'intensity': 3}]}]}

    Attributes:
        episode_id (UUID):
        client_id (UUID):
        status (str):
        started_on (datetime.date):
        ended_on (datetime.date | None):
        current_phase (None | Phase):
        as_of (datetime.date):
        segments (list[Segment]):
        phases (list[PhaseProgress]):
        theme_trajectories (list[ThemeTrajectory]):
    """

    episode_id: UUID
    client_id: UUID
    status: str
    started_on: datetime.date
    ended_on: datetime.date | None
    current_phase: None | Phase
    as_of: datetime.date
    segments: list[Segment]
    phases: list[PhaseProgress]
    theme_trajectories: list[ThemeTrajectory]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        episode_id = str(self.episode_id)

        client_id = str(self.client_id)

        status = self.status

        started_on = self.started_on.isoformat()

        ended_on: None | str
        if isinstance(self.ended_on, datetime.date):
            ended_on = self.ended_on.isoformat()
        else:
            ended_on = self.ended_on

        current_phase: None | str
        if isinstance(self.current_phase, Phase):
            current_phase = self.current_phase.value
        else:
            current_phase = self.current_phase

        as_of = self.as_of.isoformat()

        segments = []
        for segments_item_data in self.segments:
            segments_item = segments_item_data.to_dict()
            segments.append(segments_item)

        phases = []
        for phases_item_data in self.phases:
            phases_item = phases_item_data.to_dict()
            phases.append(phases_item)

        theme_trajectories = []
        for theme_trajectories_item_data in self.theme_trajectories:
            theme_trajectories_item = theme_trajectories_item_data.to_dict()
            theme_trajectories.append(theme_trajectories_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "episode_id": episode_id,
                "client_id": client_id,
                "status": status,
                "started_on": started_on,
                "ended_on": ended_on,
                "current_phase": current_phase,
                "as_of": as_of,
                "segments": segments,
                "phases": phases,
                "theme_trajectories": theme_trajectories,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.phase_progress import PhaseProgress  # noqa: PLC0415
        from ..models.segment import Segment  # noqa: PLC0415
        from ..models.theme_trajectory import ThemeTrajectory  # noqa: PLC0415

        d = dict(src_dict)
        episode_id = UUID(d.pop("episode_id"))

        client_id = UUID(d.pop("client_id"))

        status = d.pop("status")

        started_on = datetime.date.fromisoformat(d.pop("started_on"))

        def _parse_ended_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_on_type_0 = datetime.date.fromisoformat(data)

                return ended_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ended_on = _parse_ended_on(d.pop("ended_on"))

        def _parse_current_phase(data: object) -> None | Phase:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_phase_type_0 = Phase(data)

                return current_phase_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Phase, data)

        current_phase = _parse_current_phase(d.pop("current_phase"))

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        segments = []
        _segments = d.pop("segments")
        for segments_item_data in _segments:
            segments_item = Segment.from_dict(segments_item_data)

            segments.append(segments_item)

        phases = []
        _phases = d.pop("phases")
        for phases_item_data in _phases:
            phases_item = PhaseProgress.from_dict(phases_item_data)

            phases.append(phases_item)

        theme_trajectories = []
        _theme_trajectories = d.pop("theme_trajectories")
        for theme_trajectories_item_data in _theme_trajectories:
            theme_trajectories_item = ThemeTrajectory.from_dict(theme_trajectories_item_data)

            theme_trajectories.append(theme_trajectories_item)

        progress = cls(
            episode_id=episode_id,
            client_id=client_id,
            status=status,
            started_on=started_on,
            ended_on=ended_on,
            current_phase=current_phase,
            as_of=as_of,
            segments=segments,
            phases=phases,
            theme_trajectories=theme_trajectories,
        )

        progress.additional_properties = d
        return progress

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
