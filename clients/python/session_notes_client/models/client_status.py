from enum import StrEnum


class ClientStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    DISCHARGED = "discharged"

    def __str__(self) -> str:
        return str(self.value)
