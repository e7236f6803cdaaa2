from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    AUDITOR = "auditor"
    SUPERVISOR = "supervisor"
    THERAPIST = "therapist"

    def __str__(self) -> str:
        return str(self.value)
