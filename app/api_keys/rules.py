"""Who may create, see, approve, rotate and revoke which kind of API key (SPEC §2.1).

Decided from the caller's role and the key's kind alone: `audit` keys belong to auditors,
`clinical` keys are created by admins and approved by a supervisor, `operational` keys
are the admins' (docs/security.md, "API keys").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from app.errors import Forbidden
from app.security.api_keys import AUDIT_SCOPES, CLINICAL_SCOPES, KeyKind, key_kind
from app.security.caller import Caller

Action = Literal["see", "rotate", "revoke"]
_ALL: Final[frozenset[KeyKind]] = frozenset({"audit", "clinical", "operational"})
_KINDS: Final[dict[tuple[str, Action], frozenset[KeyKind]]] = {
    ("admin", "see"): _ALL,
    ("admin", "rotate"): frozenset({"clinical", "operational"}),
    ("admin", "revoke"): frozenset({"clinical", "operational"}),
    ("auditor", "see"): frozenset({"audit"}),
    ("auditor", "rotate"): frozenset({"audit"}),
    ("auditor", "revoke"): frozenset({"audit"}),
    # A supervisor finds the clinical keys to approve and may withdraw one.
    ("supervisor", "see"): frozenset({"clinical"}),
    ("supervisor", "revoke"): frozenset({"clinical"}),
}


def kinds_for(caller: Caller, action: Action) -> frozenset[KeyKind]:
    """The kinds of key the caller may act on; 403 when their role may act on none."""
    kinds = _KINDS.get((caller.role or "", action), frozenset()) if caller.is_user else None
    if not kinds:
        raise Forbidden("Your role or scopes do not allow this operation")
    return kinds


def check_manage(caller: Caller, kind: str, action: Action) -> None:
    """403 for a key the caller can see but not act on (an admin and an auditor's key)."""
    if kind not in kinds_for(caller, action):
        raise Forbidden(f"Your role may not {action} a key of kind {kind}")


def check_rotate(caller: Caller, kind: str, scopes: Sequence[str]) -> None:
    """`check_manage` for a rotation; an operator's audit key with any other scope is
    rotated by nobody through the API: an auditor's fresh secret would read notes that no
    supervisor approved, or client demographics that auditors never read (the operator
    makes a new key instead)."""
    check_manage(caller, kind, "rotate")
    if kind == "audit" and set(scopes) & CLINICAL_SCOPES:
        raise Forbidden(
            "This key also reads clinical data: it is not rotated through the API; "
            "the operator makes a new one"
        )
    if kind == "audit" and set(scopes) - AUDIT_SCOPES:
        raise Forbidden(
            "This key has scopes beyond audit:read: it is not rotated through the API; "
            "the operator makes a new one"
        )


def check_create(caller: Caller, scopes: Sequence[str]) -> bool:
    """403 unless the caller may create a key with these scopes; whether it awaits approval."""
    kind = key_kind(scopes)
    if caller.has_role("auditor"):
        if kind != "audit" or set(scopes) - AUDIT_SCOPES:
            raise Forbidden("Auditors create keys with the audit:read scope only")
        return False
    if not caller.has_role("admin"):
        raise Forbidden("Your role or scopes do not allow this operation")
    if kind == "audit":
        raise Forbidden("Only auditors create keys with the audit:read scope")
    return kind == "clinical"


def check_approve(caller: Caller) -> None:
    """403 unless the caller is a supervisor (of the key's practice, checked on the row)."""
    if not caller.has_role("supervisor"):
        raise Forbidden("Only supervisors approve keys with clinical scopes")
