"""Scoring tables for PHQ-9, GAD-7 and WAI-SR, boundaries and invalid input (SPEC §1.4)."""

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.measures.scoring import (
    INSTRUMENT_CODES,
    INSTRUMENTS,
    SEVERITY_ORDER,
    Score,
    ScoringError,
    score,
)

# Every expected value below was worked out by hand from the item list beside it.

PHQ9_TABLE = [
    # items                          total  severity              risk (item 9 > 0)
    ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal", False),
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal", False),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild", False),
    ([2, 1, 1, 1, 1, 1, 1, 1, 0], 9, "mild", False),
    ([2, 2, 1, 1, 1, 1, 1, 1, 0], 10, "moderate", False),
    ([2, 2, 2, 2, 2, 1, 1, 1, 1], 14, "moderate", True),
    ([2, 2, 2, 2, 2, 2, 1, 1, 1], 15, "moderately_severe", True),
    ([3, 3, 3, 2, 2, 2, 2, 2, 0], 19, "moderately_severe", False),
    ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "severe", False),
    ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe", True),
]

GAD7_TABLE = [
    ([0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
    ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),
    ([2, 2, 2, 1, 1, 1, 0], 9, "mild"),
    ([2, 2, 2, 1, 1, 1, 1], 10, "moderate"),
    ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
    ([3, 2, 2, 2, 2, 2, 2], 15, "severe"),
    ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),
]

# task = items 1, 2, 10, 12; bond = 3, 5, 7, 9; goal = 4, 6, 8, 11; total = mean of all 12.
WAI_SR_TABLE = [
    # items                                     task  bond  goal  total
    ([1] * 12, 1.0, 1.0, 1.0, 1.0),
    ([5] * 12, 5.0, 5.0, 5.0, 5.0),
    ([5, 5, 3, 1, 3, 1, 3, 1, 3, 5, 1, 5], 5.0, 3.0, 1.0, 3.0),
    ([1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5], 3.25, 4.5, 4.75, 4.17),  # 50 / 12 = 4.1666…
    ([3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4], 3.75, 3.0, 3.75, 3.5),  # 42 / 12
    ([2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1.25, 1.0, 1.0, 1.08),  # 13 / 12 = 1.0833…
    ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2], 1.25, 1.0, 1.25, 1.17),  # 14 / 12 = 1.1666…
]


@pytest.mark.parametrize(("items", "total", "severity", "risk_flag"), PHQ9_TABLE)
def test_phq9_scoring_table(items: list[int], total: int, severity: str, risk_flag: bool) -> None:
    assert score("phq9", items) == Score(
        total=total, subscales={}, severity=severity, risk_flag=risk_flag
    )


@pytest.mark.parametrize(
    ("items", "risk_flag"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], True),
        ([0, 0, 0, 0, 0, 0, 0, 0, 3], True),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], False),
        ([0, 0, 0, 0, 0, 0, 0, 1, 0], False),
    ],
)
def test_phq9_risk_flag_follows_item_9_only(items: list[int], risk_flag: bool) -> None:
    assert score("phq9", items).risk_flag is risk_flag


@pytest.mark.parametrize(("items", "total", "severity"), GAD7_TABLE)
def test_gad7_scoring_table(items: list[int], total: int, severity: str) -> None:
    assert score("gad7", items) == Score(
        total=total, subscales={}, severity=severity, risk_flag=False
    )


@pytest.mark.parametrize(("items", "task", "bond", "goal", "total"), WAI_SR_TABLE)
def test_wai_sr_scoring_table(
    items: list[int], task: float, bond: float, goal: float, total: float
) -> None:
    assert score("wai_sr", items) == Score(
        total=total,
        subscales={"task": task, "bond": bond, "goal": goal},
        severity=None,
        risk_flag=False,
    )


def test_sum_scores_are_ints_and_wai_sr_scores_are_floats() -> None:
    assert type(score("phq9", [1] * 9).total) is int
    assert type(score("gad7", [1] * 7).total) is int
    result = score("wai_sr", [3] * 12)
    assert type(result.total) is float
    assert all(type(value) is float for value in result.subscales.values())


def test_score_accepts_any_sequence() -> None:
    assert score("gad7", (1, 1, 1, 1, 1, 0, 0)).total == 5


@pytest.mark.parametrize(
    ("instrument", "items", "expected_count"),
    [
        ("phq9", [0] * 8, 9),
        ("phq9", [0] * 10, 9),
        ("phq9", [], 9),
        ("gad7", [0] * 6, 7),
        ("gad7", [0] * 8, 7),
        ("wai_sr", [3] * 11, 12),
        ("wai_sr", [3] * 13, 12),
    ],
)
def test_wrong_item_count_is_rejected(
    instrument: str, items: list[int], expected_count: int
) -> None:
    with pytest.raises(ScoringError, match=rf"^items: expected exactly {expected_count} ") as err:
        score(instrument, items)
    assert err.value.field == "items"
    assert err.value.item is None


