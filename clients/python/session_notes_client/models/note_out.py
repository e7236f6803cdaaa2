from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.intervention import Intervention
from ..models.note_kind import NoteKind
from ..models.note_status import NoteStatus

if TYPE_CHECKING:
    from ..models.risk import Risk


T = TypeVar("T", bound="NoteOut")


@_attrs_define
class NoteOut:
    """A note as its readers see it.

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'session_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21',
            'client_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'kind': 'progress', 'body': 'Client arrived on time and
            spoke about the weekend with her sister.', 'interventions': ['clarification', 'transference_interpretation'],
            'risk': {'level': 'low', 'details': 'Passive thoughts last week; none since.'}, 'plan': 'Continue weekly; return
            to the theme of leaving.', 'author_id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'status': 'signed',
            'share_with_supervisor': False, 'return_comment': None, 'signed_at': '2026-11-21T10:00:00Z', 'signed_by':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'cosigned_at': None, 'cosigned_by': None, 'version': 2, 'created_at':
            '2026-11-21T09:00:00Z', 'updated_at': '2026-11-21T10:00:00Z'}

    Attributes:
        id (UUID):
        session_id (UUID):
        client_id (UUID):
        kind (NoteKind):
        author_id (UUID):
        status (NoteStatus):
        body (None | str):
        interventions (list[Intervention]):
        risk (None | Risk):
        plan (None | str):
        share_with_supervisor (bool):
        return_comment (None | str): Why the supervisor returned the note.
        signed_at (datetime.datetime | None):
        signed_by (None | UUID):
        cosigned_at (datetime.datetime | None):
        cosigned_by (None | UUID):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    session_id: UUID
    client_id: UUID
    kind: NoteKind
    author_id: UUID
    status: NoteStatus
    body: None | str
    interventions: list[Intervention]
    risk: None | Risk
    plan: None | str
    share_with_supervisor: bool
    return_comment: None | str
    signed_at: datetime.datetime | None
    signed_by: None | UUID
    cosigned_at: datetime.datetime | None
    cosigned_by: None | UUID
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.risk import Risk  # noqa: PLC0415

        id = str(self.id)

        session_id = str(self.session_id)

        client_id = str(self.client_id)

        kind = self.kind.value

        author_id = str(self.author_id)

        status = self.status.value

        body: None | str
        body = self.body

        interventions = []
        for interventions_item_data in self.interventions:
            interventions_item = interventions_item_data.value
            interventions.append(interventions_item)

        risk: dict[str, Any] | None
        if isinstance(self.risk, Risk):
            risk = self.risk.to_dict()
        else:
            risk = self.risk

        plan: None | str
        plan = self.plan

        share_with_supervisor = self.share_with_supervisor

        return_comment: None | str
        return_comment = self.return_comment

        signed_at: None | str
        if isinstance(self.signed_at, datetime.datetime):
            signed_at = self.signed_at.isoformat()
        else:
            signed_at = self.signed_at

        signed_by: None | str
        if isinstance(self.signed_by, UUID):
            signed_by = str(self.signed_by)
        else:
            signed_by = self.signed_by

        cosigned_at: None | str
        if isinstance(self.cosigned_at, datetime.datetime):
            cosigned_at = self.cosigned_at.isoformat()
        else:
            cosigned_at = self.cosigned_at

        cosigned_by: None | str
        if isinstance(self.cosigned_by, UUID):
            cosigned_by = str(self.cosigned_by)
        else:
            cosigned_by = self.cosigned_by

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "session_id": session_id,
                "client_id": client_id,
                "kind": kind,
                "author_id": author_id,
                "status": status,
                "body": body,
                "interventions": interventions,
                "risk": risk,
                "plan": plan,
                "share_with_supervisor": share_with_supervisor,
                "return_comment": return_comment,
                "signed_at": signed_at,
                "signed_by": signed_by,
                "cosigned_at": cosigned_at,
                "cosigned_by": cosigned_by,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.risk import Risk  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        session_id = UUID(d.pop("session_id"))

        client_id = UUID(d.pop("client_id"))

        kind = NoteKind(d.pop("kind"))

        author_id = UUID(d.pop("author_id"))

        status = NoteStatus(d.pop("status"))

        def _parse_body(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        body = _parse_body(d.pop("body"))

        interventions = []
        _interventions = d.pop("interventions")
        for interventions_item_data in _interventions:
            interventions_item = Intervention(interventions_item_data)

            interventions.append(interventions_item)

        def _parse_risk(data: object) -> None | Risk:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                risk_type_0 = Risk.from_dict(data)

                return risk_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Risk, data)

        risk = _parse_risk(d.pop("risk"))

        def _parse_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan = _parse_plan(d.pop("plan"))

        share_with_supervisor = d.pop("share_with_supervisor")

        def _parse_return_comment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        return_comment = _parse_return_comment(d.pop("return_comment"))

        def _parse_signed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_at_type_0 = datetime.datetime.fromisoformat(data)

                return signed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        signed_at = _parse_signed_at(d.pop("signed_at"))

        def _parse_signed_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_by_type_0 = UUID(data)

                return signed_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        signed_by = _parse_signed_by(d.pop("signed_by"))

        def _parse_cosigned_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cosigned_at_type_0 = datetime.datetime.fromisoformat(data)

                return cosigned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cosigned_at = _parse_cosigned_at(d.pop("cosigned_at"))

        def _parse_cosigned_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cosigned_by_type_0 = UUID(data)

                return cosigned_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        cosigned_by = _parse_cosigned_by(d.pop("cosigned_by"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        note_out = cls(
            id=id,
            session_id=session_id,
            client_id=client_id,
            kind=kind,
            author_id=author_id,
            status=status,
            body=body,
            interventions=interventions,
            risk=risk,
            plan=plan,
            share_with_supervisor=share_with_supervisor,
            return_comment=return_comment,
            signed_at=signed_at,
            signed_by=signed_by,
            cosigned_at=cosigned_at,
            cosigned_by=cosigned_by,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        note_out.additional_properties = d
        return note_out

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
