"""Token and profile shapes."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from app.schema_types import Documented, Storable, StorableText
from app.security.password_policy import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_new_password,
)

# A password being set: any characters a person can type (hashable as UTF-8, no NUL), at
# least 12 of them, not blank, not common, not a trivial pattern (SPEC §3).
NewPassword = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
    Storable,
    StorableText,
    AfterValidator(check_new_password),
    # The policy's other rules are no pattern; the document states them in words.
    Documented(
        description="The password policy (422 names the rule broken): 12 to 256 characters, "
        "not only whitespace, not a commonly used password (also with digits or symbols "
        "appended), not one unit repeated or a run along the digits, the alphabet or a "
        "keyboard row, at least 4 different characters."
    ),
]
# A password being checked: whatever was set before, within the hashing bounds.
GivenPassword = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH), Storable, StorableText
]
OneTimeToken = Annotated[
    str, StringConstraints(min_length=1, max_length=200), Storable, StorableText
]


class TokenOut(BaseModel):
    """An access token and the refresh token that renews it."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                "token_type": "bearer",
                "expires_in": 900,
                "refresh_token": "nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZyBpbiBwcm9kdWN0aW9u",
            }
        }
    )

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str


class RefreshIn(BaseModel):
    """A refresh token to rotate or revoke."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"refresh_token": "nsr_Q2hhbmdlIG1lIGJlZm9yZSB1c2luZw"}},
    )

    refresh_token: OneTimeToken


class MeOut(BaseModel):
    """The authenticated caller."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "kind": "user",
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                "practice_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d00",
                "role": "therapist",
                "scopes": [],
                "email": "ana@example.org",
                "display_name": "Ana Therapist",
                "supervisor_id": None,
                "requires_cosign": False,
                "purpose_of_use": "TREAT",
            }
        }
    )

    kind: str
    id: uuid.UUID
    practice_id: uuid.UUID
    role: str | None
    scopes: list[str]
    email: str | None = None
    display_name: str | None = None
    supervisor_id: uuid.UUID | None = None
    requires_cosign: bool = False
    purpose_of_use: str


class PasswordResetIn(BaseModel):
    """A one-time token (from an invite or an admin's reset) and the password to set."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "token": "nsp_1q2ZrT8wVb3mXo9LkP4sYdGh7uJcEaF0nQiWtRzUvBy",
                "new_password": "violet tugboat minds the harbour",
            }
        },
    )

    token: OneTimeToken
    new_password: NewPassword


class PasswordChangeIn(BaseModel):
    """One's current password and the new one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "current_password": "violet tugboat minds the harbour",
                "new_password": "seven quiet herons over the weir",
            }
        },
    )

    current_password: GivenPassword
    new_password: NewPassword
