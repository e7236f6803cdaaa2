from enum import StrEnum


class Intervention(StrEnum):
    CLARIFICATION = "clarification"
    CONFRONTATION = "confrontation"
    DEFENSE_INTERPRETATION = "defense_interpretation"
    DREAM_WORK = "dream_work"
    INTERPRETATION = "interpretation"
    OTHER = "other"
    PSYCHOEDUCATION = "psychoeducation"
    SUPPORTIVE = "supportive"
    TRANSFERENCE_INTERPRETATION = "transference_interpretation"

    def __str__(self) -> str:
        return str(self.value)
