"""The demo practice: one user of each role, idempotently seeded."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth import credentials
from app.config import Settings
from app.demo.clinical import seed_clinical
from app.demo.notes import seed_notes
from app.demo.progress import seed_progress
from app.feed.types import EVENT_TYPES
from app.models import Practice, User
from app.security.encryption import KeyRing
from app.security.passwords import Passwords
from app.security.secrets import load_secrets
from app.users import service as users
from app.users.schemas import UserCreate
from app.webhooks import service as webhooks

DEMO_PRACTICE = "Demo Practice"
# A colleague invited by the admin, who sets their own password with the invite token
# (SPEC §2.1): the demo shows the token once, when the practice is first seeded.
INVITED = ("therapist", "newcomer@demo.example", "Nia Newcomer")
INVITED_LATER = "(invited; an admin's reset gives a new token)"
DEMO_USERS = (
    ("admin", "admin@demo.example", "Ada Admin", "demo-admin-pass"),
    ("supervisor", "supervisor@demo.example", "Sigmund Supervisor", "demo-supervisor-pass"),
    ("therapist", "therapist@demo.example", "Thea Therapist", "demo-therapist-pass"),
    ("therapist", "trainee@demo.example", "Tom Trainee", "demo-trainee-pass"),
    ("auditor", "auditor@demo.example", "Audrey Auditor", "demo-auditor-pass"),
)


async def seed(*, session: AsyncSession, settings: Settings) -> list[tuple[str, str, str]]:
    """Create the demo practice and users unless they exist; return the logins."""
    logins = [(("trainee" if "trainee" in e else r), e, p) for r, e, _, p in DEMO_USERS]
    found = await session.execute(select(User).where(col(User.email) == DEMO_USERS[0][1]))
    if found.scalar_one_or_none() is not None:
        return [*logins, ("invited", INVITED[1], INVITED_LATER)]
    passwords = Passwords(settings)
    practice = Practice(name=DEMO_PRACTICE)
    session.add(practice)
    await session.flush()
    supervisor_id = None
    created: dict[str, User] = {}
    for role, email, name, password in DEMO_USERS:
        trainee = "trainee" in email
        user = await users.create_user(
            session=session,
            passwords=passwords,
            practice_id=practice.id,
            user_in=UserCreate(
                email=email,
                display_name=name,
                role=role,
                supervisor_id=supervisor_id if trainee else None,
                requires_cosign=trainee,
            ),
            password=password,
        )
        if role == "supervisor":
            supervisor_id = user.id
        created["trainee" if trainee else role] = user
    secrets = load_secrets(settings)
    invited = await users.create_user(
        session=session,
        passwords=passwords,
        practice_id=practice.id,
        user_in=UserCreate(email=INVITED[1], display_name=INVITED[2], role=INVITED[0]),
    )
    token, _ = await credentials.issue_token(
        session=session,
        pepper=secrets.api_key_pepper,
        user=invited,
        purpose="invite",
        created_by=created["admin"].id,
    )
    logins.append(("invited", INVITED[1], f"invite token {token}"))
    ring = secrets.key_ring
    visits = await seed_clinical(
        session=session,
        practice_id=practice.id,
        users=created,
        ring=ring,
    )
    await seed_notes(session=session, visits=visits, users=created, ring=ring)
    await seed_progress(session=session, visits=visits, ring=ring)
    await seed_webhook(session=session, practice_id=practice.id, ring=ring)
    return logins


DEMO_WEBHOOK_URL = "https://hooks.invalid/session-notes"  # RFC 2606: never resolves


async def seed_webhook(*, session: AsyncSession, practice_id: uuid.UUID, ring: KeyRing) -> None:
    """One webhook endpoint pointing nowhere, disabled until someone points it at a receiver."""
    endpoint, _ = await webhooks.create_endpoint(
        session=session,
        ring=ring,
        practice_id=practice_id,
        url=DEMO_WEBHOOK_URL,
        types=sorted(t for t in EVENT_TYPES if t.startswith(("client.", "session."))),
        description="Demo: set your receiver's URL, then PATCH enabled=true",
    )
    endpoint.enabled = False
    endpoint.disabled_at = endpoint.created_at
    endpoint.disabled_reason = "Demo endpoint: it points nowhere"
    await session.flush()
