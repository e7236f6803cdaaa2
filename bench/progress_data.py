"""Benchmark data for progress and caseload, written through the service's own models.

`build(...)` loads, into one practice, a therapist's caseload of `clients` clients with open
episodes, and one long episode with `sessions` sessions, `observations` observations,
`relationship_episodes` CCRT episodes and `measures` measures (the issue's figures by
default), encrypting texts as the API does. It runs in one transaction in a few seconds.

    python -m bench.progress_data   # NOTES_DATABASE_URL; prints the ids as JSON
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.db import utcnow
from app.measures.scoring import score
from app.models import (
    Client,
    Episode,
    Measure,
    Note,
    Observation,
    PhaseTransition,
    RelationshipEpisode,
    Theme,
    TherapySession,
)
from app.security.encryption import KeyRing
from app.security.fields import seal
from app.themes.catalog import SYSTEM_THEMES

# (phase, fraction of the course at which it starts, rationale when not the next phase)
COURSE = (
    ("initial", 0.0, None),
    ("exploration", 0.05, None),
    ("working_through", 0.40, None),
    ("exploration", 0.60, "New material about the father reopened exploration."),
    ("working_through", 0.67, None),
    ("termination", 0.93, None),
)
WISHES = ("to_be_close", "to_be_understood", "to_be_independent", "to_be_respected")
OTHERS = (("rejects", "negative"), ("controls", "negative"), ("supports", "positive"))
SELVES = (("withdraws", "negative"), ("complies", "negative"), ("asserts", "positive"))


@dataclass(frozen=True)
class Sizes:
    """How much to build."""

    clients: int = 60
    sessions: int = 300
    observations: int = 3000
    relationship_episodes: int = 500
    measures: int = 60


@dataclass
class BenchData:
    """What was built: the big episode, its client, and every caseload client."""

    practice_id: uuid.UUID
    therapist_id: uuid.UUID
    big_client_id: uuid.UUID
    big_episode_id: uuid.UUID
    client_ids: list[uuid.UUID] = field(default_factory=list)


class _Layers:
    """Rows grouped so that each group only refers to rows of earlier groups (no ORM relations)."""

    def __init__(self) -> None:
        self.rows: list[list[SQLModel]] = [[], [], [], []]

    def add(self, layer: int, *rows: SQLModel) -> None:
        """Stage rows in a layer: 0 clients, 1 episodes, 2 transitions and sessions, 3 the rest."""
        self.rows[layer].extend(rows)

    async def flush(self, session: AsyncSession) -> None:
        """Insert layer by layer, so that foreign keys always find their rows."""
        for rows in self.rows:
            session.add_all(rows)
            await session.flush()


def _episode(
    layers: _Layers,
    ring: KeyRing,
    practice_id: uuid.UUID,
    therapist_id: uuid.UUID,
    started_on: date,
    span_days: int,
    number: int,
) -> tuple[Client, Episode]:
    client = Client(
        practice_id=practice_id,
        given_name=f"Bench{number}",
        family_name=f"Client{number:03d}",
        primary_therapist_id=therapist_id,
    )
    episode = Episode(
        practice_id=practice_id,
        client_id=client.id,
        therapist_id=therapist_id,
        started_on=started_on,
    )
    layers.add(0, client)
    layers.add(1, episode)
    moves = COURSE if number == 0 else COURSE[: 1 + number % 4]
    previous = None
    for position, (phase, where, rationale) in enumerate(moves):
        transition = PhaseTransition(
            practice_id=practice_id,
            episode_id=episode.id,
            position=position,
            from_phase=previous,
            to_phase=phase,
            effective_on=started_on + timedelta(days=int(where * span_days)),
            recorded_by=therapist_id,
        )
        transition.rationale = seal(ring, transition, "rationale", rationale)
        layers.add(2, transition)
        previous = phase
    episode.current_phase = moves[-1][0]
    return client, episode


def _visit(client: Client, episode: Episode, on: date, status: str) -> TherapySession:
    start = datetime.combine(on, time(10), tzinfo=UTC)
    return TherapySession(
        practice_id=client.practice_id,
        client_id=client.id,
        episode_id=episode.id,
        therapist_id=episode.therapist_id,
        starts_at=start,
        starts_on=on,
        duration_minutes=50,
        modality="in_person",
        status=status,
    )


def _measure(client: Client, instrument: str, on: date, level: float, by: uuid.UUID) -> Measure:
    if instrument == "wai_sr":
        items = [min(5, 2 + round(3 * level))] * 12
    else:
        items = [max(0, min(3, round(3 * (1 - level))))] * (9 if instrument == "phq9" else 7)
        if instrument == "phq9":
            items[8] = 1 if level < 0.2 else 0
    result = score(instrument, items)
    return Measure(
        practice_id=client.practice_id,
        client_id=client.id,
        instrument=instrument,
        administered_on=on,
        item_responses=items,
        total=float(result.total),
        subscales=dict(result.subscales),
        severity=result.severity,
        risk_flag=result.risk_flag,
        recorded_by=by,
    )


async def build(
    *,
    session: AsyncSession,
    ring: KeyRing,
    practice_id: uuid.UUID,
    therapist_id: uuid.UUID,
    sizes: Sizes | None = None,
) -> BenchData:
    """Load the benchmark caseload and big episode into an existing practice; flushes."""
    sizes = sizes or Sizes()
    rng = random.Random(5)  # noqa: S311 - reproducible data, not security
    today = utcnow().date()
    system = await session.execute(
        select(col(Theme.code), col(Theme.id)).where(col(Theme.practice_id).is_(None))
    )
    ids: dict[str, uuid.UUID] = dict(system.all())
    by_level: dict[int, list[str]] = {}
    for theme in SYSTEM_THEMES:
        if theme.dmrs_level is not None:
            by_level.setdefault(theme.dmrs_level, []).append(theme.code)
    others = [t.code for t in SYSTEM_THEMES if t.dmrs_level is None]

    span = sizes.sessions * 7
    layers = _Layers()
    big_client, big = _episode(
        layers, ring, practice_id, therapist_id, today - timedelta(days=span), span, 0
    )
    data = BenchData(practice_id, therapist_id, big_client.id, big.id, [big_client.id])
    visits = [
        _visit(
            big_client,
            big,
            big.started_on + timedelta(days=7 * j),
            "cancelled" if j % 20 == 19 else "attended",
        )
        for j in range(sizes.sessions)
    ]
    layers.add(2, *visits)
    held = [(j, v) for j, v in enumerate(visits) if v.status == "attended"]
    for k in range(sizes.observations):
        j, visit = held[k % len(held)]
        if rng.random() < 0.6:  # defenses mature over the course
            level = min(7, max(1, round(rng.gauss(2.5 + 4 * j / sizes.sessions, 1.2))))
            code = rng.choice(by_level[level])
        else:
            code = rng.choice(others)
        row = Observation(
            practice_id=practice_id,
            session_id=visit.id,
            client_id=big_client.id,
            theme_id=ids[code],
            intensity=rng.randint(1, 5),
            observed_by=therapist_id,
        )
        if k % 3 == 0:
            row.evidence = seal(ring, row, "evidence", "Spoke of the loss without feeling.")
        layers.add(3, row)
    for k in range(sizes.relationship_episodes):
        _, visit = held[(k * 7) % len(held)]
        other, own = rng.choice(OTHERS), rng.choice(SELVES)
        episode_row = RelationshipEpisode(
            practice_id=practice_id,
            session_id=visit.id,
            client_id=big_client.id,
            other_person="",
            wish_code=rng.choice(WISHES),
            response_of_other_code=other[0],
            response_of_other_valence=other[1],
            response_of_self_code=own[0],
            response_of_self_valence=own[1],
            recorded_by=therapist_id,
        )
        episode_row.other_person = seal(ring, episode_row, "other_person", "mother") or ""
        layers.add(3, episode_row)
    step = max(1, len(held) // max(1, sizes.measures))
    for k in range(sizes.measures):
        j, visit = held[(k * step) % len(held)]
        administered = _measure(
            big_client,
            ("phq9", "gad7", "wai_sr")[k % 3],
            visit.starts_on,
            j / sizes.sessions,
            therapist_id,
        )
        administered.session_id = visit.id
        layers.add(3, administered)

    for number in range(1, sizes.clients):
        client, episode = _episode(
            layers, ring, practice_id, therapist_id, today - timedelta(days=400), 400, number
        )
        data.client_ids.append(client.id)
        weekly = [
            _visit(client, episode, today - timedelta(weeks=w), "attended") for w in range(1, 11)
        ]
        layers.add(2, *weekly)
        for instrument in ("phq9", "gad7"):
            layers.add(
                3,
                _measure(
                    client, instrument, today - timedelta(weeks=1), rng.random(), therapist_id
                ),
            )
        layers.add(
            3,
            Note(
                practice_id=practice_id,
                session_id=weekly[0].id,
                client_id=client.id,
                kind="progress",
                author_id=therapist_id,
                risk_level=("none", "low", "moderate", "high")[number % 4],
            ),
        )
    await layers.flush(session)
    return data


async def _main() -> None:
    """Create a bench practice and therapist, load the data, print the ids."""
    from app.config import get_settings
    from app.db import create_engine, create_sessionmaker
    from app.models import Practice
    from app.security.passwords import Passwords
    from app.security.secrets import load_secrets
    from app.users import service as users
    from app.users.schemas import UserCreate

    settings = get_settings()
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            practice = Practice(name="Bench practice")
            session.add(practice)
            await session.flush()
            user = await users.create_user(
                session=session,
                passwords=Passwords(settings),
                practice_id=practice.id,
                user_in=UserCreate(
                    email=f"bench-{uuid.uuid4().hex[:8]}@bench.example",
                    display_name="Bench Therapist",
                    role="therapist",
                ),
                password="bench-password-1234",  # noqa: S106 - benchmark-only login
            )
            data = await build(
                session=session,
                ring=load_secrets(settings).key_ring,
                practice_id=practice.id,
                therapist_id=user.id,
            )
            await session.commit()
    finally:
        await engine.dispose()
    print(json.dumps(asdict(data), default=str))  # noqa: T201


if __name__ == "__main__":
    asyncio.run(_main())
