from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument
from ..models.severity import Severity

if TYPE_CHECKING:
    from ..models.subscales import Subscales


T = TypeVar("T", bound="MeasureOut")


@_attrs_define
class MeasureOut:
    """A scored questionnaire.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d51', 'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21',
            'session_id': None, 'instrument': 'phq9', 'administered_on': '2026-03-02', 'item_responses': [2, 2, 1, 2, 1, 1,
            2, 1, 0], 'total': 12, 'subscales': {}, 'severity': 'moderate', 'risk_flag': False, 'recorded_by':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40', 'created_at': '2026-03-02T10:05:00Z'}

    Attributes:
        id (UUID):
        client_id (UUID):
        session_id (None | UUID):
        instrument (Instrument):
        administered_on (datetime.date):
        item_responses (list[int]):
        total (float | int): Sum (PHQ-9, GAD-7) or mean (WAI-SR).
        subscales (Subscales): WAI-SR task, bond and goal means.
        severity (None | Severity):
        risk_flag (bool): PHQ-9 item 9 (thoughts of self-harm) above 0.
        recorded_by (UUID):
        created_at (datetime.datetime):
    """

    id: UUID
    client_id: UUID
    session_id: None | UUID
    instrument: Instrument
    administered_on: datetime.date
    item_responses: list[int]
    total: float | int
    subscales: Subscales
    severity: None | Severity
    risk_flag: bool
    recorded_by: UUID
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        client_id = str(self.client_id)

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        instrument = self.instrument.value

        administered_on = self.administered_on.isoformat()

        item_responses = self.item_responses

        total: float | int
        total = self.total

        subscales = self.subscales.to_dict()

        severity: None | str
        if isinstance(self.severity, Severity):
            severity = self.severity.value
        else:
            severity = self.severity

        risk_flag = self.risk_flag

        recorded_by = str(self.recorded_by)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_id": client_id,
                "session_id": session_id,
                "instrument": instrument,
                "administered_on": administered_on,
                "item_responses": item_responses,
                "total": total,
                "subscales": subscales,
                "severity": severity,
                "risk_flag": risk_flag,
                "recorded_by": recorded_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscales import Subscales  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        client_id = UUID(d.pop("client_id"))

        def _parse_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        session_id = _parse_session_id(d.pop("session_id"))

        instrument = Instrument(d.pop("instrument"))

        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        item_responses = cast(list[int], d.pop("item_responses"))

        def _parse_total(data: object) -> float | int:
            return cast(float | int, data)

        total = _parse_total(d.pop("total"))

        subscales = Subscales.from_dict(d.pop("subscales"))

        def _parse_severity(data: object) -> None | Severity:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = Severity(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Severity, data)

        severity = _parse_severity(d.pop("severity"))

        risk_flag = d.pop("risk_flag")

        recorded_by = UUID(d.pop("recorded_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        measure_out = cls(
            id=id,
            client_id=client_id,
            session_id=session_id,
            instrument=instrument,
            administered_on=administered_on,
            item_responses=item_responses,
            total=total,
            subscales=subscales,
            severity=severity,
            risk_flag=risk_flag,
            recorded_by=recorded_by,
            created_at=created_at,
        )

        measure_out.additional_properties = d
        return measure_out

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
