from enum import StrEnum


class ApiKeyStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    PENDING_APPROVAL = "pending_approval"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return str(self.value)
