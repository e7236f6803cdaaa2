"""An access-log event as a FHIR R4 AuditEvent resource (validates as R4 and R4B)."""

from __future__ import annotations

import json
from typing import Any, Final

_EXT: Final = "https://session-notes.example/fhir/StructureDefinition/audit-"
_REST: Final = "http://hl7.org/fhir/restful-interaction"
_ACT_REASON: Final = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
_ROLE_TYPE: Final = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
_ENTITY_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
_OBJECT_ROLE: Final = "http://terminology.hl7.org/CodeSystem/object-role"
_ACTION_SYSTEM: Final = "https://session-notes.example/fhir/CodeSystem/audit-action"
_METHOD_ACTION: Final = {"GET": "R", "HEAD": "R", "PUT": "U", "PATCH": "U", "DELETE": "D"}


def outcome_code(outcome: str, http_status: int) -> str:
    """FHIR AuditEvent.outcome: 0 success, 4 minor, 8 serious, 12 major failure."""
    if outcome == "success":
        return "0"
    if http_status == 503:
        return "12"  # the service refused to work (e.g. the access log was unavailable)
    if http_status >= 500:
        return "8"
    return "4"


def _interaction(event: dict[str, Any]) -> str:
    action, method = str(event["action"]), str(event["method"])
    if method == "GET":
        return "search-type" if action.endswith((".list", ".search")) else "read"
    if method == "POST":
        return "create" if action.endswith(".create") else "operation"
    return {"PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, "operation")


def _action_code(event: dict[str, Any]) -> str:
    method = str(event["method"])
    if method == "POST":
        return "C" if str(event["action"]).endswith(".create") else "E"
    return _METHOD_ACTION.get(method, "E")


def _purpose(code: str | None) -> list[dict[str, Any]]:
    return [] if not code else [{"coding": [{"system": _ACT_REASON, "code": code}]}]


def _agent(event: dict[str, Any]) -> dict[str, Any]:
    actor = event["actor"]
    agent: dict[str, Any] = {"requestor": True}
    if actor["type"] == "user":
        agent["type"] = {
            "coding": [{"system": _ROLE_TYPE, "code": "humanuser", "display": "human user"}]
        }
    elif actor["type"] == "api_key":
        agent["type"] = {
            "coding": [{"system": _ROLE_TYPE, "code": "dataprocessor", "display": "data processor"}]
        }
    if actor["id"]:
        agent["who"] = {
            "identifier": {"system": f"urn:session-notes:{actor['type']}", "value": actor["id"]}
        }
    else:
        agent["name"] = actor["type"]  # anonymous, or the operator of the command line
    if actor["role"]:
        agent["role"] = [{"text": actor["role"]}]
    if event["source_ip"]:
        agent["network"] = {"address": event["source_ip"], "type": "2"}
    purpose = _purpose(event["purpose_of_use"])
    if purpose:
        agent["purposeOfUse"] = purpose
    return agent


def _entities(event: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "what": {"reference": f"Patient/{client_id}"},
            "type": {"system": _ENTITY_TYPE, "code": "1", "display": "Person"},
            "role": {"system": _OBJECT_ROLE, "code": "1", "display": "Patient"},
        }
        for client_id in event["client_ids"]
    ]
    resource = event["resource"]
    if resource["type"]:
        entity: dict[str, Any] = {
            "type": {"system": _ENTITY_TYPE, "code": "2", "display": "System Object"},
            "name": resource["type"],
        }
        if resource["id"]:
            entity["what"] = {
                "identifier": {
                    "system": f"urn:session-notes:{resource['type']}",
                    "value": resource["id"],
                }
            }
        out.append(entity)
    return out


def _details(details: Any) -> str | None:
    return None if details is None else json.dumps(details, separators=(",", ":"), sort_keys=True)


def _extensions(event: dict[str, Any]) -> list[dict[str, Any]]:
    values: list[tuple[str, str, Any]] = [
        ("request-id", "valueString", event["request_id"]),
        ("http-status", "valueInteger", event["http_status"]),
        ("route", "valueString", event["route"]),
        ("break-glass-reason", "valueString", event["break_glass_reason"]),
        ("practice-id", "valueString", event["practice_id"]),
        ("seq", "valueInteger", event["seq"]),
        ("leaf-hash", "valueString", event["leaf_hash"]),
        ("details", "valueString", _details(event.get("details"))),
    ]
    return [
        {"url": _EXT + name, kind: value}
        for name, kind, value in values
        if value is not None and value != ""
    ]


def audit_event_resource(event: dict[str, Any], *, observer: str) -> dict[str, Any]:
    """The FHIR R4 AuditEvent for an event object of ``events.event_json``."""
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": event["id"],
        "extension": _extensions(event),
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [
            {"system": _REST, "code": _interaction(event)},
            {"system": _ACTION_SYSTEM, "code": event["action"]},
        ],
        "action": _action_code(event),
        "recorded": event["occurred_at"],
        "outcome": outcome_code(str(event["outcome"]), int(event["http_status"])),
        "outcomeDesc": f"{event['outcome']} (HTTP {event['http_status']})",
        "agent": [_agent(event)],
        "source": {
            "observer": {"display": observer},
            "type": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                    "code": "4",
                    "display": "Application Server",
                }
            ],
        },
    }
    purpose = _purpose(event["purpose_of_use"])
    if purpose:
        resource["purposeOfEvent"] = purpose
    entities = _entities(event)
    if entities:
        resource["entity"] = entities
    return resource
