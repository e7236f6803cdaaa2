"""Which new passwords are refused (SPEC §3): short, blank, common, or trivially patterned."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Django 5.2's CommonPasswordValidator list: 20,000 common passwords (lowercased), compiled
# by Royce Williams, BSD-3-Clause; shipped unchanged (docs/security.md, "Passwords").
COMMON_PASSWORDS_FILE = "common-passwords.txt.gz"
# Sequences people walk along: counting, the alphabet, keyboard rows.
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")
_TRAILING_JUNK = re.compile(r"[\d\W_]+$")
# Up to this many appended digits or symbols are looked past, leaving at least this much.
_MAX_APPENDED = 4
_MIN_STEM = 8


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, read once per process."""
    data = resources.files("app.security").joinpath("data", COMMON_PASSWORDS_FILE).read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode().splitlines())


def _is_repetition(text: str) -> bool:
    """`aaaa…`, `abcabc…`, `passwordpassword`: one unit said again and again."""
    return len(text) > 1 and text in (text + text)[1:-1]


def _is_run(text: str) -> bool:
    """A walk along one sequence (either way, wrapping): `123456789012`, `qwertyuiop…`."""
    for run in _RUNS:
        walk = run * (len(text) // len(run) + 2)
        if text in walk or text[::-1] in walk:
            return True
    return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must have at most {MAX_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "must not be only whitespace"
    folded = "".join(password.lower().split())
    # A common password with digits or symbols appended ("Password123!") is still common.
    base = _TRAILING_JUNK.sub("", folded)
    if folded in common_passwords() or (len(base) >= 4 and base in common_passwords()):
        return "is a commonly used password"
    # A pattern with a few digits or symbols appended ("123456789012!") is still a pattern.
    stems = [folded] + [
        folded[:-cut]
        for cut in range(1, _MAX_APPENDED + 1)
        if len(folded) - cut >= _MIN_STEM and _TRAILING_JUNK.fullmatch(folded[-cut:])
    ]
    if any(_is_repetition(s) or _is_run(s) or len(set(s)) < 4 for s in stems):
        return "is too predictable (repeated characters or a simple sequence)"
    return None


def check_new_password(password: str) -> str:
    """The password, or ValueError naming what is wrong (for pydantic validators)."""
    problem = password_problem(password)
    if problem is not None:
        raise ValueError(f"password {problem}")
    return password
