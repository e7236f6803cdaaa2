from enum import StrEnum


class NoteStatus(StrEnum):
    DRAFT = "draft"
    PENDING_COSIGN = "pending_cosign"
    SIGNED = "signed"

    def __str__(self) -> str:
        return str(self.value)
