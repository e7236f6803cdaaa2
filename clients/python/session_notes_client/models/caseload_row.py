from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.phase import Phase

if TYPE_CHECKING:
    from ..models.latest_measure import LatestMeasure
    from ..models.risk_flag import RiskFlag


T = TypeVar("T", bound="CaseloadRow")


@_attrs_define
class CaseloadRow:
    """One client of the caseload.

    Attributes:
        client_id (UUID):
        given_name (str):
        family_name (str):
        preferred_name (None | str):
        primary_therapist_id (UUID):
        episode_id (None | UUID):
        current_phase (None | Phase):
        phase_since (datetime.date | None):
        days_in_phase (int | None):
        sessions_in_phase (int): Attended sessions since the phase began.
        last_session_on (datetime.date | None): The latest attended session.
        phq9 (LatestMeasure | None):
        gad7 (LatestMeasure | None):
        risk_flags (list[RiskFlag]):
    """

    client_id: UUID
    given_name: str
    family_name: str
    preferred_name: None | str
    primary_therapist_id: UUID
    episode_id: None | UUID
    current_phase: None | Phase
    phase_since: datetime.date | None
    days_in_phase: int | None
    sessions_in_phase: int
    last_session_on: datetime.date | None
    phq9: LatestMeasure | None
    gad7: LatestMeasure | None
    risk_flags: list[RiskFlag]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.latest_measure import LatestMeasure  # noqa: PLC0415

        client_id = str(self.client_id)

        given_name = self.given_name

        family_name = self.family_name

        preferred_name: None | str
        preferred_name = self.preferred_name

        primary_therapist_id = str(self.primary_therapist_id)

        episode_id: None | str
        if isinstance(self.episode_id, UUID):
            episode_id = str(self.episode_id)
        else:
            episode_id = self.episode_id

        current_phase: None | str
        if isinstance(self.current_phase, Phase):
            current_phase = self.current_phase.value
        else:
            current_phase = self.current_phase

        phase_since: None | str
        if isinstance(self.phase_since, datetime.date):
            phase_since = self.phase_since.isoformat()
        else:
            phase_since = self.phase_since

        days_in_phase: int | None
        days_in_phase = self.days_in_phase

        sessions_in_phase = self.sessions_in_phase

        last_session_on: None | str
        if isinstance(self.last_session_on, datetime.date):
            last_session_on = self.last_session_on.isoformat()
        else:
            last_session_on = self.last_session_on

        phq9: dict[str, Any] | None
        if isinstance(self.phq9, LatestMeasure):
            phq9 = self.phq9.to_dict()
        else:
            phq9 = self.phq9

        gad7: dict[str, Any] | None
        if isinstance(self.gad7, LatestMeasure):
            gad7 = self.gad7.to_dict()
        else:
            gad7 = self.gad7

        risk_flags = []
        for risk_flags_item_data in self.risk_flags:
            risk_flags_item = risk_flags_item_data.to_dict()
            risk_flags.append(risk_flags_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "given_name": given_name,
                "family_name": family_name,
                "preferred_name": preferred_name,
                "primary_therapist_id": primary_therapist_id,
                "episode_id": episode_id,
                "current_phase": current_phase,
                "phase_since": phase_since,
                "days_in_phase": days_in_phase,
                "sessions_in_phase": sessions_in_phase,
                "last_session_on": last_session_on,
                "phq9": phq9,
                "gad7": gad7,
                "risk_flags": risk_flags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.latest_measure import LatestMeasure  # noqa: PLC0415
        from ..models.risk_flag import RiskFlag  # noqa: PLC0415

        d = dict(src_dict)
        client_id = UUID(d.pop("client_id"))

        given_name = d.pop("given_name")

        family_name = d.pop("family_name")

        def _parse_preferred_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        preferred_name = _parse_preferred_name(d.pop("preferred_name"))

        primary_therapist_id = UUID(d.pop("primary_therapist_id"))

        def _parse_episode_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                episode_id_type_0 = UUID(data)

                return episode_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        episode_id = _parse_episode_id(d.pop("episode_id"))

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

        def _parse_phase_since(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                phase_since_type_0 = datetime.date.fromisoformat(data)

                return phase_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        phase_since = _parse_phase_since(d.pop("phase_since"))

        def _parse_days_in_phase(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        days_in_phase = _parse_days_in_phase(d.pop("days_in_phase"))

        sessions_in_phase = d.pop("sessions_in_phase")

        def _parse_last_session_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_session_on_type_0 = datetime.date.fromisoformat(data)

                return last_session_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        last_session_on = _parse_last_session_on(d.pop("last_session_on"))

        def _parse_phq9(data: object) -> LatestMeasure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                phq9_type_0 = LatestMeasure.from_dict(data)

                return phq9_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatestMeasure | None, data)

        phq9 = _parse_phq9(d.pop("phq9"))

        def _parse_gad7(data: object) -> LatestMeasure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gad7_type_0 = LatestMeasure.from_dict(data)

                return gad7_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatestMeasure | None, data)

        gad7 = _parse_gad7(d.pop("gad7"))

        risk_flags = []
        _risk_flags = d.pop("risk_flags")
        for risk_flags_item_data in _risk_flags:
            risk_flags_item = RiskFlag.from_dict(risk_flags_item_data)

            risk_flags.append(risk_flags_item)

        caseload_row = cls(
            client_id=client_id,
            given_name=given_name,
            family_name=family_name,
            preferred_name=preferred_name,
            primary_therapist_id=primary_therapist_id,
            episode_id=episode_id,
            current_phase=current_phase,
            phase_since=phase_since,
            days_in_phase=days_in_phase,
            sessions_in_phase=sessions_in_phase,
            last_session_on=last_session_on,
            phq9=phq9,
            gad7=gad7,
            risk_flags=risk_flags,
        )

        caseload_row.additional_properties = d
        return caseload_row

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
