"""What the fuzzer runs with: identities, checks, limits, seeded ids, and the error rules."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import APIOperation, AuthContext, Case, HookContext, Response

from tests.fuzz.refusals import operation_overrides, refusals

ROLES = ("admin", "therapist", "supervisor", "auditor", "api_key")
# Every check schemathesis has (`--checks all`, ST205 included). Positive-data acceptance
# (ST202) holds because the document states every rule on the form of input; the refusals
# that depend on state (an id naming a therapist of the practice, a date not in the future, a
# cursor this list issued) are documented statuses it accepts per operation, and only with
# the messages listed in tests/fuzz/refusals.py.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
)
# A request without a required If-Match is 428 (SPEC §4), a precondition rather than bad data.
_PRECONDITIONS = ["428"]
# Budget: every request commits an audit event, 10-25 ms in process. Random cases per operation
# and identity in the fuzzing phase; the examples phase adds the schema's own examples.
MAX_EXAMPLES = 10
# The coverage phase (boundary and type-violating values of every parameter, ~45 cases per
# operation, sized by schemathesis) runs once per backend, as the identity that reaches the most
# operations; input validation runs before any role check anyway.
COVERAGE_IDENTITIES = frozenset({"therapist"})
STATEFUL_SCENARIOS = 10
STATEFUL_STEPS = 8
# Sequences stay within what an identity may use at all (SPEC §2); the stateless phase above
# still sends every identity to every operation, where the 403s are the point.
_CLINICAL = ["clients", "episodes", "sessions", "notes", "observations", "measures", "progress"]
STATEFUL_TAGS = {
    "admin": ["users", "api-keys", "clients", "sessions", "themes"],
    "therapist": [*_CLINICAL, "themes"],
    "supervisor": [*_CLINICAL, "themes"],
    "auditor": ["audit"],
    "api_key": [*_CLINICAL, "audit"],
}


def stateful_operations(identity: str) -> Callable[[Any], bool]:
    """Operations in the identity's sequences: its tags, and GET /v1/me (links to its caseload)."""
    tags = set(STATEFUL_TAGS[identity])

    def included(ctx: Any) -> bool:
        operation = ctx.operation
        return operation.path == "/v1/me" or bool(tags & set(operation.tags or ()))

    return included


PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "request_id"}
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.", "asyncpg.")
# A case of any OpenAPI operation.
AnyCase = Case[APIOperation[Any, Any, Any, Any]]
_ITEM_PATH = re.compile(r"^(?P<base>/v1/[^{}]*?)/\{(?P<param>[^/{}]+)\}(?:/.*)?$")


