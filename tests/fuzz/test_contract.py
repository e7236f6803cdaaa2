"""Fuzzing from the OpenAPI contract: every operation, every identity, both backends."""

from __future__ import annotations

import hypothesis
import schemathesis
from schemathesis import Case, Response

from tests.fuzz.conftest import FuzzPractice
from tests.fuzz.contract import STATEFUL_SCENARIOS, STATEFUL_STEPS, FuzzStats, assert_safe_error

schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_operation_conforms(
    case: Case, backend: str, identity: str, fuzz_practice: FuzzPractice, fuzz_stats: FuzzStats
) -> None:
    """Generated requests, valid and invalid, get documented, well-formed answers."""
    import time
    t = time.perf_counter()
    response = case.call()
    el = time.perf_counter() - t
    if el > 0.1:
        print("SLOW", identity, case.operation.label, response.status_code, round(el, 2))
    fuzz_stats.record(backend, identity, case, response)
    assert_safe_error(response, case, fuzz_practice.protected)
    case.validate_response(response)


def test_stateful_sequences_conform(
    fuzz_schema: schemathesis.BaseSchema,
    backend: str,
    identity: str,
    fuzz_practice: FuzzPractice,
    fuzz_stats: FuzzStats,
) -> None:
    """Sequences that create, read, change and delete follow the contract too."""

    class Workflow(fuzz_schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Response, case: Case) -> None:
            super().after_call(response, case)
            fuzz_stats.record(backend, identity, case, response)
            assert_safe_error(response, case, fuzz_practice.protected)

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
    )
