from enum import StrEnum


class CloseReason(StrEnum):
    CLIENT_WITHDREW = "client_withdrew"
    COMPLETED = "completed"
    OTHER = "other"
    REFERRED = "referred"

    def __str__(self) -> str:
        return str(self.value)
