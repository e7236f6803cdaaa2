from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.intervention import Intervention
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.risk import Risk


T = TypeVar("T", bound="NoteUpdate")


@_attrs_define
class NoteUpdate:
    """Changes to a draft note; omitted fields stay as they are.

    Example:
        {'plan': 'Fortnightly from March.'}

    Attributes:
        body (str | Unset):
        interventions (list[Intervention] | None | Unset):
        risk (None | Risk | Unset):
        plan (None | str | Unset):
        share_with_supervisor (bool | None | Unset):
    """

    body: str | Unset = UNSET
    interventions: list[Intervention] | None | Unset = UNSET
    risk: None | Risk | Unset = UNSET
    plan: None | str | Unset = UNSET
    share_with_supervisor: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.risk import Risk  # noqa: PLC0415

        body = self.body

        interventions: list[str] | None | Unset
        if isinstance(self.interventions, Unset):
            interventions = UNSET
        elif isinstance(self.interventions, list):
            interventions = []
            for interventions_type_0_item_data in self.interventions:
                interventions_type_0_item = interventions_type_0_item_data.value
                interventions.append(interventions_type_0_item)

        else:
            interventions = self.interventions

        risk: dict[str, Any] | None | Unset
        if isinstance(self.risk, Unset):
            risk = UNSET
        elif isinstance(self.risk, Risk):
            risk = self.risk.to_dict()
        else:
            risk = self.risk

        plan: None | str | Unset
        if isinstance(self.plan, Unset):
            plan = UNSET
        else:
            plan = self.plan

        share_with_supervisor: bool | None | Unset
        if isinstance(self.share_with_supervisor, Unset):
            share_with_supervisor = UNSET
        else:
            share_with_supervisor = self.share_with_supervisor

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if body is not UNSET:
            field_dict["body"] = body
        if interventions is not UNSET:
            field_dict["interventions"] = interventions
        if risk is not UNSET:
            field_dict["risk"] = risk
        if plan is not UNSET:
            field_dict["plan"] = plan
        if share_with_supervisor is not UNSET:
            field_dict["share_with_supervisor"] = share_with_supervisor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.risk import Risk  # noqa: PLC0415

        d = dict(src_dict)
        body = d.pop("body", UNSET)

        def _parse_interventions(data: object) -> list[Intervention] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                interventions_type_0 = []
                _interventions_type_0 = data
                for interventions_type_0_item_data in _interventions_type_0:
                    interventions_type_0_item = Intervention(interventions_type_0_item_data)

                    interventions_type_0.append(interventions_type_0_item)

                return interventions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Intervention] | None | Unset, data)

        interventions = _parse_interventions(d.pop("interventions", UNSET))

        def _parse_risk(data: object) -> None | Risk | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                risk_type_0 = Risk.from_dict(data)

                return risk_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Risk | Unset, data)

        risk = _parse_risk(d.pop("risk", UNSET))

        def _parse_plan(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan = _parse_plan(d.pop("plan", UNSET))

        def _parse_share_with_supervisor(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        share_with_supervisor = _parse_share_with_supervisor(d.pop("share_with_supervisor", UNSET))

        note_update = cls(
            body=body,
            interventions=interventions,
            risk=risk,
            plan=plan,
            share_with_supervisor=share_with_supervisor,
        )

        return note_update
