from enum import StrEnum


class Outcome(StrEnum):
    DENIED = "denied"
    ERROR = "error"
    NOT_FOUND = "not_found"
    SUCCESS = "success"

    def __str__(self) -> str:
        return str(self.value)
