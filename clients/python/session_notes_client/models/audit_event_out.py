from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outcome import Outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.audit_event_out_details_type_0 import AuditEventOutDetailsType0
    from ..models.resource import Resource


T = TypeVar("T", bound="AuditEventOut")


@_attrs_define
class AuditEventOut:
    """One access-log event, exactly as hashed into its leaf (plus seq and leaf_hash).

    Example:
        {'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21', 'occurred_at': '2026-11-21T19:30:00.123456Z', 'practice_id':
            '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00', 'request_id': '4f6c1d0e9b2a4c57a1e3f5d7c9b1a3e5', 'actor': {'type':
            'user', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d22', 'role': 'therapist'}, 'action': 'note.read', 'resource':
            {'type': 'note', 'id': '0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d23'}, 'client_ids':
            ['0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d24'], 'outcome': 'success', 'http_status': 200, 'purpose_of_use': 'TREAT',
            'break_glass_reason': None, 'source_ip': '203.0.113.7', 'user_agent': 'PracticeFrontend/3.2', 'method': 'GET',
            'route': '/v1/notes/{id}', 'seq': 41, 'leaf_hash':
            '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'}

    Attributes:
        id (str): Event id (UUIDv7).
        occurred_at (str): RFC 3339 UTC with microseconds.
        practice_id (None | str):
        request_id (str):
        actor (Actor): Who acted: a user, an API key, or nobody authenticated.
        action (str):
        resource (Resource): What the request aimed at.
        client_ids (list[str]):
        outcome (Outcome):
        http_status (int):
        purpose_of_use (None | str):
        break_glass_reason (None | str):
        source_ip (None | str):
        user_agent (None | str):
        method (str):
        route (None | str):
        seq (int | None): Position in the log; null until sequenced.
        leaf_hash (None | str): Hex SHA-256(0x00 ‖ RFC 8785 JSON of the rest).
        details (AuditEventOutDetailsType0 | None | Unset): Ids a change added or removed (e.g. care-team members), a
            review's id, decision and comment SHA-256, or `idempotent_replay` on a replay's event; only on events that have
            them, and then part of the hashed object.
    """

    id: str
    occurred_at: str
    practice_id: None | str
    request_id: str
    actor: Actor
    action: str
    resource: Resource
    client_ids: list[str]
    outcome: Outcome
    http_status: int
    purpose_of_use: None | str
    break_glass_reason: None | str
    source_ip: None | str
    user_agent: None | str
    method: str
    route: None | str
    seq: int | None
    leaf_hash: None | str
    details: AuditEventOutDetailsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_event_out_details_type_0 import AuditEventOutDetailsType0  # noqa: PLC0415

        id = self.id

        occurred_at = self.occurred_at

        practice_id: None | str
        practice_id = self.practice_id

        request_id = self.request_id

        actor = self.actor.to_dict()

        action = self.action

        resource = self.resource.to_dict()

        client_ids = self.client_ids

        outcome = self.outcome.value

        http_status = self.http_status

        purpose_of_use: None | str
        purpose_of_use = self.purpose_of_use

        break_glass_reason: None | str
        break_glass_reason = self.break_glass_reason

        source_ip: None | str
        source_ip = self.source_ip

        user_agent: None | str
        user_agent = self.user_agent

        method = self.method

        route: None | str
        route = self.route

        seq: int | None
        seq = self.seq

        leaf_hash: None | str
        leaf_hash = self.leaf_hash

        details: dict[str, Any] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, AuditEventOutDetailsType0):
            details = self.details.to_dict()
        else:
            details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "occurred_at": occurred_at,
                "practice_id": practice_id,
                "request_id": request_id,
                "actor": actor,
                "action": action,
                "resource": resource,
                "client_ids": client_ids,
                "outcome": outcome,
                "http_status": http_status,
                "purpose_of_use": purpose_of_use,
                "break_glass_reason": break_glass_reason,
                "source_ip": source_ip,
                "user_agent": user_agent,
                "method": method,
                "route": route,
                "seq": seq,
                "leaf_hash": leaf_hash,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor  # noqa: PLC0415
        from ..models.audit_event_out_details_type_0 import AuditEventOutDetailsType0  # noqa: PLC0415
        from ..models.resource import Resource  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        occurred_at = d.pop("occurred_at")

        def _parse_practice_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        practice_id = _parse_practice_id(d.pop("practice_id"))

        request_id = d.pop("request_id")

        actor = Actor.from_dict(d.pop("actor"))

        action = d.pop("action")

        resource = Resource.from_dict(d.pop("resource"))

        client_ids = cast(list[str], d.pop("client_ids"))

        outcome = Outcome(d.pop("outcome"))

        http_status = d.pop("http_status")

        def _parse_purpose_of_use(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        purpose_of_use = _parse_purpose_of_use(d.pop("purpose_of_use"))

        def _parse_break_glass_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        break_glass_reason = _parse_break_glass_reason(d.pop("break_glass_reason"))

        def _parse_source_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_ip = _parse_source_ip(d.pop("source_ip"))

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("user_agent"))

        method = d.pop("method")

        def _parse_route(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        route = _parse_route(d.pop("route"))

        def _parse_seq(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seq = _parse_seq(d.pop("seq"))

        def _parse_leaf_hash(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        leaf_hash = _parse_leaf_hash(d.pop("leaf_hash"))

        def _parse_details(data: object) -> AuditEventOutDetailsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = AuditEventOutDetailsType0.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEventOutDetailsType0 | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        audit_event_out = cls(
            id=id,
            occurred_at=occurred_at,
            practice_id=practice_id,
            request_id=request_id,
            actor=actor,
            action=action,
            resource=resource,
            client_ids=client_ids,
            outcome=outcome,
            http_status=http_status,
            purpose_of_use=purpose_of_use,
            break_glass_reason=break_glass_reason,
            source_ip=source_ip,
            user_agent=user_agent,
            method=method,
            route=route,
            seq=seq,
            leaf_hash=leaf_hash,
            details=details,
        )

        audit_event_out.additional_properties = d
        return audit_event_out

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
