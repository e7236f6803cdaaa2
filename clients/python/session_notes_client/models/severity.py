from enum import StrEnum


class Severity(StrEnum):
    MILD = "mild"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"

    def __str__(self) -> str:
        return str(self.value)
