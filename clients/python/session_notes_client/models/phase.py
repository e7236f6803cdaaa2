from enum import StrEnum


class Phase(StrEnum):
    EXPLORATION = "exploration"
    INITIAL = "initial"
    TERMINATION = "termination"
    WORKING_THROUGH = "working_through"

    def __str__(self) -> str:
        return str(self.value)
