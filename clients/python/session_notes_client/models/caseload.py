from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.caseload_row import CaseloadRow
    from ..models.caseload_summary import CaseloadSummary


T = TypeVar("T", bound="Caseload")


@_attrs_define
class Caseload:
    """The caller's caseload (a supervisor's includes their supervisees').

    Example:
        {'as_of': '2026-02-20', 'summary': {'clients': 1, 'by_phase': {'initial': 0, 'exploration': 1,
            'working_through': 0, 'termination': 0}, 'without_open_episode': 0, 'with_risk_flags': 1}, 'items':
            [{'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'given_name': 'Jonas', 'family_name': 'Okafor',
            'preferred_name': None, 'primary_therapist_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40', 'episode_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41', 'current_phase': 'exploration', 'phase_since': '2026-02-02',
            'days_in_phase': 19, 'sessions_in_phase': 3, 'last_session_on': '2026-02-16', 'phq9': {'total': 12, 'severity':
            'moderate', 'administered_on': '2026-02-16'}, 'gad7': None, 'risk_flags': [{'source': 'phq9_item9', 'on':
            '2026-02-16', 'level': None}]}]}

    Attributes:
        as_of (datetime.date):
        summary (CaseloadSummary): Clients of the whole caseload (before `?phase=`) per current phase.
        items (list[CaseloadRow]):
    """

    as_of: datetime.date
    summary: CaseloadSummary
    items: list[CaseloadRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        summary = self.summary.to_dict()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "summary": summary,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.caseload_row import CaseloadRow  # noqa: PLC0415
        from ..models.caseload_summary import CaseloadSummary  # noqa: PLC0415

        d = dict(src_dict)
        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        summary = CaseloadSummary.from_dict(d.pop("summary"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CaseloadRow.from_dict(items_item_data)

            items.append(items_item)

        caseload = cls(
            as_of=as_of,
            summary=summary,
            items=items,
        )

        caseload.additional_properties = d
        return caseload

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