@pytest.mark.parametrize(
    ("instrument", "items", "bad_item", "expected_range"),
    [
        ("phq9", [0, 0, -1, 0, 0, 0, 0, 0, 0], 3, "0 to 3"),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4], 9, "0 to 3"),
        ("gad7", [-1, 0, 0, 0, 0, 0, 0], 1, "0 to 3"),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], 7, "0 to 3"),
        ("wai_sr", [3, 3, 3, 3, 0, 3, 3, 3, 3, 3, 3, 3], 5, "1 to 5"),
        ("wai_sr", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 6], 12, "1 to 5"),
    ],
)
def test_out_of_range_value_is_rejected(
    instrument: str, items: list[int], bad_item: int, expected_range: str
) -> None:
    with pytest.raises(ScoringError) as err:
        score(instrument, items)
    assert str(err.value).startswith(f"item {bad_item}: expected an integer from {expected_range}")
    assert err.value.field == "items"
    assert err.value.item == bad_item


@pytest.mark.parametrize("bad_value", [True, False, 1.5, 1.0, "1", None, b"1"])
def test_non_integer_value_is_rejected(bad_value: Any) -> None:
    items: list[Any] = [1, 1, bad_value, 1, 1, 1, 1]
    with pytest.raises(ScoringError, match=r"^item 3: expected an integer from 0 to 3") as err:
        score("gad7", items)
    assert err.value.item == 3


def test_first_bad_item_is_reported() -> None:
    with pytest.raises(ScoringError, match=r"^item 2:"):
        score("phq9", [0, 9, 9, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("items", ["000000000", b"\x00" * 9, {0, 1, 2}, 9])
def test_items_that_are_not_a_list_are_rejected(items: Any) -> None:
    with pytest.raises(ScoringError, match=r"^items: expected a list of 9 integers") as err:
        score("phq9", items)
    assert err.value.field == "items"


@pytest.mark.parametrize("instrument", ["bdi", "PHQ9", "phq-9", " phq9", "", None])
def test_unknown_instrument_is_rejected(instrument: Any) -> None:
    with pytest.raises(ScoringError) as err:
        score(instrument, [0] * 9)
    assert str(err.value) == "instrument: expected one of phq9, gad7, wai_sr"
    assert err.value.field == "instrument"


def test_errors_never_echo_the_input() -> None:
    with pytest.raises(ScoringError) as unknown:
        score("private-instrument-name", [0] * 9)
    with pytest.raises(ScoringError) as out_of_range:
        score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 987654])
    assert "private-instrument-name" not in str(unknown.value)
    assert "987654" not in str(out_of_range.value)


def test_scoring_error_is_a_value_error() -> None:
    assert issubclass(ScoringError, ValueError)


def test_instrument_metadata() -> None:
    assert INSTRUMENT_CODES == ("phq9", "gad7", "wai_sr")
    assert [(i.item_count, i.item_min, i.item_max) for i in INSTRUMENTS.values()] == [
        (9, 0, 3),
        (7, 0, 3),
        (12, 1, 5),
    ]
    assert INSTRUMENTS["phq9"].risk_item == 9
    assert [(s.name, s.items) for s in INSTRUMENTS["wai_sr"].subscales] == [
        ("task", (1, 2, 10, 12)),
        ("bond", (3, 5, 7, 9)),
        ("goal", (4, 6, 8, 11)),
    ]


def test_severity_order() -> None:
    assert SEVERITY_ORDER == {
        "phq9": ("minimal", "mild", "moderate", "moderately_severe", "severe"),
        "gad7": ("minimal", "mild", "moderate", "severe"),
        "wai_sr": (),
    }
    for code, spec in INSTRUMENTS.items():
        assert spec.severity_order == SEVERITY_ORDER[code]


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_severity_bands_cover_the_total_range_without_gaps(code: str) -> None:
    spec = INSTRUMENTS[code]
    bands = spec.severity_bands
    assert bands[0].min_total == spec.total_min
    assert bands[-1].max_total == spec.total_max
    for lower, upper in pairwise(bands):
        assert upper.min_total == lower.max_total + 1


def test_metadata_is_read_only() -> None:
    with pytest.raises(TypeError):
        INSTRUMENTS["bdi"] = INSTRUMENTS["phq9"]  # type: ignore[index]


@st.composite
def _valid_administration(draw: st.DrawFn) -> tuple[str, list[int]]:
    code = draw(st.sampled_from(INSTRUMENT_CODES))
    spec = INSTRUMENTS[code]
    value = st.integers(spec.item_min, spec.item_max)
    return code, draw(st.lists(value, min_size=spec.item_count, max_size=spec.item_count))


@settings(database=None, max_examples=200)
@given(_valid_administration())
def test_any_valid_administration_scores_within_range(case: tuple[str, list[int]]) -> None:
    code, items = case
    spec = INSTRUMENTS[code]
    result = score(code, items)
    assert spec.total_min <= result.total <= spec.total_max
    if spec.severity_bands:
        assert result.total == sum(items)
        assert result.severity in SEVERITY_ORDER[code]
    else:
        assert result.severity is None
        assert set(result.subscales) == {"task", "bond", "goal"}
        assert all(spec.item_min <= mean <= spec.item_max for mean in result.subscales.values())
