from enum import StrEnum


class SessionStatus(StrEnum):
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"
    SCHEDULED = "scheduled"

    def __str__(self) -> str:
        return str(self.value)
