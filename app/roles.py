"""Staff roles (SPEC §2), apart from the request machinery so that any process may use them."""

from __future__ import annotations

from typing import Final, Literal, get_args

Role = Literal["admin", "therapist", "supervisor", "auditor"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
# The roles that treat clients: the staff a `users:read` key sees (SPEC §9).
CLINICAL_ROLES: Final[tuple[Role, ...]] = ("therapist", "supervisor")
