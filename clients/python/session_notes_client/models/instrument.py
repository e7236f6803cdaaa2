from enum import StrEnum


class Instrument(StrEnum):
    GAD7 = "gad7"
    PHQ9 = "phq9"
    WAI_SR = "wai_sr"

    def __str__(self) -> str:
        return str(self.value)
