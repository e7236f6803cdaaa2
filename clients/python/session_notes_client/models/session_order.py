from enum import StrEnum


class SessionOrder(StrEnum):
    STARTS_AT = "starts_at"
    UPDATED_AT = "updated_at"

    def __str__(self) -> str:
        return str(self.value)
