"""Demo findings: observations, CCRT episodes and measures that tell a course of treatment.

Across each demo episode the defenses mature, phase by phase, from disavowal and image
distortion toward obsessional and then high-adaptive ones; insight emerges and consolidates;
the relationship episodes move from rejection and withdrawal toward being understood and
asserting oneself; PHQ-9 and GAD-7 fall while the working alliance (WAI-SR) grows. Called by
the demo seed with its attended sessions; does nothing when the practice already has findings.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.episodes.phases import phase_on
from app.measures.scoring import score
from app.models import Measure, Observation, PhaseTransition, RelationshipEpisode, Theme
from app.models import TherapySession as Visit
from app.security.encryption import KeyRing
from app.security.fields import seal

# What a clinician might note in each phase: (theme code, intensity), cycled session by session.
_THEMES = {
    "initial": (
        ("defense.denial", 4),
        ("affect.anxiety", 3),
        ("defense.rationalization", 3),
        ("transference.negative", 2),
        ("defense.projection", 3),
        ("affect.shame", 3),
        ("defense.devaluation_of_other", 3),
        ("resistance.lateness", 2),
        ("defense.help_rejecting_complaining", 2),
    ),
    "exploration": (
        ("defense.intellectualization", 4),
        ("affect.grief", 3),
        ("defense.projection", 2),
        ("defense.isolation_of_affect", 3),
        ("insight.emerging", 2),
        ("defense.displacement", 3),
        ("transference.dependent", 2),
        ("defense.reaction_formation", 2),
        ("alliance.rupture", 3),
        ("early_experience.loss", 3),
    ),
    "working_through": (
        ("defense.self_observation", 3),
        ("insight.emerging", 3),
        ("defense.intellectualization", 2),
        ("defense.suppression", 3),
        ("alliance.repair", 3),
        ("affect.grief", 2),
        ("defense.anticipation", 3),
        ("insight.consolidated", 2),
        ("defense.affiliation", 2),
    ),
    "termination": (
        ("defense.self_observation", 4),
        ("defense.anticipation", 3),
        ("insight.consolidated", 4),
        ("affect.grief", 2),
        ("defense.humor", 3),
        ("transference.positive", 3),
        ("defense.affiliation", 3),
        ("defense.self_assertion", 3),
    ),
}
_POSITIVE, _NEGATIVE = "positive", "negative"
# (other person, wish, response of other, response of self) per phase, cycled.
_EPISODES = {
    "initial": (
        ("mother", "to_be_close", ("rejects", _NEGATIVE), ("withdraws", _NEGATIVE)),
        ("manager", "to_be_recognized", ("criticizes", _NEGATIVE), ("complies", _NEGATIVE)),
    ),
    "exploration": (
        ("partner", "to_be_close", ("rejects", _NEGATIVE), ("withdraws", _NEGATIVE)),
        ("therapist", "to_be_understood", ("understands", _POSITIVE), ("withdraws", _NEGATIVE)),
        ("father", "to_be_recognized", ("controls", _NEGATIVE), ("complies", _NEGATIVE)),
    ),
    "working_through": (
        ("partner", "to_be_close", ("understands", _POSITIVE), ("opens_up", _POSITIVE)),
        ("manager", "to_be_recognized", ("criticizes", _NEGATIVE), ("asserts_self", _POSITIVE)),
    ),
    "termination": (
        ("friend", "to_be_close", ("supports", _POSITIVE), ("opens_up", _POSITIVE)),
        ("therapist", "to_be_independent", ("supports", _POSITIVE), ("asserts_self", _POSITIVE)),
    ),
}


def _items(instrument: str, total: int) -> list[int]:
    """Item responses that add up to `total`, spread evenly (PHQ-9 item 9 left at 0)."""
    count = 9 if instrument == "phq9" else 7
    spread = count - 1 if instrument == "phq9" else count
    items = [total // spread + (1 if i < total % spread else 0) for i in range(spread)]
    return items + [0] * (count - spread)


def _measures(progress: float, number: int) -> list[tuple[str, list[int]]]:
    """Which questionnaires this session gets, their scores following the course."""
    out: list[tuple[str, list[int]]] = []
    if number % 3 == 0:
        total = round(19 - 15 * progress)
        phq9 = _items("phq9", total - (1 if number == 0 else 0))
        if number == 0:
            phq9[8] = 1  # passive thoughts of death at intake, gone later
        out.append(("phq9", phq9))
    if number % 4 == 1:
        out.append(("gad7", _items("gad7", round(15 - 11 * progress))))
    if number % 6 == 2:
        alliance = [min(5, round(3 + 1.6 * progress + (i % 3) * 0.3)) for i in range(12)]
        out.append(("wai_sr", alliance))
    return out


async def seed_progress(*, session: AsyncSession, visits: Sequence[Visit], ring: KeyRing) -> int:
    """Add the demo findings to the attended `visits`; returns how many rows were added."""
    if not visits:
        return 0
    practice_id = visits[0].practice_id
    existing = await session.execute(
        select(col(Observation.id)).where(col(Observation.practice_id) == practice_id).limit(1)
    )
    if existing.first() is not None:
        return 0
    themes = dict(
        (
            await session.execute(
                select(col(Theme.code), col(Theme.id)).where(col(Theme.practice_id).is_(None))
            )
        ).all()
    )
    episodes = {visit.episode_id for visit in visits}
    transitions: dict[uuid.UUID, list[PhaseTransition]] = defaultdict(list)
    rows = await session.execute(
        select(PhaseTransition).where(col(PhaseTransition.episode_id).in_(episodes))
    )
    for transition in rows.scalars():
        transitions[transition.episode_id].append(transition)
    by_episode: dict[uuid.UUID, list[Visit]] = defaultdict(list)
    for visit in sorted(visits, key=lambda v: v.starts_on):
        by_episode[visit.episode_id].append(visit)
    added: list[Any] = []
    for episode_id, held in by_episode.items():
        for number, visit in enumerate(held):
            phase = phase_on(transitions[episode_id], visit.starts_on) or "initial"
            added += _findings(visit, phase, number, themes, ring)
            progress = number / max(1, len(held) - 1)
            for instrument, items in _measures(progress, number):
                result = score(instrument, items)
                added.append(
                    Measure(
                        practice_id=practice_id,
                        client_id=visit.client_id,
                        session_id=visit.id,
                        instrument=instrument,
                        administered_on=visit.starts_on,
                        item_responses=items,
                        total=float(result.total),
                        subscales=dict(result.subscales),
                        severity=result.severity,
                        risk_flag=result.risk_flag,
                        recorded_by=visit.therapist_id,
                    )
                )
    session.add_all(added)
    await session.flush()
    return len(added)


def _findings(
    visit: Visit, phase: str, number: int, themes: dict[str, uuid.UUID], ring: KeyRing
) -> list[Any]:
    """Three observations per session, and a relationship episode every other session."""
    pool = _THEMES[phase]
    out: list[Any] = []
    for k in range(3):
        code, intensity = pool[(number * 3 + k) % len(pool)]
        row = Observation(
            practice_id=visit.practice_id,
            session_id=visit.id,
            client_id=visit.client_id,
            theme_id=themes[code],
            intensity=max(1, min(5, intensity + (number + k) % 2)),
            observed_by=visit.therapist_id,
        )
        if k == 0:
            row.evidence = seal(ring, row, "evidence", f"Noted in session {number + 1}: {code}.")
        out.append(row)
    if number % 2 == 0:
        other, wish, response, own = _EPISODES[phase][(number // 2) % len(_EPISODES[phase])]
        told = RelationshipEpisode(
            practice_id=visit.practice_id,
            session_id=visit.id,
            client_id=visit.client_id,
            other_person="",
            wish_code=wish,
            response_of_other_code=response[0],
            response_of_other_valence=response[1],
            response_of_self_code=own[0],
            response_of_self_valence=own[1],
            recorded_by=visit.therapist_id,
        )
        told.other_person = seal(ring, told, "other_person", other) or ""
        told.wish_text = seal(ring, told, "wish_text", f"Wished {wish.replace('_', ' ')}.")
        out.append(told)
    return out
