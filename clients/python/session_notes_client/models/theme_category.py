from enum import StrEnum


class ThemeCategory(StrEnum):
    AFFECT = "affect"
    ALLIANCE = "alliance"
    ATTACHMENT = "attachment"
    COUNTERTRANSFERENCE = "countertransference"
    DEFENSE = "defense"
    DREAM = "dream"
    EARLY_EXPERIENCE = "early_experience"
    ENACTMENT = "enactment"
    FANTASY = "fantasy"
    INSIGHT = "insight"
    RELATIONAL_PATTERN = "relational_pattern"
    RESISTANCE = "resistance"
    SOMATIC = "somatic"
    TRANSFERENCE = "transference"

    def __str__(self) -> str:
        return str(self.value)
