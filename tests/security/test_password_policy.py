"""The password policy on its own: length, blanks, the shipped common list, trivial patterns."""

from __future__ import annotations

import pytest

from app.security.password_policy import common_passwords, password_problem


@pytest.mark.parametrize(
    "password",
    [
        "short-one",
        " " * 12,
        "\t \n" * 5,
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "passwordpassword",
        "123456789012",
        "210987654321",
        "abcdefghijklm",
        "qwertyuiopas",
        "q1w2e3r4t5y6",
        "password1234",
        "Password123!",
        "iloveyou2024!!",
        "QWERTY123456",
        "aabbaabbaabb1",
        # A pattern with a few digits or symbols appended is still a pattern.
        "123456789012!",
        "qwertyuiopas1",
        "passwordpassword1",
        "abcdefghijkl2026",
        "x" * 257,
    ],
)
def test_refused(password: str) -> None:
    assert password_problem(password) is not None


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "violet tugboat minds the harbour",
        "Tr0ub4dor&3xyz",
        "demo-therapist-pass",
        "zx81 fan club forever",
        "harbour lights 1987!",
        "violet tugboat 42",
    ],
)
def test_accepted(password: str) -> None:
    assert password_problem(password) is None


def test_the_shipped_list_is_the_whole_list() -> None:
    shipped = common_passwords()
    assert len(shipped) > 19_000
    assert {"password", "123456", "qwerty123456", "1q2w3e4r5t6y"} <= shipped
