from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ObservationCreate")


@_attrs_define
class ObservationCreate:
    """A theme observed in the session.

    Example:
        {'theme_code': 'defense.intellectualization', 'intensity': 3, 'evidence': "Spoke about the father's death in
            general terms, without feeling."}

    Attributes:
        theme_code (str):
        intensity (int): 1 (faint) to 5 (dominant).
        evidence (None | str | Unset): Encrypted at rest.
    """

    theme_code: str
    intensity: int
    evidence: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        theme_code = self.theme_code

        intensity = self.intensity

        evidence: None | str | Unset
        if isinstance(self.evidence, Unset):
            evidence = UNSET
        else:
            evidence = self.evidence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "theme_code": theme_code,
                "intensity": intensity,
            }
        )
        if evidence is not UNSET:
            field_dict["evidence"] = evidence

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        theme_code = d.pop("theme_code")

        intensity = d.pop("intensity")

        def _parse_evidence(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        evidence = _parse_evidence(d.pop("evidence", UNSET))

        observation_create = cls(
            theme_code=theme_code,
            intensity=intensity,
            evidence=evidence,
        )

        return observation_create
