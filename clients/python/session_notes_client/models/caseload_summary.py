from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.by_phase import ByPhase


T = TypeVar("T", bound="CaseloadSummary")


@_attrs_define
class CaseloadSummary:
    """Clients of the whole caseload (before `?phase=`) per current phase.

    Attributes:
        clients (int):
        by_phase (ByPhase):
        without_open_episode (int):
        with_risk_flags (int):
    """

    clients: int
    by_phase: ByPhase
    without_open_episode: int
    with_risk_flags: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clients = self.clients

        by_phase = self.by_phase.to_dict()

        without_open_episode = self.without_open_episode

        with_risk_flags = self.with_risk_flags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clients": clients,
                "by_phase": by_phase,
                "without_open_episode": without_open_episode,
                "with_risk_flags": with_risk_flags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.by_phase import ByPhase  # noqa: PLC0415

        d = dict(src_dict)
        clients = d.pop("clients")

        by_phase = ByPhase.from_dict(d.pop("by_phase"))

        without_open_episode = d.pop("without_open_episode")

        with_risk_flags = d.pop("with_risk_flags")

        caseload_summary = cls(
            clients=clients,
            by_phase=by_phase,
            without_open_episode=without_open_episode,
            with_risk_flags=with_risk_flags,
        )

        caseload_summary.additional_properties = d
        return caseload_summary

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
