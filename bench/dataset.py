"""Realistic bench data, loaded through the service's own CLI and HTTP API (never raw SQL)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from app.etag import etag_for
from bench.stack import notes_api

PASSWORD = "bench-password-1234"  # noqa: S105 - benchmark-only login
# The callers of the hot requests (bench/scenarios.py FORMS), and the auditor.
SUPERVISOR_EMAIL = "supervisor@bench.example"
THERAPIST_EMAIL = "therapist@bench.example"  # supervised by the supervisor
COLLEAGUE_EMAIL = "colleague@bench.example"  # on every client's care team
AUDITOR_EMAIL = "auditor@bench.example"
# DMRS levels of a few defenses, from SPEC §1.3, so that defensive functioning can mature.
DEFENSES = {
    1: ["acting_out", "passive_aggression"],
    2: ["splitting_of_other", "projective_identification"],
    3: ["denial", "rationalization", "projection"],
    4: ["idealization_of_other", "devaluation_of_self", "omnipotence"],
    5: ["repression", "displacement", "reaction_formation"],
    6: ["isolation_of_affect", "intellectualization", "undoing"],
    7: ["humor", "self_observation", "anticipation", "suppression"],
}
OTHER_THEMES = [
    "transference.positive",
    "transference.negative",
    "transference.idealizing",
    "countertransference.concordant",
    "affect.shame",
    "affect.anger",
    "affect.grief",
    "affect.anxiety",
    "attachment.anxious",
    "alliance.rupture",
    "alliance.repair",
]
CCRT_WISHES = ["to_be_close", "to_be_understood", "to_be_independent", "to_be_respected"]
CCRT_OTHER = [("rejects", "negative"), ("controls", "negative"), ("supports", "positive")]
CCRT_SELF = [("withdraws", "negative"), ("complies", "negative"), ("asserts", "positive")]
# (phase, position as a fraction of the course, rationale when it is not the next phase).
TRANSITIONS = [
    ("exploration", 0.05, None),
    ("working_through", 0.40, None),
    ("exploration", 0.60, "New material about the father reopened exploration."),
    ("working_through", 0.67, None),
    ("termination", 0.93, None),
]
NOTE_BODY = (
    "Client arrived on time and spoke at length about the weekend with her sister, returning "
    "several times to the moment the sister left early. She described feeling 'nothing much' "
    "while her voice tightened; when this was clarified she became briefly tearful and then "
    "changed the subject to work. Linked the pattern to earlier sessions in which closeness "
    "was followed by withdrawal. Transference: wondered aloud whether the therapist would "
    "also find her demanding and end sessions early. Interpretation offered tentatively; "
    "she was able to reflect on it and recalled her mother's absences after her brother was "
    "born. Alliance felt solid by the end. No new risk disclosed; mood described as low but "
    "improving, sleep better. Plan: continue weekly, stay with the theme of being left."
)


@dataclass(frozen=True)
class Sizes:
    """How much data to load: the issues' figures by default."""

    clients: int = 60
    notes: int = 200
    sessions: int = 300
    observations: int = 3000
    ccrt: int = 500
    measures: int = 60
    write_sessions: int = 100  # extra sessions without notes, targets of the POST scenario
    signed_notes: int = 100  # on sessions of their own (signing locks a session's observations)


QUICK_SIZES = Sizes(
    clients=10,
    notes=20,
    sessions=30,
    observations=300,
    ccrt=50,
    measures=12,
    write_sessions=44,
    signed_notes=20,
)


@dataclass(frozen=True)
class Accounts:
    """What ``notes-api`` created before the service started: ids and the API key."""

    practice_id: str
    supervisor_id: str
    therapist_id: str
    colleague_id: str
    auditor_id: str
    api_key: str = field(repr=False)


