from enum import StrEnum


class ReviewDecision(StrEnum):
    JUSTIFIED = "justified"
    NEEDS_FOLLOW_UP = "needs_follow_up"
    UNJUSTIFIED = "unjustified"

    def __str__(self) -> str:
        return str(self.value)
