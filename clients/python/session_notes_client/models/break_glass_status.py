from enum import StrEnum


class BreakGlassStatus(StrEnum):
    PENDING = "pending"
    REVIEWED = "reviewed"

    def __str__(self) -> str:
        return str(self.value)
