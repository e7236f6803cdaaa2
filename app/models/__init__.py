"""Every table of the service; importing this package registers them all on the metadata."""

from sqlalchemy.orm import configure_mappers

from app.models.audit import (
    AuditCheckpoint,
    AuditEvent,
    AuditEventClient,
    AuditLeaf,
    AuditNode,
    AuditReview,
)
from app.models.clinical import PHASES, CareTeamMember, Client, Episode, PhaseTransition
from app.models.feed import FeedCounter, FeedEvent
from app.models.findings import Observation, RelationshipEpisode
from app.models.idempotency import IdempotencyRecord
from app.models.measures import Measure
from app.models.notes import Addendum, Note
from app.models.practice import Practice
from app.models.sessions import TherapySession
from app.models.themes import Theme
from app.models.user import (
    ApiKey,
    LoginAttempt,
    PasswordToken,
    RefreshToken,
    RevokedAccessToken,
    User,
)
from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "PHASES",
    "Addendum",
    "CareTeamMember",
    "Client",
    "Episode",
    "Note",
    "PhaseTransition",
    "TherapySession",
    "ApiKey",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditEventClient",
    "AuditLeaf",
    "AuditNode",
    "AuditReview",
    "IdempotencyRecord",
    "LoginAttempt",
    "PasswordToken",
    "Practice",
    "RefreshToken",
    "RevokedAccessToken",
    "User",
    "Measure",
    "Observation",
    "RelationshipEpisode",
    "Theme",
    "FeedCounter",
    "FeedEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# Mapped now rather than at the first ORM query: detached rows built from Core results
# (app/security/reach.py) need the mappers before any query has run.
configure_mappers()
