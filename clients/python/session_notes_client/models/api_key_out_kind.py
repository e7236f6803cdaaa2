from enum import StrEnum


class ApiKeyOutKind(StrEnum):
    AUDIT = "audit"
    CLINICAL = "clinical"
    OPERATIONAL = "operational"

    def __str__(self) -> str:
        return str(self.value)
