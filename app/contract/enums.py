"""Named enums: one component per set of values, instead of an inline copy in every schema.

Python `Literal` aliases lose their names in JSON Schema, so each generated client would
get one enum class per place it appears (`ClientUpdateStatusType0`). Each set of values
is named here once; the test of the document fails on a set without a name.
"""

from __future__ import annotations

from typing import Any

_SCHEMAS = "#/components/schemas/"
NAMES = {
    "ApiKeyScope": {"clients:read", "sessions:read", "notes:read", "audit:read"},
    "BreakGlassStatus": {"pending", "reviewed"},
    "ClientStatus": {"active", "discharged", "archived"},
    "CloseReason": {"completed", "client_withdrew", "referred", "other"},
    "Phase": {"initial", "exploration", "working_through", "termination"},
    "EpisodeStatus": {"open", "closed"},
    "Instrument": {"phq9", "gad7", "wai_sr"},
    "Intervention": {"clarification", "interpretation", "supportive", "psychoeducation"},
    "NoteKind": {"progress", "psychotherapy"},
    "NoteStatus": {"draft", "pending_cosign", "signed"},
    "Valence": {"positive", "negative"},
    "ReviewDecision": {"justified", "unjustified", "needs_follow_up"},
    "RiskLevel": {"none", "low", "moderate", "high", "imminent"},
    "Modality": {"in_person", "video", "phone"},
    "SessionStatus": {"scheduled", "attended", "cancelled", "no_show"},
    "Severity": {"minimal", "mild", "moderately_severe", "severe"},
    "ThemeCategory": {"defense", "transference", "dream", "somatic"},
    "Role": {"admin", "therapist", "supervisor", "auditor"},
    "Outcome": {"success", "denied", "not_found", "error"},
    "ExportFormat": {"ndjson", "csv", "fhir"},
    "PurposeOfUse": {"TREAT", "HOPERAT", "HCOMPL"},
    "ApiKeyStatus": {"pending_approval", "active", "expired", "revoked"},
    "ApiKeyKind": {"audit", "clinical", "operational"},
    "ClientOrder": {"created_at", "updated_at"},
    "SessionOrder": {"starts_at", "updated_at"},
    "SubscribableEventType": {"api_key.*", "session.created", "note.signed"},
}


def enum_name(values: list[Any]) -> str | None:
    """The name of a set of values: the one entry whose marker values it holds, if any."""
    found = [name for name, marker in NAMES.items() if marker <= set(values)]
    return found[0] if len(found) == 1 else None


def _hoist(node: Any, named: dict[str, dict[str, Any]]) -> Any:
    if isinstance(node, list):
        return [_hoist(value, named) for value in node]
    if not isinstance(node, dict):
        return node
    values = node.get("enum")
    if node.get("type") == "string" and isinstance(values, list) and len(values) > 1:
        name = enum_name(values)
        if name is not None and named.setdefault(name, {"type": "string", "enum": values}) == {
            "type": "string",
            "enum": values,
        }:
            rest = {k: v for k, v in node.items() if k not in {"type", "enum", "title"}}
            return {"$ref": _SCHEMAS + name, **rest}
    return {key: _hoist(value, named) for key, value in node.items()}


def name_enums(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace every inline string enum that has a name by a reference to its component."""
    named: dict[str, dict[str, Any]] = {}
    hoisted: dict[str, Any] = _hoist(schema, named)
    components = hoisted.setdefault("components", {}).setdefault("schemas", {})
    for name, body in named.items():
        if name in components:
            raise ValueError(f"an enum and a schema are both named {name}")
        components[name] = {"title": name, **body}
    hoisted["components"]["schemas"] = dict(sorted(components.items()))
    return hoisted
