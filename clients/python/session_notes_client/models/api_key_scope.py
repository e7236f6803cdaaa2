from enum import StrEnum


class ApiKeyScope(StrEnum):
    AUDITREAD = "audit:read"
    CLIENTSREAD = "clients:read"
    CLIENTSWRITE = "clients:write"
    EVENTSREAD = "events:read"
    NOTESREAD = "notes:read"
    PROGRESSREAD = "progress:read"
    SESSIONSREAD = "sessions:read"
    SESSIONSWRITE = "sessions:write"
    USERSREAD = "users:read"
    WEBHOOKSMANAGE = "webhooks:manage"

    def __str__(self) -> str:
        return str(self.value)
