from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ObservationOut")


@_attrs_define
class ObservationOut:
    """An observed theme, with the session's phase derived from its date.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31', 'session_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d30',
            'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'theme_code': 'defense.intellectualization', 'theme_label':
            'Intellectualization', 'category': 'defense', 'dmrs_level': 6, 'intensity': 3, 'evidence': "Spoke about the
            father's death in general terms, without feeling.", 'session_on': '2026-03-02', 'phase': 'exploration',
            'observed_by': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40', 'created_at': '2026-03-02T10:05:00Z'}

    Attributes:
        id (UUID):
        session_id (UUID):
        client_id (UUID):
        theme_code (str):
        theme_label (str):
        category (str):
        dmrs_level (int | None):
        intensity (int):
        evidence (None | str):
        session_on (datetime.date):
        phase (None | str):
        observed_by (UUID):
        created_at (datetime.datetime):
    """

    id: UUID
    session_id: UUID
    client_id: UUID
    theme_code: str
    theme_label: str
    category: str
    dmrs_level: int | None
    intensity: int
    evidence: None | str
    session_on: datetime.date
    phase: None | str
    observed_by: UUID
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        session_id = str(self.session_id)

        client_id = str(self.client_id)

        theme_code = self.theme_code

        theme_label = self.theme_label

        category = self.category

        dmrs_level: int | None
        dmrs_level = self.dmrs_level

        intensity = self.intensity

        evidence: None | str
        evidence = self.evidence

        session_on = self.session_on.isoformat()

        phase: None | str
        phase = self.phase

        observed_by = str(self.observed_by)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "session_id": session_id,
                "client_id": client_id,
                "theme_code": theme_code,
                "theme_label": theme_label,
                "category": category,
                "dmrs_level": dmrs_level,
                "intensity": intensity,
                "evidence": evidence,
                "session_on": session_on,
                "phase": phase,
                "observed_by": observed_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        session_id = UUID(d.pop("session_id"))

        client_id = UUID(d.pop("client_id"))

        theme_code = d.pop("theme_code")

        theme_label = d.pop("theme_label")

        category = d.pop("category")

        def _parse_dmrs_level(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dmrs_level = _parse_dmrs_level(d.pop("dmrs_level"))

        intensity = d.pop("intensity")

        def _parse_evidence(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evidence = _parse_evidence(d.pop("evidence"))

        session_on = datetime.date.fromisoformat(d.pop("session_on"))

        def _parse_phase(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phase = _parse_phase(d.pop("phase"))

        observed_by = UUID(d.pop("observed_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        observation_out = cls(
            id=id,
            session_id=session_id,
            client_id=client_id,
            theme_code=theme_code,
            theme_label=theme_label,
            category=category,
            dmrs_level=dmrs_level,
            intensity=intensity,
            evidence=evidence,
            session_on=session_on,
            phase=phase,
            observed_by=observed_by,
            created_at=created_at,
        )

        observation_out.additional_properties = d
        return observation_out

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