@dataclass
class Dataset:
    """What the scenarios need to know about the loaded data."""

    accounts: Accounts
    #: Bearer tokens by caller: therapist, care_team, supervisor, auditor, api_key.
    tokens: dict[str, str] = field(repr=False)
    client_ids: list[str] = field(default_factory=list)
    note_ids: list[str] = field(default_factory=list)  # drafts
    signed_note_ids: list[str] = field(default_factory=list)
    draft_session_ids: list[str] = field(default_factory=list)
    write_session_ids: list[str] = field(default_factory=list)
    big_client_id: str = ""
    big_episode_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The dataset without its tokens, for the results file."""
        data = asdict(self)
        data["accounts"].pop("api_key")
        for key in ("tokens", "client_ids", "note_ids", "signed_note_ids"):
            data.pop(key)
        data["draft_session_ids"] = len(self.draft_session_ids)
        data["write_session_ids"] = len(self.write_session_ids)
        return data


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1].strip()


def create_accounts(env: Mapping[str, str]) -> Accounts:
    """Through ``notes-api``: a practice, its users and a ``notes:read`` API key."""
    practice = _last_line(notes_api(["create-practice", "--name", "Bench practice"], env))

    def user(email: str, role: str, *extra: str) -> str:
        args = ["create-user", "--practice", practice, "--email", email, "--role", role]
        return _last_line(notes_api([*args, "--password", PASSWORD, *extra], env))

    supervisor = user(SUPERVISOR_EMAIL, "supervisor")
    key_args = ["--practice", practice, "--name", "bench reader", "--scopes", "notes:read"]
    return Accounts(
        practice_id=practice,
        supervisor_id=supervisor,
        therapist_id=user(THERAPIST_EMAIL, "therapist", "--supervisor", supervisor),
        colleague_id=user(COLLEAGUE_EMAIL, "therapist"),
        auditor_id=user(AUDITOR_EMAIL, "auditor"),
        api_key=_last_line(notes_api(["create-api-key", *key_args], env)),
    )


def login(base: str, email: str) -> str:
    """An access token from ``POST /v1/auth/token``."""
    form = {"username": email, "password": PASSWORD}
    response = httpx.post(f"{base}/v1/auth/token", data=form, timeout=60)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


class Api:
    """A few concurrent JSON POSTs to the service as one caller."""

    def __init__(self, base: str, token: str, concurrency: int = 8) -> None:
        self.client = httpx.AsyncClient(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
            limits=httpx.Limits(max_connections=concurrency),
        )
        self.limit = asyncio.Semaphore(concurrency)
        self.posted = 0

    async def post(
        self, path: str, body: Mapping[str, Any] | None, headers: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST ``body``; raise with the problem document on any status but 2xx."""
        async with self.limit:
            response = await self.client.post(path, json=body, headers=headers)
        if response.status_code >= 300:
            raise RuntimeError(f"POST {path} -> {response.status_code}: {response.text[:500]}")
        self.posted += 1
        result: dict[str, Any] = response.json()
        return result

    async def all(self, calls: Iterable[Awaitable[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Await ``calls`` concurrently (bounded by the semaphore), in order."""
        return list(await asyncio.gather(*calls))


def _at(day: date) -> str:
    return f"{day.isoformat()}T10:00:00+00:00"


def _client_body(i: int, care_team: list[str]) -> dict[str, Any]:
    return {
        "care_team": care_team,
        "given_name": f"Client{i}",
        "family_name": "Bench",
        "date_of_birth": (date(1960, 1, 1) + timedelta(days=137 * i)).isoformat(),
        "email": f"client{i}@bench.example",
        "phone": "+1 555 0100",
        "presenting_concerns": "Low mood since a bereavement; difficulties in relationships.",
    }


def _note_body(i: int) -> dict[str, Any]:
    return {
        "kind": "progress",
        "body": NOTE_BODY,
        "interventions": ["clarification", "transference_interpretation"][: 1 + i % 2],
        "risk": {"level": "low", "details": "Passive thoughts last month; none since."},
        "plan": "Continue weekly; return to the theme of leaving.",
    }


def _observation(rng: random.Random, progress: float) -> dict[str, Any]:
    if rng.random() < 0.6:  # defenses mature over the course: centre moves from 2.5 to 6.5
        level = min(7, max(1, round(rng.gauss(2.5 + 4 * progress, 1.2))))
        code = f"defense.{rng.choice(DEFENSES[level])}"
    else:
        code = rng.choice(OTHER_THEMES)
    body: dict[str, Any] = {"theme_code": code, "intensity": rng.randint(1, 5)}
    if rng.random() < 0.3:
        body["evidence"] = "Spoke about the father's death in general terms, without feeling."
    return body


def _ccrt(rng: random.Random) -> dict[str, Any]:
    other, self_ = rng.choice(CCRT_OTHER), rng.choice(CCRT_SELF)
    return {
        "other_person": rng.choice(["mother", "partner", "manager", "sister"]),
        "wish": {"code": rng.choice(CCRT_WISHES), "text": "Wanted to be asked how it went."},
        "response_of_other": {"code": other[0], "valence": other[1]},
        "response_of_self": {"code": self_[0], "valence": self_[1]},
    }


def _measure(k: int, progress: float, session_id: str) -> dict[str, Any]:
    instrument = ("phq9", "gad7", "wai_sr")[k % 3]
    if instrument == "wai_sr":
        items = [min(5, 2 + round(3 * progress))] * 12
    else:
        level = max(0, min(3, round(3 * (1 - progress))))
        items = [level] * (9 if instrument == "phq9" else 7)
        if instrument == "phq9":
            items[8] = 1 if progress < 0.2 else 0
    return {"instrument": instrument, "items": items, "session_id": session_id}


async def _caseload(api: Api, ds: Dataset, sizes: Sizes, routes: set[str]) -> None:
    """Clients with open episodes, sessions, draft progress notes and recent measures."""
    today = date.today()
    team = [ds.accounts.colleague_id]
    clients = await api.all(
        api.post("/v1/clients", _client_body(i, team)) for i in range(sizes.clients)
    )
    ds.client_ids = [c["id"] for c in clients]
    ds.big_client_id = ds.client_ids[0]
    start_big = today - timedelta(weeks=sizes.sessions + 2)
    episodes = await api.all(
        api.post(
            f"/v1/clients/{cid}/episodes",
            {"started_on": (start_big if i == 0 else today - timedelta(days=400)).isoformat()},
        )
        for i, cid in enumerate(ds.client_ids)
    )
    ds.big_episode_id = episodes[0]["id"]
    others = ds.client_ids[1:] or ds.client_ids
    plan = [(others[i % len(others)], 1 + i // len(others)) for i in range(sizes.notes)]
    visits = await api.all(
        api.post(
            "/v1/sessions",
            {"client_id": cid, "starts_at": _at(today - timedelta(weeks=w)), "status": "attended"},
        )
        for cid, w in plan
    )
    ds.draft_session_ids = [v["id"] for v in visits]
    extra = await api.all(
        api.post(
            "/v1/sessions",
            {
                "client_id": others[i % len(others)],
                "starts_at": _at(today - timedelta(days=2)),
                "status": "attended",
            },
        )
        for i in range(sizes.write_sessions)
    )
    # Writers spread over many sessions, as clinicians do: one session's writes queue on a lock.
    ds.write_session_ids = ds.draft_session_ids + [v["id"] for v in extra]
    if "/v1/sessions/{id}/notes" in routes:
        notes = await api.all(
            api.post(f"/v1/sessions/{v['id']}/notes", _note_body(i)) for i, v in enumerate(visits)
        )
        ds.note_ids = [n["id"] for n in notes]
    if "/v1/notes/{id}/sign" in routes:
        ds.signed_note_ids = await _signed_notes(api, others, sizes.signed_notes)
    if "/v1/clients/{id}/measures" in routes:
        await api.all(
            api.post(f"/v1/clients/{cid}/measures", {"instrument": inst, "items": items})
            for cid in others
            for inst, items in (("phq9", [1] * 8 + [0]), ("gad7", [2] * 7))
        )


async def _signed_notes(api: Api, client_ids: list[str], count: int) -> list[str]:
    """``count`` signed progress notes, each on a session of its own, none of the write ones."""
    day = _at(date.today() - timedelta(days=3))
    visits = await api.all(
        api.post(
            "/v1/sessions",
            {"client_id": client_ids[i % len(client_ids)], "starts_at": day, "status": "attended"},
        )
        for i in range(count)
    )
    notes = await api.all(
        api.post(f"/v1/sessions/{v['id']}/notes", _note_body(i)) for i, v in enumerate(visits)
    )
    signed = await api.all(
        api.post(
            f"/v1/notes/{n['id']}/sign",
            None,
            {"If-Match": etag_for(uuid.UUID(n["id"]), n["version"])},
        )
        for n in notes
    )
    return [n["id"] for n in signed if n["status"] == "signed"]


async def _big_episode(api: Api, ds: Dataset, sizes: Sizes, routes: set[str]) -> None:
    """One long course of treatment: sessions, phase moves, observations, CCRT, measures."""
    rng = random.Random(6)  # noqa: S311 - reproducible data, not security
    today = date.today()
    n = sizes.sessions
    days = [today - timedelta(weeks=n - j) for j in range(n)]
    statuses = ["cancelled" if j % 20 == 19 else "attended" for j in range(n)]
    visits = await api.all(
        api.post(
            "/v1/sessions",
            {"client_id": ds.big_client_id, "starts_at": _at(d), "status": s},
        )
        for d, s in zip(days, statuses, strict=True)
    )
    held = [(j, v["id"]) for j, v in enumerate(visits) if statuses[j] == "attended"]
    if "/v1/episodes/{id}/phase-transitions" in routes:
        for phase, where, rationale in TRANSITIONS:
            body = {"to_phase": phase, "effective_on": days[int(where * (n - 1))].isoformat()}
            await api.post(
                f"/v1/episodes/{ds.big_episode_id}/phase-transitions",
                {**body, "rationale": rationale} if rationale else body,
            )
    ds.counts["big_episode_sessions"] = n
    if "/v1/sessions/{id}/observations" in routes:
        await api.all(
            api.post(
                f"/v1/sessions/{held[k % len(held)][1]}/observations",
                _observation(rng, held[k % len(held)][0] / n),
            )
            for k in range(sizes.observations)
        )
        ds.counts["big_episode_observations"] = sizes.observations
    if "/v1/sessions/{id}/relationship-episodes" in routes:
        await api.all(
            api.post(f"/v1/sessions/{held[(k * 7) % len(held)][1]}/relationship-episodes", body)
            for k, body in enumerate(_ccrt(rng) for _ in range(sizes.ccrt))
        )
        ds.counts["big_episode_relationship_episodes"] = sizes.ccrt
    if "/v1/clients/{id}/measures" in routes:
        step = max(1, len(held) // sizes.measures)
        await api.all(
            api.post(
                f"/v1/clients/{ds.big_client_id}/measures",
                _measure(k, held[(k * step) % len(held)][0] / n, held[(k * step) % len(held)][1]),
            )
            for k in range(sizes.measures)
        )
        ds.counts["big_episode_measures"] = sizes.measures


async def _load(base: str, ds: Dataset, sizes: Sizes, routes: set[str]) -> None:
    api = Api(base, ds.tokens["therapist"])
    try:
        await _caseload(api, ds, sizes, routes)
        await _big_episode(api, ds, sizes, routes)
    finally:
        await api.client.aclose()
    ds.counts |= {
        "clients": len(ds.client_ids),
        "notes": len(ds.note_ids),
        "signed_notes": len(ds.signed_note_ids),
        "requests": api.posted,
    }


def load(base: str, accounts: Accounts, sizes: Sizes, routes: set[str]) -> Dataset:
    """Log in as the accounts and load ``sizes`` of data through the running service."""
    logins = {
        "therapist": THERAPIST_EMAIL,
        "care_team": COLLEAGUE_EMAIL,
        "supervisor": SUPERVISOR_EMAIL,
        "auditor": AUDITOR_EMAIL,
    }
    tokens = {caller: login(base, email) for caller, email in logins.items()}
    ds = Dataset(accounts, tokens | {"api_key": accounts.api_key})
    asyncio.run(_load(base, ds, sizes, routes))
    return ds
