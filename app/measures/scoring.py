"""Pure scoring of the outcome questionnaires: PHQ-9, GAD-7 and WAI-SR (SPEC §1.4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal


class ScoringError(ValueError):
    """Item responses that cannot be scored; the message names the field, never the input."""

    def __init__(self, message: str, *, field: str, item: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.item = item


@dataclass(frozen=True, slots=True)
class SeverityBand:
    """A severity label and the inclusive range of totals it covers."""

    label: str
    min_total: int
    max_total: int


@dataclass(frozen=True, slots=True)
class Subscale:
    """A named subscale and the 1-based item numbers it averages."""

    name: str
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    """Metadata of one questionnaire, enough to validate, score and document it."""

    code: str
    label: str
    name: str
    item_count: int
    item_min: int
    item_max: int
    total_min: float | int
    total_max: float | int
    total_kind: Literal["sum", "mean"]
    severity_bands: tuple[SeverityBand, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    risk_item: int | None = None

    @property
    def severity_order(self) -> tuple[str, ...]:
        """Severity labels from least to most severe (empty when the instrument has none)."""
        return tuple(band.label for band in self.severity_bands)


@dataclass(frozen=True, slots=True)
class Score:
    """The scored result of one administration."""

    total: float | int
    subscales: dict[str, float]
    severity: str | None
    risk_flag: bool


_PHQ9: Final = Instrument(
    code="phq9",
    label="PHQ-9",
    name="Patient Health Questionnaire-9 (depression)",
    item_count=9,
    item_min=0,
    item_max=3,
    total_min=0,
    total_max=27,
    total_kind="sum",
    severity_bands=(
        SeverityBand("minimal", 0, 4),
        SeverityBand("mild", 5, 9),
        SeverityBand("moderate", 10, 14),
        SeverityBand("moderately_severe", 15, 19),
        SeverityBand("severe", 20, 27),
    ),
    risk_item=9,
)

_GAD7: Final = Instrument(
    code="gad7",
    label="GAD-7",
    name="Generalized Anxiety Disorder-7",
    item_count=7,
    item_min=0,
    item_max=3,
    total_min=0,
    total_max=21,
    total_kind="sum",
    severity_bands=(
        SeverityBand("minimal", 0, 4),
        SeverityBand("mild", 5, 9),
        SeverityBand("moderate", 10, 14),
        SeverityBand("severe", 15, 21),
    ),
)

_WAI_SR: Final = Instrument(
    code="wai_sr",
    label="WAI-SR",
    name="Working Alliance Inventory, Short Revised",
    item_count=12,
    item_min=1,
    item_max=5,
    total_min=1.0,
    total_max=5.0,
    total_kind="mean",
    subscales=(
        Subscale("task", (1, 2, 10, 12)),
        Subscale("bond", (3, 5, 7, 9)),
        Subscale("goal", (4, 6, 8, 11)),
    ),
)

INSTRUMENTS: Final[Mapping[str, Instrument]] = MappingProxyType(
    {spec.code: spec for spec in (_PHQ9, _GAD7, _WAI_SR)}
)
INSTRUMENT_CODES: Final[tuple[str, ...]] = tuple(INSTRUMENTS)
SEVERITY_ORDER: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {code: spec.severity_order for code, spec in INSTRUMENTS.items()}
)

_HUNDREDTH: Final = Decimal("0.01")


def score(instrument: str, items: Sequence[int]) -> Score:
    """Validate and score one questionnaire's item responses (items in questionnaire order)."""
    spec = INSTRUMENTS.get(instrument) if isinstance(instrument, str) else None
    if spec is None:
        raise ScoringError(
            f"instrument: expected one of {', '.join(INSTRUMENT_CODES)}", field="instrument"
        )
    values = _validated(spec, items)
    if spec.subscales:
        subscales = {sub.name: _mean([values[i - 1] for i in sub.items]) for sub in spec.subscales}
        return Score(total=_mean(values), subscales=subscales, severity=None, risk_flag=False)
    total = sum(values)
    risk_flag = spec.risk_item is not None and values[spec.risk_item - 1] > 0
    return Score(total=total, subscales={}, severity=_severity(spec, total), risk_flag=risk_flag)


def _validated(spec: Instrument, items: Sequence[int]) -> list[int]:
    """Return the responses as ints, or raise ScoringError naming the first bad one."""
    if isinstance(items, str | bytes | bytearray) or not isinstance(items, Sequence):
        raise ScoringError(
            f"items: expected a list of {spec.item_count} integers for {spec.label}",
            field="items",
        )
    if len(items) != spec.item_count:
        raise ScoringError(
            f"items: expected exactly {spec.item_count} responses for {spec.label}",
            field="items",
        )
    for number, value in enumerate(items, start=1):
        # bool is a subclass of int, but True is not a questionnaire response.
        valid = isinstance(value, int) and not isinstance(value, bool)
        if not valid or not spec.item_min <= value <= spec.item_max:
            raise ScoringError(
                f"item {number}: expected an integer from {spec.item_min} to {spec.item_max}"
                f" for {spec.label}",
                field="items",
                item=number,
            )
    return [int(value) for value in items]


def _severity(spec: Instrument, total: int) -> str:
    """Return the label of the band that holds total."""
    for band in spec.severity_bands:
        if band.min_total <= total <= band.max_total:
            return band.label
    # Unreachable: validated items keep the total inside the bands, which cover its range.
    raise AssertionError(f"no {spec.label} severity band covers the total")


def _mean(values: Sequence[int]) -> float:
    """Return the mean rounded half-up to two decimals, computed exactly."""
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))
