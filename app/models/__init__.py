"""Every table of the service; importing this package registers them all on the metadata."""

from app.models.audit import AuditEvent, AuditEventClient
from app.models.idempotency import IdempotencyRecord
from app.models.practice import Practice
from app.models.user import ApiKey, LoginAttempt, RefreshToken, RevokedAccessToken, User

__all__ = [
    "ApiKey",
    "AuditEvent",
    "AuditEventClient",
    "IdempotencyRecord",
    "LoginAttempt",
    "Practice",
    "RefreshToken",
    "RevokedAccessToken",
    "User",
]
