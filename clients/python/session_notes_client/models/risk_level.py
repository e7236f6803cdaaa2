from enum import StrEnum


class RiskLevel(StrEnum):
    HIGH = "high"
    IMMINENT = "imminent"
    LOW = "low"
    MODERATE = "moderate"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
