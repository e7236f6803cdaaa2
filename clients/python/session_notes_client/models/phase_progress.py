from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.phase import Phase

if TYPE_CHECKING:
    from ..models.ccrt import Ccrt
    from ..models.defensive_functioning import DefensiveFunctioning
    from ..models.measure_summary import MeasureSummary
    from ..models.session_counts import SessionCounts
    from ..models.theme_summary import ThemeSummary


T = TypeVar("T", bound="PhaseProgress")


@_attrs_define
class PhaseProgress:
    """Everything that happened while the episode was in one phase (all its segments).

    Attributes:
        phase (Phase):
        segments (int):
        days (int):
        sessions (SessionCounts): Sessions by status.
        themes (list[ThemeSummary]):
        emerging_themes (list[str]): Themes whose first observation in the episode fell in this phase.
        receding_themes (list[str]): Themes observed before this phase was first entered, and not in it.
        defensive_functioning (DefensiveFunctioning): Overall Defensive Functioning: the mean DMRS level of the defense
            observations.
        ccrt (Ccrt): The CCRT components of a phase's relationship episodes, most frequent first.
        measures (list[MeasureSummary]):
    """

    phase: Phase
    segments: int
    days: int
    sessions: SessionCounts
    themes: list[ThemeSummary]
    emerging_themes: list[str]
    receding_themes: list[str]
    defensive_functioning: DefensiveFunctioning
    ccrt: Ccrt
    measures: list[MeasureSummary]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phase = self.phase.value

        segments = self.segments

        days = self.days

        sessions = self.sessions.to_dict()

        themes = []
        for themes_item_data in self.themes:
            themes_item = themes_item_data.to_dict()
            themes.append(themes_item)

        emerging_themes = self.emerging_themes

        receding_themes = self.receding_themes

        defensive_functioning = self.defensive_functioning.to_dict()

        ccrt = self.ccrt.to_dict()

        measures = []
        for measures_item_data in self.measures:
            measures_item = measures_item_data.to_dict()
            measures.append(measures_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phase": phase,
                "segments": segments,
                "days": days,
                "sessions": sessions,
                "themes": themes,
                "emerging_themes": emerging_themes,
                "receding_themes": receding_themes,
                "defensive_functioning": defensive_functioning,
                "ccrt": ccrt,
                "measures": measures,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ccrt import Ccrt  # noqa: PLC0415
        from ..models.defensive_functioning import DefensiveFunctioning  # noqa: PLC0415
        from ..models.measure_summary import MeasureSummary  # noqa: PLC0415
        from ..models.session_counts import SessionCounts  # noqa: PLC0415
        from ..models.theme_summary import ThemeSummary  # noqa: PLC0415

        d = dict(src_dict)
        phase = Phase(d.pop("phase"))

        segments = d.pop("segments")

        days = d.pop("days")

        sessions = SessionCounts.from_dict(d.pop("sessions"))

        themes = []
        _themes = d.pop("themes")
        for themes_item_data in _themes:
            themes_item = ThemeSummary.from_dict(themes_item_data)

            themes.append(themes_item)

        emerging_themes = cast(list[str], d.pop("emerging_themes"))

        receding_themes = cast(list[str], d.pop("receding_themes"))

        defensive_functioning = DefensiveFunctioning.from_dict(d.pop("defensive_functioning"))

        ccrt = Ccrt.from_dict(d.pop("ccrt"))

        measures = []
        _measures = d.pop("measures")
        for measures_item_data in _measures:
            measures_item = MeasureSummary.from_dict(measures_item_data)

            measures.append(measures_item)

        phase_progress = cls(
            phase=phase,
            segments=segments,
            days=days,
            sessions=sessions,
            themes=themes,
            emerging_themes=emerging_themes,
            receding_themes=receding_themes,
            defensive_functioning=defensive_functioning,
            ccrt=ccrt,
            measures=measures,
        )

        phase_progress.additional_properties = d
        return phase_progress

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
