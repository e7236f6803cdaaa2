"""Which declared query parameters may repeat: those whose type takes several values."""

from __future__ import annotations

import pytest

from app.query_params import _takes_many


@pytest.mark.parametrize(
    ("annotation", "many"),
    [
        (str, False),
        (str | None, False),
        (int, False),
        (list[str], True),
        (list[str] | None, True),
        (set[int] | None, True),
    ],
)
def test_only_sequence_parameters_take_many(annotation: object, many: bool) -> None:
    assert _takes_many(annotation) is many
