"""themes, observations, relationship episodes, measures; seeds the system theme catalog

Revision ID: 0004_themes_measures
Revises: 0003_clinical_record
Create Date: 2026-11-21 19:50:00.000000+00:00

System themes are rows with practice_id NULL, seeded here (not at application start-up) with
fixed ids (UUIDv5 of the code), so every database names them alike. A practice's own code may
never equal a system code (the service refuses it); a later revision that adds system themes
must first check that no practice already uses the new codes.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0004_themes_measures"
down_revision: str | None = "0003_clinical_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYSTEM_THEME_NAMESPACE = uuid.UUID("6f1f5c0e-3a57-4c1e-9d0b-5e7a2b8c4d19")
SEEDED_AT = datetime(2026, 11, 21, 19, 50, tzinfo=UTC)

# A frozen copy of app/themes/catalog.py at this revision, so that later edits of the module
# never change what this migration did: a changed catalog needs a new revision (a test
# compares the seeded rows with the module). Rows: (code, label, DMRS level, description);
# the category is the code's first segment.
# fmt: off
_DMRS_LEVEL_NAMES = {
    7: "High adaptive",
    6: "Obsessional",
    5: "Other neurotic",
    4: "Minor image-distorting",
    3: "Disavowal",
    2: "Major image-distorting",
    1: "Action",
}
_SYSTEM_THEMES: tuple[tuple[str, str, int | None, str], ...] = (
    ("defense.affiliation", "Affiliation", 7,
     "Turns to others for help or support, sharing problems without making them responsible."),
    ("defense.altruism", "Altruism", 7,
     "Dedicates oneself to meeting others' needs, gaining gratification from their response."),
    ("defense.anticipation", "Anticipation", 7,
     "Feels the emotions of a likely future stress in advance and plans realistic responses."),
    ("defense.humor", "Humor", 7,
     "Finds the amusing or ironic side of a conflict, so its feelings can be borne and shared."),
    ("defense.self_assertion", "Self-assertion", 7,
     "Expresses one's feelings and thoughts directly, without coercion or manipulation."),
    ("defense.self_observation", "Self-observation", 7,
     "Reflects on one's own thoughts, feelings, motives and behavior, and responds fittingly."),
    ("defense.sublimation", "Sublimation", 7,
     "Channels potentially maladaptive feelings or impulses into socially valued activity."),
    ("defense.suppression", "Suppression", 7,
     "Deliberately sets a disturbing problem or feeling aside, able to return to it later."),
    ("defense.isolation_of_affect", "Isolation of affect", 6,
     "Keeps the facts of an idea or event in mind while losing touch with its feelings."),
    ("defense.intellectualization", "Intellectualization", 6,
     "Uses excessive abstract thinking or generalization to keep disturbing feelings away."),
    ("defense.undoing", "Undoing", 6,
     "Uses words or acts that symbolically negate or atone for unacceptable thoughts or deeds."),
    ("defense.repression", "Repression", 5,
     "Cannot recall or be aware of a disturbing wish or memory, though its feeling may remain."),
    ("defense.dissociation", "Dissociation", 5,
     "Undergoes a temporary break in the integration of memory, identity or perception."),
    ("defense.reaction_formation", "Reaction formation", 5,
     "Replaces unacceptable wishes or feelings with their opposite in thought or behavior."),
    ("defense.displacement", "Displacement", 5,
     "Redirects a feeling about one person or situation onto a less threatening substitute."),
    ("defense.idealization_of_self", "Idealization of self", 4,
     "Exaggerates one's own positive qualities to ward off shame, helplessness or inadequacy."),
    ("defense.idealization_of_other", "Idealization of other", 4,
     "Attributes exaggerated positive qualities to others, borrowing their imagined strength."),
    ("defense.devaluation_of_self", "Devaluation of self", 4,
     "Attributes exaggerated negative qualities to oneself, often to forestall rejection."),
    ("defense.devaluation_of_other", "Devaluation of other", 4,
     "Attributes exaggerated negative qualities to others to bolster one's own self-esteem."),
    ("defense.omnipotence", "Omnipotence", 4,
     "Feels or acts as if specially powerful or superior, warding off a sense of helplessness."),
    ("defense.denial", "Denial", 3,
     "Refuses to acknowledge a painful aspect of reality or experience that others can see."),
    ("defense.rationalization", "Rationalization", 3,
     "Hides the true motives for one's feelings or acts behind plausible but false reasons."),
    ("defense.projection", "Projection", 3,
     "Falsely attributes one's own unacknowledged feelings, impulses or thoughts to others."),
    ("defense.autistic_fantasy", "Autistic fantasy", 3,
     "Substitutes excessive daydreaming for relationships, effective action or coping."),
    ("defense.splitting_of_self", "Splitting of self-image", 2,
     "Sees oneself as all good or all bad, failing to integrate both into one cohesive image."),
    ("defense.splitting_of_other", "Splitting of other's image", 2,
     "Sees others as all good or all bad, failing to integrate both into one cohesive image."),
    ("defense.projective_identification", "Projective identification", 2,
     "Attributes one's own unbearable feelings to another and provokes them in that person."),
    ("defense.acting_out", "Acting out", 1,
     "Acts on a wish or impulse without reflection, instead of feeling and thinking about it."),
    ("defense.help_rejecting_complaining", "Help-rejecting complaining", 1,
     "Complains and asks for help, then rejects what is offered, covertly voicing reproach."),
    ("defense.passive_aggression", "Passive aggression", 1,
     "Expresses aggression indirectly and unassertively, behind a facade of compliance."),
    ("transference.positive", "Positive transference", None,
     "Affectionate, trusting or appreciative feelings toward the therapist that aid the work."),
    ("transference.negative", "Negative transference", None,
     "Distrust, disappointment or resentment toward the therapist, relived from the past."),
    ("transference.idealizing", "Idealizing transference", None,
     "The therapist is experienced as perfect, all-knowing or uniquely understanding."),
    ("transference.eroticized", "Eroticized transference", None,
     "Intense romantic or sexual feelings toward the therapist that can take over the work."),
    ("transference.dependent", "Dependent transference", None,
     "Wishes to be cared for, guided or rescued by the therapist; separations are hard."),
    ("transference.hostile", "Hostile transference", None,
     "Open anger, contempt or attacks directed at the therapist or the treatment."),
    ("countertransference.concordant", "Concordant countertransference", None,
     "The therapist identifies with the client's own feelings or experience of self."),
    ("countertransference.complementary", "Complementary countertransference", None,
     "The therapist identifies with a figure in the client's inner world, such as a parent."),
    ("countertransference.protective", "Protective countertransference", None,
     "The therapist feels an urge to shield, rescue or reassure the client."),
    ("countertransference.hostile", "Hostile countertransference", None,
     "The therapist feels irritation, anger or dislike toward the client."),
    ("countertransference.bored", "Bored countertransference", None,
     "The therapist feels disengaged or bored, often a sign of warded-off feeling."),
    ("countertransference.sleepy", "Sleepy countertransference", None,
     "The therapist grows drowsy in session, often in response to the client's withdrawal."),
    ("resistance.silence", "Silence", None,
     "Prolonged silences or difficulty speaking that interrupt the flow of associations."),
    ("resistance.lateness", "Lateness", None,
     "Arriving late or leaving early, cutting down contact with the therapist and material."),
    ("resistance.intellectualizing", "Intellectualizing", None,
     "Talking about feelings in abstract terms that keep them at a distance in session."),
    ("resistance.topic_avoidance", "Topic avoidance", None,
     "Steering away from a painful subject whenever it comes near."),
    ("resistance.missed_sessions", "Missed sessions", None,
     "Cancelling or missing sessions, often around painful material or separations."),
    ("relational_pattern.fear_of_abandonment", "Fear of abandonment", None,
     "Expects to be left or rejected, and clings or withdraws first to prevent it."),
    ("relational_pattern.compliance", "Compliance", None,
     "Subordinates one's own needs and views to others' wishes to keep relationships safe."),
    ("relational_pattern.withdrawal", "Withdrawal", None,
     "Pulls away emotionally or physically when closeness, need or conflict arises."),
    ("relational_pattern.control", "Control", None,
     "Manages or dominates others to ward off vulnerability or unpredictability."),
    ("relational_pattern.rescuing", "Rescuing", None,
     "Takes responsibility for others' wellbeing or problems, often at one's own expense."),
    ("relational_pattern.dependency", "Dependency", None,
     "Relies excessively on others for decisions, reassurance or care."),
    ("attachment.secure", "Secure attachment", None,
     "Comfortable with both closeness and autonomy; able to seek and use support."),
    ("attachment.anxious", "Anxious attachment", None,
     "Preoccupied with relationships, fearing rejection and seeking closeness intensely."),
    ("attachment.avoidant", "Avoidant attachment", None,
     "Minimizes attachment needs and feelings, stressing self-reliance and distance."),
    ("attachment.disorganized", "Disorganized attachment", None,
     "Contradictory or collapsing strategies toward attachment figures, often after trauma."),
    ("affect.shame", "Shame", None,
     "A painful sense of the whole self as flawed, exposed or inadequate."),
    ("affect.guilt", "Guilt", None,
     "Distress over a specific act or wish felt to have harmed another or broken a standard."),
    ("affect.anger", "Anger", None,
     "Irritation, frustration or rage in response to a perceived threat, hurt or injustice."),
    ("affect.grief", "Grief", None,
     "Sorrow and longing in response to a loss."),
    ("affect.anxiety", "Anxiety", None,
     "Apprehension or dread, often signaling a threatening wish, feeling or memory."),
    ("affect.emptiness", "Emptiness", None,
     "A sense of inner void, numbness or lack of meaning."),
    ("affect.envy", "Envy", None,
     "Painful resentment of what another has or is, at times with a wish to spoil it."),
    ("early_experience.loss", "Early loss", None,
     "Death of, or lasting separation from, a parent or other caregiver in childhood."),
    ("early_experience.neglect", "Neglect", None,
     "Caregivers' persistent failure to meet the child's physical or emotional needs."),
    ("early_experience.parentification", "Parentification", None,
     "As a child, was made responsible for the care of a parent or siblings."),
    ("early_experience.trauma", "Early trauma", None,
     "Abuse, violence or other overwhelming events in childhood."),
    ("early_experience.enmeshment", "Enmeshment", None,
     "Blurred family boundaries that hindered the child's separateness and autonomy."),
    ("dream.recurring", "Recurring dream", None,
     "A dream, or dream motif, that returns across nights or sessions."),
    ("dream.anxiety", "Anxiety dream", None,
     "A dream dominated by fear or dread, including nightmares."),
    ("dream.transference_dream", "Transference dream", None,
     "A dream in which the therapist or the therapy appears, openly or in disguise."),
    ("fantasy.rescue", "Rescue fantasy", None,
     "A fantasy of being rescued by, or of rescuing, an ideal or powerful figure."),
    ("fantasy.revenge", "Revenge fantasy", None,
     "A fantasy of retaliating against someone felt to have caused harm or humiliation."),
    ("fantasy.grandiose", "Grandiose fantasy", None,
     "A fantasy of exceptional success, power, admiration or recognition."),
    ("insight.emerging", "Emerging insight", None,
     "The client begins to link present feelings and patterns with their origins."),
    ("insight.consolidated", "Consolidated insight", None,
     "The client uses an established understanding consistently, in and out of sessions."),
    ("insight.defensive_function_recognized", "Defensive function recognized", None,
     "The client recognizes what a defense protects against and what it costs."),
    ("alliance.rupture", "Alliance rupture", None,
     "A strain or breakdown in the collaboration, shown as withdrawal or as confrontation."),
    ("alliance.repair", "Alliance repair", None,
     "A rupture is acknowledged and worked through, restoring or deepening collaboration."),
    ("enactment.mutual", "Mutual enactment", None,
     "Client and therapist unwittingly act out a pattern from the client's past, seen later."),
    ("enactment.frame_deviation", "Frame deviation", None,
     "A departure from the agreed time, fee or contact that carries unconscious meaning."),
    ("somatic.bodily_complaints", "Bodily complaints", None,
     "Physical complaints, such as pain or fatigue, that express or accompany conflict."),
    ("somatic.arousal", "Physiological arousal", None,
     "Visible arousal in session, such as trembling, flushing or changes in breathing."),
    ("somatic.numbing", "Bodily numbing", None,
     "Numbness, disconnection from the body or a collapse of energy in session."),
)
# fmt: on


def upgrade() -> None:
    """Apply this revision."""
    theme = op.create_table(
        "theme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("dmrs_level", sa.Integer(), nullable=True),
        sa.Column("dmrs_level_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(category = 'defense' AND dmrs_level IS NOT NULL)"
            " OR (category <> 'defense' AND dmrs_level IS NULL)",
            name=op.f("ck_theme_dmrs_level_for_defenses"),
        ),
        sa.CheckConstraint("dmrs_level BETWEEN 1 AND 7", name=op.f("ck_theme_dmrs_level_range")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_theme_created_by_user")),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_theme_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("practice_id", "code", name=op.f("uq_theme_practice_id_code")),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(
            "uq_theme_system_code",
            ["code"],
            unique=True,
            sqlite_where=sa.text("practice_id IS NULL"),
            postgresql_where=sa.text("practice_id IS NULL"),
        )
    _seed_system_themes(theme)

    op.create_table(
        "measure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("administered_on", sa.Date(), nullable=False),
        sa.Column("item_responses", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("subscales", sa.JSON(), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("risk_flag", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "instrument IN ('phq9', 'gad7', 'wai_sr')", name=op.f("ck_measure_instrument_known")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_measure_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_measure_practice_id_practice")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user.id"], name=op.f("fk_measure_recorded_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["session.id"], name=op.f("fk_measure_session_id_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_measure_client_id_instrument_administered_on",
            ["client_id", "instrument", "administered_on"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_measure_practice_id"), ["practice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_session_id"), ["session_id"], unique=False)

    op.create_table(
        "observation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("theme_id", sa.Uuid(), nullable=False),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("observed_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "intensity BETWEEN 1 AND 5", name=op.f("ck_observation_intensity_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_observation_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["observed_by"], ["user.id"], name=op.f("fk_observation_observed_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_observation_practice_id_practice")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["session.id"], name=op.f("fk_observation_session_id_session")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_observation_theme_id_theme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_observation_practice_id"), ["practice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_observation_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "relationship_episode",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("other_person", sa.Text(), nullable=False),
        sa.Column("wish_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("wish_text", sa.Text(), nullable=True),
        sa.Column(
            "response_of_other_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("response_of_other_text", sa.Text(), nullable=True),
        sa.Column(
            "response_of_other_valence", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column(
            "response_of_self_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("response_of_self_text", sa.Text(), nullable=True),
        sa.Column(
            "response_of_self_valence", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "response_of_other_valence IN ('positive', 'negative')",
            name=op.f("ck_relationship_episode_response_of_other_valence"),
        ),
        sa.CheckConstraint(
            "response_of_self_valence IN ('positive', 'negative')",
            name=op.f("ck_relationship_episode_response_of_self_valence"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_relationship_episode_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_relationship_episode_practice_id_practice"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user.id"], name=op.f("fk_relationship_episode_recorded_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["session.id"], name=op.f("fk_relationship_episode_session_id_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_episode")),
    )
    with op.batch_alter_table("relationship_episode", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relationship_episode_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationship_episode_practice_id"), ["practice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationship_episode_session_id"), ["session_id"], unique=False
        )


def _seed_system_themes(theme: sa.Table) -> None:
    """Insert the read-only system themes of SPEC §1.3."""
    op.bulk_insert(
        theme,
        [
            {
                "id": uuid.uuid5(SYSTEM_THEME_NAMESPACE, code),
                "practice_id": None,
                "code": code,
                "label": label,
                "category": code.split(".", 1)[0],
                "description": description,
                "dmrs_level": level,
                "dmrs_level_name": None if level is None else _DMRS_LEVEL_NAMES[level],
                "active": True,
                "created_by": None,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
            for code, label, level, description in _SYSTEM_THEMES
        ],
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("relationship_episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relationship_episode_session_id"))
        batch_op.drop_index(batch_op.f("ix_relationship_episode_practice_id"))
        batch_op.drop_index(batch_op.f("ix_relationship_episode_client_id"))

    op.drop_table("relationship_episode")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_theme_id"))
        batch_op.drop_index(batch_op.f("ix_observation_session_id"))
        batch_op.drop_index(batch_op.f("ix_observation_practice_id"))
        batch_op.drop_index(batch_op.f("ix_observation_client_id"))

    op.drop_table("observation")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_session_id"))
        batch_op.drop_index(batch_op.f("ix_measure_practice_id"))
        batch_op.drop_index("ix_measure_client_id_instrument_administered_on")

    op.drop_table("measure")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_theme_system_code",
            sqlite_where=sa.text("practice_id IS NULL"),
            postgresql_where=sa.text("practice_id IS NULL"),
        )

    op.drop_table("theme")
