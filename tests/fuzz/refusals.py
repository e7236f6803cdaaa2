"""Refusals of schema-valid input that depend on state, and how the fuzzer tells them apart.

Positive-data acceptance (ST202) sends input the document says is valid and fails on any
4xx it does not expect (by default it expects 401, 403, 404, 409 and 429). Every rule on the
*form* of input is stated in the document (patterns, lengths, conditional schemas: docs/adr/
0009-contract-openapi-document.md, "Rules on input"), so a form-based refusal of such input
is a defect. What no document can state are rules on *state*: whether an id names an active
therapist of the practice, whether a date lies in the future today, whether a password is the
caller's. The service answers those with documented statuses (400, 412, 422), which an
operation here adds to ST202's expected statuses; `assert_refusal_documented` then accepts
such an answer to positive input only when every message in it is one of the operation's
refusals below, so a 422 for the form of positive input still fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.pagination import INVALID_CURSOR

if TYPE_CHECKING:
    from schemathesis import Response

    from tests.fuzz.contract import AnyCase

# ST202's own expected statuses (schemathesis' default for positive_data_acceptance).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@dataclass(frozen=True)
class Refusal:
    """One documented answer to valid-looking input, and why its form cannot decide it."""

    status: int
    message: str  # matched in full against the problem's detail, or each field error's msg
    why: str


# Why the document cannot say it.
_TODAY = "relative to today (the caller's time zone at most 14 h ahead)"
_PRACTICE = "the id must name a record of the practice, in the right state"
_CALLER = "depends on the caller's role"
_HISTORY = "depends on the record's history"
_STORED = "depends on the stored record, which a PATCH body does not repeat"
_LOG = "depends on the audit log's size now"
_POLICY = (
    "the password policy (SPEC §3): 20,000 common passwords, repetitions, keyboard runs; "
    "the document states its length, and the rest in words"
)
_PARAMETERS = "relates two query parameters, which OpenAPI cannot"

_PASSWORD_POLICY = Refusal(
    422,
    r"Value error, password (is a commonly used password|is too predictable \(repeated "
    r"characters or a simple sequence\)|must not be only whitespace)",
    _POLICY,
)
_CLINICIAN = (
    r"(primary_therapist_id|therapist_id|care team member) must name an active therapist or "
    r"supervisor of this practice"
)

# By operation (schemathesis' label). Found by the fuzzer and checked against the code.
REFUSALS: dict[str, tuple[Refusal, ...]] = {
    "POST /v1/auth/password-reset": (_PASSWORD_POLICY,),
    "POST /v1/me/password": (
        Refusal(422, r"Current password is wrong", "the caller's password is state"),
        _PASSWORD_POLICY,
    ),
    "POST /v1/api-keys": (Refusal(422, r"expires_at must lie in the future", _TODAY),),
    "POST /v1/users": (
        Refusal(
            422,
            r"supervisor_id (is not a user of this practice|must name an active supervisor)",
            _PRACTICE,
        ),
    ),
    "PATCH /v1/users/{id}": (
        Refusal(
            422,
            r"supervisor_id (is not a user of this practice|must name an active supervisor)"
            r"|A user cannot supervise themselves",
            _PRACTICE,
        ),
        Refusal(422, r"requires_cosign needs a supervisor_id", _STORED),
    ),
    "POST /v1/clients": (
        Refusal(422, r"primary_therapist_id is required", _CALLER),
        Refusal(
            422,
            r"A clinician creating a client becomes its primary therapist; "
            r"add colleagues through care_team",
            _CALLER,
        ),
        Refusal(422, _CLINICIAN, _PRACTICE),
        Refusal(422, r"Value error, date_of_birth cannot lie in the future", _TODAY),
    ),
    "PUT /v1/clients/{id}/care-team": (Refusal(422, _CLINICIAN, _PRACTICE),),
    "PATCH /v1/clients/{id}": (
        Refusal(422, _CLINICIAN, _PRACTICE),
        Refusal(422, r"Value error, date_of_birth cannot lie in the future", _TODAY),
    ),
    "POST /v1/clients/{id}/episodes": (
        Refusal(422, r"started_on cannot lie in the future", _TODAY),
        Refusal(
            422, r"started_on cannot lie before the end of the client's last episode", _HISTORY
        ),
        Refusal(422, _CLINICIAN, _PRACTICE),
    ),
    "PATCH /v1/episodes/{id}": (Refusal(422, _CLINICIAN, _PRACTICE),),
    "POST /v1/episodes/{id}/phase-transitions": (
        Refusal(422, r"effective_on cannot lie in the future", _TODAY),
        Refusal(
            422,
            r"The episode is already in the \w+ phase"
            r"|Skipping a phase or moving back needs a rationale"
            r"|effective_on cannot lie before "
            r"(the episode's start|the last transition's effective_on)",
            _HISTORY,
        ),
    ),
    "POST /v1/episodes/{id}/close": (
        Refusal(422, r"ended_on cannot lie in the future", _TODAY),
        Refusal(
            422,
            r"ended_on cannot lie before (the episode's start|the last phase transition"
            r"|the episode's last session)",
            _HISTORY,
        ),
    ),
    "PATCH /v1/notes/{id}": (
        Refusal(
            422,
            r"psychotherapy notes are free text only \(no interventions, risk, plan\)"
            r"|share_with_supervisor applies to psychotherapy notes only",
            _STORED,
        ),
    ),
    "POST /v1/sessions": (
        Refusal(
            422,
            r"episode_id does not name an episode of this client",
            _PRACTICE,
        ),
        Refusal(422, r"The session's date lies before its episode started", _HISTORY),
        Refusal(422, _CLINICIAN, _PRACTICE),
    ),
    "PATCH /v1/sessions/{id}": (
        Refusal(422, r"The session's date lies before its episode started", _HISTORY),
        Refusal(422, _CLINICIAN, _PRACTICE),
    ),
    "POST /v1/sessions/{id}/observations": (
        Refusal(
            422,
            r"theme_code: (no such theme in this practice's catalog|this theme is deactivated)",
            _PRACTICE,
        ),
    ),
    "POST /v1/clients/{id}/measures": (
        Refusal(422, r"administered_on cannot lie in the future", _TODAY),
        Refusal(422, r"session_id: no such session of this client", _PRACTICE),
    ),
    "POST /v1/webhook-endpoints": (
        Refusal(422, r"event_types names types this caller may not read", _CALLER),
    ),
    "PATCH /v1/webhook-endpoints/{id}": (
        Refusal(422, r"event_types names types this caller may not read", _CALLER),
    ),
    "GET /v1/audit/events/{id}/proof": (
        Refusal(
            422,
            r"tree_size is larger than the log|tree_size must be larger than the event's seq",
            _LOG,
        ),
    ),
    "GET /v1/audit/consistency": (
        Refusal(422, r"second is larger than the log", _LOG),
        Refusal(422, r"first must not exceed second", _PARAMETERS),
    ),
}
# Derived from the document: every list takes back only the cursors it issued to this caller
# (their shape is stated, their signature cannot be), and an If-Match holds a version that may
# be stale.
_CURSOR = Refusal(
    400, re.escape(INVALID_CURSOR), "only a cursor this list issued to this caller is one"
)
_STALE = Refusal(
    412,
    r"The resource changed since it was read \(stale ETag\)",
    "whether If-Match names the current version is state",
)


def _parameters(operation: Mapping[str, Any], document: Mapping[str, Any]) -> set[str]:
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        names.add(parameter["name"])
    return names


def refusals(document: Mapping[str, Any]) -> dict[str, tuple[Refusal, ...]]:
    """Each operation's state-dependent refusals: the table above and the derived ones."""
    out: dict[str, tuple[Refusal, ...]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            found = list(REFUSALS.get(label, ()))
            if "cursor" in _parameters(operation, document):
                found.append(_CURSOR)
            if "412" in operation.get("responses", {}):
                found.append(_STALE)
            if found:
                out[label] = tuple(found)
    unknown = set(REFUSALS) - set(out)
    assert not unknown, f"refusals for operations the document lacks: {unknown}"
    return out


def operation_overrides(table: Mapping[str, tuple[Refusal, ...]]) -> list[dict[str, Any]]:
    """Schemathesis `operations` entries adding each operation's refusal statuses to ST202's."""
    by_statuses: dict[tuple[int, ...], list[str]] = {}
    for label, found in sorted(table.items()):
        statuses = tuple(sorted({refusal.status for refusal in found}))
        by_statuses.setdefault(statuses, []).append(label)
    return [
        {
            "include-name": labels,
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [*ACCEPTED, *(str(status) for status in statuses)]
                }
            },
        }
        for statuses, labels in by_statuses.items()
    ]


def _messages(response: Response) -> list[str]:
    body = json.loads(response.content)
    errors = body.get("errors") or []
    return [str(error.get("msg")) for error in errors] or [str(body.get("detail"))]


def assert_refusal_documented(
    response: Response, case: AnyCase, table: Mapping[str, tuple[Refusal, ...]]
) -> None:
    """A refusal status on schema-valid input must be one of the operation's state refusals."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    found = [r for r in table.get(case.operation.label, ()) if r.status == response.status_code]
    if not found:
        return  # ST202 judges every other status
    unexplained = [
        message
        for message in _messages(response)
        if not any(re.fullmatch(refusal.message, message) for refusal in found)
    ]
    assert not unexplained, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: schema-valid input "
        f"refused for its form, a rule the document must state: {unexplained}"
    )
