from enum import StrEnum


class Modality(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
