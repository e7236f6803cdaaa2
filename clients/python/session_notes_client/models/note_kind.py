from enum import StrEnum


class NoteKind(StrEnum):
    PROGRESS = "progress"
    PSYCHOTHERAPY = "psychotherapy"

    def __str__(self) -> str:
        return str(self.value)
