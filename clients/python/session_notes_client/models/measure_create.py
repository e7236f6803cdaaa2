from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="MeasureCreate")


@_attrs_define
class MeasureCreate:
    """One administration of a questionnaire; the server scores it.

    Example:
        {'instrument': 'phq9', 'items': [2, 2, 1, 2, 1, 1, 2, 1, 0], 'administered_on': '2026-03-02', 'session_id':
            None}

    Attributes:
        instrument (Instrument):
        items (list[int]): Item responses in questionnaire order: PHQ-9 9 items 0-3, GAD-7 7 items 0-3, WAI-SR 12 items
            1-5.
        administered_on (datetime.date | None | Unset): Defaults to the session's date, or today without a session.
        session_id (None | Unset | UUID): A session of the same client, when given in one.
    """

    instrument: Instrument
    items: list[int]
    administered_on: datetime.date | None | Unset = UNSET
    session_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        items = self.items

        administered_on: None | str | Unset
        if isinstance(self.administered_on, Unset):
            administered_on = UNSET
        elif isinstance(self.administered_on, datetime.date):
            administered_on = self.administered_on.isoformat()
        else:
            administered_on = self.administered_on

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        elif isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instrument": instrument,
                "items": items,
            }
        )
        if administered_on is not UNSET:
            field_dict["administered_on"] = administered_on
        if session_id is not UNSET:
            field_dict["session_id"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        items = cast(list[int], d.pop("items"))

        def _parse_administered_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                administered_on_type_0 = datetime.date.fromisoformat(data)

                return administered_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        administered_on = _parse_administered_on(d.pop("administered_on", UNSET))

        def _parse_session_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        session_id = _parse_session_id(d.pop("session_id", UNSET))

        measure_create = cls(
            instrument=instrument,
            items=items,
            administered_on=administered_on,
            session_id=session_id,
        )

        return measure_create
