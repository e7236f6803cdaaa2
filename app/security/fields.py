"""Encrypting and decrypting one column of one row: the AAD is the row's table, column and id.

Every encrypted column uses these two helpers so that the location bound into a ciphertext
is always spelled the same way (`str(row.id)`), which `notes-api rotate-keys` relies on.
"""

from __future__ import annotations

from typing import Any

from app.security.encryption import KeyRing, decrypt, encrypt


def _location(row: Any, column: str) -> dict[str, str]:
    return {"table": str(row.__tablename__), "column": column, "row_id": str(row.id)}


def seal(ring: KeyRing, row: Any, column: str, plaintext: str | None) -> str | None:
    """Ciphertext of a value for this row's column (None stays None)."""
    if plaintext is None:
        return None
    return encrypt(ring, plaintext, **_location(row, column))


def unseal(ring: KeyRing, row: Any, column: str) -> str | None:
    """Plaintext of this row's encrypted column; DecryptionError when it was moved or altered."""
    token = getattr(row, column)
    if token is None:
        return None
    return decrypt(ring, token, **_location(row, column))
