"""What the fuzzer runs with: identities, checks, limits, and the error-response rules."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis import AuthContext, Case, Response

ROLES = ("admin", "therapist", "supervisor", "auditor", "api_key")
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
# Hypothesis examples per operation and identity in the fuzzing phase (plus the examples and
# coverage phases, which schemathesis sizes from the schema itself).
MAX_EXAMPLES = 12
STATEFUL_SCENARIOS = 12
STATEFUL_STEPS = 8
PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "request_id"}
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.", "asyncpg.")


def fuzz_config() -> schemathesis.Config:
    """Exactly the contract checks; positive and negative data."""
    checks: dict[str, Any] = {"enabled": False}
    checks.update({name: {"enabled": True} for name in CHECKS})
    return schemathesis.Config.from_dict(
        {
            "checks": checks,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
            "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
        }
    )


def identity_auth(token: Callable[[], str]) -> type:
    """A schemathesis auth provider sending `Authorization: Bearer <token()>` on every case."""

    class BearerIdentity:
        def get(self, case: Case, ctx: AuthContext) -> str:
            return token()

        def set(self, case: Case, data: str, ctx: AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return BearerIdentity


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def echoed_inputs(case: Case) -> list[str]:
    """Long generated text values from the request body (a validation error may not echo them)."""
    body = case.body if isinstance(case.body, dict | list) else None
    # Short or hex-only values could occur in a request id or a path by chance.
    return [
        text
        for text in _strings(body)
        if len(text.strip()) >= 16 and not all(c in "0123456789abcdef-" for c in text.lower())
    ]


def assert_safe_error(response: Response, case: Case, protected: Iterable[str]) -> None:
    """A response >= 400 is problem+json, with no trace, no protected text, no echoed input."""
    if response.status_code < 400:
        return
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
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
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    operations: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def record(self, backend: str, identity: str, case: Case, response: Response) -> None:
        """Count one executed case."""
        phase = case.meta.phase.name.value if case.meta is not None else "explicit"
        self.cases[(backend, identity, phase)] += 1
        self.statuses[(backend, response.status_code)] += 1
        self.operations.setdefault((backend, identity), set()).add(case.operation.label)

    def lines(self) -> list[str]:
        """A readable summary for the terminal."""
        out = []
        for backend, identity in sorted(self.operations):
            phases = {
                phase: n for (b, i, phase), n in self.cases.items() if (b, i) == (backend, identity)
            }
            total = sum(phases.values())
            detail = ", ".join(f"{p} {n}" for p, n in sorted(phases.items()))
            ops = len(self.operations[(backend, identity)])
            out.append(f"{backend:10} {identity:10} {ops:3} operations {total:6} cases ({detail})")
        for backend in sorted({b for b, _ in self.operations}):
            total = sum(n for (b, _, _), n in self.cases.items() if b == backend)
            codes = sorted((s, n) for (b, s), n in self.statuses.items() if b == backend)
            summary = " ".join(f"{s}:{n}" for s, n in codes)
            out.append(f"{backend:10} total {total} cases; statuses {summary}")
        return out
