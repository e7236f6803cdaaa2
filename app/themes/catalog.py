"""The seeded, read-only system theme catalog (SPEC §1.3), kept as plain data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, get_args

ThemeCategory = Literal[
    "defense",
    "transference",
    "countertransference",
    "resistance",
    "relational_pattern",
    "attachment",
    "affect",
    "early_experience",
    "dream",
    "fantasy",
    "insight",
    "alliance",
    "enactment",
    "somatic",
]
CATEGORIES: Final[tuple[ThemeCategory, ...]] = get_args(ThemeCategory)


@dataclass(frozen=True, slots=True)
class SystemTheme:
    """One seeded theme; dmrs_level and dmrs_level_name are set for defenses only."""

    code: str
    label: str
    category: ThemeCategory
    description: str
    dmrs_level: int | None = None
    dmrs_level_name: str | None = None


# Perry's Defense Mechanism Rating Scales: level 1 (action) to 7 (high adaptive).
DMRS_LEVEL_NAMES: Final[dict[int, str]] = {
    7: "High adaptive",
    6: "Obsessional",
    5: "Other neurotic",
    4: "Minor image-distorting",
    3: "Disavowal",
    2: "Major image-distorting",
    1: "Action",
}

# Each segment: lowercase letters, digits, underscores, starting with a letter or digit
# (the first with a letter). No lookarounds, so the string also works as a Pydantic pattern.
CODE_PATTERN: Final = r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_]*){1,3}$"
CODE_MAX_LENGTH: Final = 80
_CODE_RE: Final = re.compile(CODE_PATTERN)


def is_valid_code(code: object) -> bool:
    """Tell whether code is a well-formed theme code: 2-4 dotted segments, at most 80 chars."""
    return (
        isinstance(code, str)
        and len(code) <= CODE_MAX_LENGTH
        and _CODE_RE.fullmatch(code) is not None
    )


def _defense(level: int, name: str, label: str, description: str) -> SystemTheme:
    """Build a DMRS defense theme at its level."""
    return SystemTheme(
        code=f"defense.{name}",
        label=label,
        category="defense",
        description=description,
        dmrs_level=level,
        dmrs_level_name=DMRS_LEVEL_NAMES[level],
    )


def _theme(category: ThemeCategory, name: str, label: str, description: str) -> SystemTheme:
    """Build a non-defense theme."""
    return SystemTheme(
        code=f"{category}.{name}", label=label, category=category, description=description
    )


# The table below is laid out by hand, one theme per two lines, so the formatter leaves it be.
# fmt: off
_DEFENSES: Final[tuple[SystemTheme, ...]] = (
    _defense(7, "affiliation", "Affiliation",
        "Turns to others for help or support, sharing problems without making them responsible."),
    _defense(7, "altruism", "Altruism",
        "Dedicates oneself to meeting others' needs, gaining gratification from their response."),
    _defense(7, "anticipation", "Anticipation",
        "Feels the emotions of a likely future stress in advance and plans realistic responses."),
    _defense(7, "humor", "Humor",
        "Finds the amusing or ironic side of a conflict, so its feelings can be borne and shared."),
    _defense(7, "self_assertion", "Self-assertion",
        "Expresses one's feelings and thoughts directly, without coercion or manipulation."),
    _defense(7, "self_observation", "Self-observation",
        "Reflects on one's own thoughts, feelings, motives and behavior, and responds fittingly."),
    _defense(7, "sublimation", "Sublimation",
        "Channels potentially maladaptive feelings or impulses into socially valued activity."),
    _defense(7, "suppression", "Suppression",
        "Deliberately sets a disturbing problem or feeling aside, able to return to it later."),
    _defense(6, "isolation_of_affect", "Isolation of affect",
        "Keeps the facts of an idea or event in mind while losing touch with its feelings."),
    _defense(6, "intellectualization", "Intellectualization",
        "Uses excessive abstract thinking or generalization to keep disturbing feelings away."),
    _defense(6, "undoing", "Undoing",
        "Uses words or acts that symbolically negate or atone for unacceptable thoughts or deeds."),
    _defense(5, "repression", "Repression",
        "Cannot recall or be aware of a disturbing wish or memory, though its feeling may remain."),
    _defense(5, "dissociation", "Dissociation",
        "Undergoes a temporary break in the integration of memory, identity or perception."),
    _defense(5, "reaction_formation", "Reaction formation",
        "Replaces unacceptable wishes or feelings with their opposite in thought or behavior."),
    _defense(5, "displacement", "Displacement",
        "Redirects a feeling about one person or situation onto a less threatening substitute."),
    _defense(4, "idealization_of_self", "Idealization of self",
        "Exaggerates one's own positive qualities to ward off shame, helplessness or inadequacy."),
    _defense(4, "idealization_of_other", "Idealization of other",
        "Attributes exaggerated positive qualities to others, borrowing their imagined strength."),
    _defense(4, "devaluation_of_self", "Devaluation of self",
        "Attributes exaggerated negative qualities to oneself, often to forestall rejection."),
    _defense(4, "devaluation_of_other", "Devaluation of other",
        "Attributes exaggerated negative qualities to others to bolster one's own self-esteem."),
    _defense(4, "omnipotence", "Omnipotence",
        "Feels or acts as if specially powerful or superior, warding off a sense of helplessness."),
    _defense(3, "denial", "Denial",
        "Refuses to acknowledge a painful aspect of reality or experience that others can see."),
    _defense(3, "rationalization", "Rationalization",
        "Hides the true motives for one's feelings or acts behind plausible but false reasons."),
    _defense(3, "projection", "Projection",
        "Falsely attributes one's own unacknowledged feelings, impulses or thoughts to others."),
    _defense(3, "autistic_fantasy", "Autistic fantasy",
        "Substitutes excessive daydreaming for relationships, effective action or coping."),
    _defense(2, "splitting_of_self", "Splitting of self-image",
        "Sees oneself as all good or all bad, failing to integrate both into one cohesive image."),
    _defense(2, "splitting_of_other", "Splitting of other's image",
        "Sees others as all good or all bad, failing to integrate both into one cohesive image."),
    _defense(2, "projective_identification", "Projective identification",
        "Attributes one's own unbearable feelings to another and provokes them in that person."),
    _defense(1, "acting_out", "Acting out",
        "Acts on a wish or impulse without reflection, instead of feeling and thinking about it."),
    _defense(1, "help_rejecting_complaining", "Help-rejecting complaining",
        "Complains and asks for help, then rejects what is offered, covertly voicing reproach."),
    _defense(1, "passive_aggression", "Passive aggression",
        "Expresses aggression indirectly and unassertively, behind a facade of compliance."),
)

_OTHER_THEMES: Final[tuple[SystemTheme, ...]] = (
    _theme("transference", "positive", "Positive transference",
        "Affectionate, trusting or appreciative feelings toward the therapist that aid the work."),
    _theme("transference", "negative", "Negative transference",
        "Distrust, disappointment or resentment toward the therapist, relived from the past."),
    _theme("transference", "idealizing", "Idealizing transference",
        "The therapist is experienced as perfect, all-knowing or uniquely understanding."),
    _theme("transference", "eroticized", "Eroticized transference",
        "Intense romantic or sexual feelings toward the therapist that can take over the work."),
    _theme("transference", "dependent", "Dependent transference",
        "Wishes to be cared for, guided or rescued by the therapist; separations are hard."),
    _theme("transference", "hostile", "Hostile transference",
        "Open anger, contempt or attacks directed at the therapist or the treatment."),
    _theme("countertransference", "concordant", "Concordant countertransference",
        "The therapist identifies with the client's own feelings or experience of self."),
    _theme("countertransference", "complementary", "Complementary countertransference",
        "The therapist identifies with a figure in the client's inner world, such as a parent."),
    _theme("countertransference", "protective", "Protective countertransference",
        "The therapist feels an urge to shield, rescue or reassure the client."),
    _theme("countertransference", "hostile", "Hostile countertransference",
        "The therapist feels irritation, anger or dislike toward the client."),
    _theme("countertransference", "bored", "Bored countertransference",
        "The therapist feels disengaged or bored, often a sign of warded-off feeling."),
    _theme("countertransference", "sleepy", "Sleepy countertransference",
        "The therapist grows drowsy in session, often in response to the client's withdrawal."),
    _theme("resistance", "silence", "Silence",
        "Prolonged silences or difficulty speaking that interrupt the flow of associations."),
    _theme("resistance", "lateness", "Lateness",
        "Arriving late or leaving early, cutting down contact with the therapist and material."),
    _theme("resistance", "intellectualizing", "Intellectualizing",
        "Talking about feelings in abstract terms that keep them at a distance in session."),
    _theme("resistance", "topic_avoidance", "Topic avoidance",
        "Steering away from a painful subject whenever it comes near."),
    _theme("resistance", "missed_sessions", "Missed sessions",
        "Cancelling or missing sessions, often around painful material or separations."),
    _theme("relational_pattern", "fear_of_abandonment", "Fear of abandonment",
        "Expects to be left or rejected, and clings or withdraws first to prevent it."),
    _theme("relational_pattern", "compliance", "Compliance",
        "Subordinates one's own needs and views to others' wishes to keep relationships safe."),
    _theme("relational_pattern", "withdrawal", "Withdrawal",
        "Pulls away emotionally or physically when closeness, need or conflict arises."),
    _theme("relational_pattern", "control", "Control",
        "Manages or dominates others to ward off vulnerability or unpredictability."),
    _theme("relational_pattern", "rescuing", "Rescuing",
        "Takes responsibility for others' wellbeing or problems, often at one's own expense."),
    _theme("relational_pattern", "dependency", "Dependency",
        "Relies excessively on others for decisions, reassurance or care."),
    _theme("attachment", "secure", "Secure attachment",
        "Comfortable with both closeness and autonomy; able to seek and use support."),
    _theme("attachment", "anxious", "Anxious attachment",
        "Preoccupied with relationships, fearing rejection and seeking closeness intensely."),
    _theme("attachment", "avoidant", "Avoidant attachment",
        "Minimizes attachment needs and feelings, stressing self-reliance and distance."),
    _theme("attachment", "disorganized", "Disorganized attachment",
        "Contradictory or collapsing strategies toward attachment figures, often after trauma."),
    _theme("affect", "shame", "Shame",
        "A painful sense of the whole self as flawed, exposed or inadequate."),
    _theme("affect", "guilt", "Guilt",
        "Distress over a specific act or wish felt to have harmed another or broken a standard."),
    _theme("affect", "anger", "Anger",
        "Irritation, frustration or rage in response to a perceived threat, hurt or injustice."),
    _theme("affect", "grief", "Grief",
        "Sorrow and longing in response to a loss."),
    _theme("affect", "anxiety", "Anxiety",
        "Apprehension or dread, often signaling a threatening wish, feeling or memory."),
    _theme("affect", "emptiness", "Emptiness",
        "A sense of inner void, numbness or lack of meaning."),
    _theme("affect", "envy", "Envy",
        "Painful resentment of what another has or is, at times with a wish to spoil it."),
    _theme("early_experience", "loss", "Early loss",
        "Death of, or lasting separation from, a parent or other caregiver in childhood."),
    _theme("early_experience", "neglect", "Neglect",
        "Caregivers' persistent failure to meet the child's physical or emotional needs."),
    _theme("early_experience", "parentification", "Parentification",
        "As a child, was made responsible for the care of a parent or siblings."),
    _theme("early_experience", "trauma", "Early trauma",
        "Abuse, violence or other overwhelming events in childhood."),
    _theme("early_experience", "enmeshment", "Enmeshment",
        "Blurred family boundaries that hindered the child's separateness and autonomy."),
    _theme("dream", "recurring", "Recurring dream",
        "A dream, or dream motif, that returns across nights or sessions."),
    _theme("dream", "anxiety", "Anxiety dream",
        "A dream dominated by fear or dread, including nightmares."),
    _theme("dream", "transference_dream", "Transference dream",
        "A dream in which the therapist or the therapy appears, openly or in disguise."),
    _theme("fantasy", "rescue", "Rescue fantasy",
        "A fantasy of being rescued by, or of rescuing, an ideal or powerful figure."),
    _theme("fantasy", "revenge", "Revenge fantasy",
        "A fantasy of retaliating against someone felt to have caused harm or humiliation."),
    _theme("fantasy", "grandiose", "Grandiose fantasy",
        "A fantasy of exceptional success, power, admiration or recognition."),
    _theme("insight", "emerging", "Emerging insight",
        "The client begins to link present feelings and patterns with their origins."),
    _theme("insight", "consolidated", "Consolidated insight",
        "The client uses an established understanding consistently, in and out of sessions."),
    _theme("insight", "defensive_function_recognized", "Defensive function recognized",
        "The client recognizes what a defense protects against and what it costs."),
    _theme("alliance", "rupture", "Alliance rupture",
        "A strain or breakdown in the collaboration, shown as withdrawal or as confrontation."),
    _theme("alliance", "repair", "Alliance repair",
        "A rupture is acknowledged and worked through, restoring or deepening collaboration."),
    _theme("enactment", "mutual", "Mutual enactment",
        "Client and therapist unwittingly act out a pattern from the client's past, seen later."),
    _theme("enactment", "frame_deviation", "Frame deviation",
        "A departure from the agreed time, fee or contact that carries unconscious meaning."),
    _theme("somatic", "bodily_complaints", "Bodily complaints",
        "Physical complaints, such as pain or fatigue, that express or accompany conflict."),
    _theme("somatic", "arousal", "Physiological arousal",
        "Visible arousal in session, such as trembling, flushing or changes in breathing."),
    _theme("somatic", "numbing", "Bodily numbing",
        "Numbness, disconnection from the body or a collapse of energy in session."),
)
# fmt: on

SYSTEM_THEMES: Final[tuple[SystemTheme, ...]] = _DEFENSES + _OTHER_THEMES
SYSTEM_THEMES_BY_CODE: Final[Mapping[str, SystemTheme]] = MappingProxyType(
    {theme.code: theme for theme in SYSTEM_THEMES}
)