def fuzz_config(identity: str, document: Mapping[str, Any]) -> schemathesis.Config:
    """Exactly the contract checks; positive and negative data."""
    checks: dict[str, Any] = {"enabled": False}
    checks.update({name: {"enabled": True} for name in CHECKS})
    checks["missing_required_header"]["expected-statuses"] = [
        *("400", "401", "403", "406", "415", "422"),
        *_PRECONDITIONS,
    ]
    return schemathesis.Config.from_dict(
        {
            "checks": checks,
            "operations": operation_overrides(refusals(document)),
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
            "phases": {
                # Every method a path does not declare, OPTIONS included: 405 with its Allow.
                "coverage": {
                    "enabled": identity in COVERAGE_IDENTITIES,
                    "unexpected-methods": ["DELETE", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"],
                },
                # Sequences build on what they created, so they send valid data only.
                "stateful": {"max-steps": STATEFUL_STEPS, "generation": {"mode": "positive"}},
            },
        }
    )


def identity_auth(token: Callable[[], str]) -> type:
    """A schemathesis auth provider sending `Authorization: Bearer <token()>` on every case."""

    class BearerIdentity:
        def get(self, case: AnyCase, ctx: AuthContext) -> str:
            return token()

        def set(self, case: AnyCase, data: str, ctx: AuthContext) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    return BearerIdentity


def seeded_path_parameters(records: Mapping[str, str]) -> Callable[..., Any]:
    """A hook that sometimes swaps a generated (valid) id for one of the practice's records.

    Random UUIDs only ever reach 404; the seeded ones reach the operations' real behaviour
    (and give the stateful phase resources to build on). Invalid ids are left alone, so a
    negative case stays negative.
    """

    def flatmap_path_parameters(
        context: HookContext, path_parameters: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        operation = context.operation
        match = _ITEM_PATH.match(operation.path) if operation is not None else None
        if match is None or not path_parameters or match["base"] not in records:
            return st.just(path_parameters)
        try:
            uuid.UUID(str(path_parameters.get(match["param"])))
        except ValueError:
            return st.just(path_parameters)
        seeded = {**path_parameters, match["param"]: records[match["base"]]}
        return st.sampled_from([path_parameters, seeded])

    return flatmap_path_parameters


def fresh_idempotency_keys() -> Callable[..., Any]:
    """A hook giving every case a fresh valid Idempotency-Key, as a conforming client does.

    Generated keys repeat ("", "0", "a"; even Hypothesis' uuids, e3e70682… first), and a key
    reused with another body is rightly 422, which the positive-data check would count against
    the API. So the key is made when the case is drawn, outside Hypothesis' choices (a replayed
    case gets a new one). Every key the document admits (a string of up to 255 characters,
    the empty one and control characters included) is replaced; longer ones stay as they are.
    """

    def flatmap_headers(
        context: HookContext, headers: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        name = next((k for k in headers or {} if k.lower() == "idempotency-key"), None)
        value = (headers or {}).get(name) if name else None
        if headers is None or name is None or not isinstance(value, str) or len(value) > 255:
            return st.just(headers)
        return st.just(headers).map(lambda drawn: {**drawn, name: uuid.uuid4().hex})

    return flatmap_headers


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def echoed_inputs(case: AnyCase) -> list[str]:
    """Long generated text values from the request body (an error may not echo them)."""
    body = case.body if isinstance(case.body, dict | list) else None
    # Short or hex-only values could occur in a request id or a path by chance.
    return [
        text
        for text in _strings(body)
        if len(text.strip()) >= 16 and not all(c in "0123456789abcdef-" for c in text.lower())
    ]


def assert_sound_response(response: Response, case: AnyCase, protected: Iterable[str]) -> None:
    """201 names what it created; >= 400 is problem+json without traces, secrets or echoes."""
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
    if response.status_code == 201:
        # Its form is checked against the documented template by response_headers_conformance.
        assert "location" in response.headers, f"{where} without Location"
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == "application/problem+json", where
    body = json.loads(response.content)
    assert PROBLEM_FIELDS <= set(body), where
    assert body["status"] == response.status_code, where
    text = response.content.decode("utf-8", "replace")
    for marker in TRACE_MARKERS:
        assert marker not in text, where
    for secret in (*protected, *echoed_inputs(case)):
        assert secret not in text, f"{where} holds request or protected text"


@dataclass
class FuzzStats:
    """Generated cases and observed statuses per (backend, identity, phase)."""

    cases: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    successes: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    operations: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def record(self, backend: str, identity: str, case: AnyCase, response: Response) -> None:
        """Count one executed case."""
        phase = case.meta.phase.name.value if case.meta is not None else "explicit"
        self.cases[(backend, identity, phase)] += 1
        if response.status_code < 300:
            self.successes[(backend, identity, phase)] += 1
        self.statuses[(backend, response.status_code)] += 1
        self.operations.setdefault((backend, identity), set()).add(case.operation.label)

    def lines(self) -> list[str]:
        """A readable summary for the terminal."""
        out = []
        for backend, identity in sorted(self.operations):
            phases = {
                phase: n for (b, i, phase), n in self.cases.items() if (b, i) == (backend, identity)
            }
            detail = ", ".join(
                f"{phase} {n} ({self.successes[(backend, identity, phase)]} 2xx)"
                for phase, n in sorted(phases.items())
            )
            ops = len(self.operations[(backend, identity)])
            total = sum(phases.values())
            out.append(f"{backend:10} {identity:10} {ops:3} operations {total:6} cases: {detail}")
        for backend in sorted({b for b, _ in self.operations}):
            total = sum(n for (b, _, _), n in self.cases.items() if b == backend)
            codes = sorted((s, n) for (b, s), n in self.statuses.items() if b == backend)
            summary = " ".join(f"{s}:{n}" for s, n in codes)
            out.append(f"{backend:10} total {total} cases; statuses {summary}")
        return out
