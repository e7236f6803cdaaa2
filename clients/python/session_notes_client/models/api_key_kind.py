from enum import StrEnum


class ApiKeyKind(StrEnum):
    AUDIT = "audit"
    CLINICAL = "clinical"
    OPERATIONAL = "operational"

    def __str__(self) -> str:
        return str(self.value)
