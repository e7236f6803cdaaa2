from enum import StrEnum


class ApiKeyScope(StrEnum):
    AUDITREAD = "audit:read"
    CLIENTSREAD = "clients:read"
    CLIENTSWRITE = "clients:write"
    NOTESREAD = "notes:read"
    PROGRESSREAD = "progress:read"
    SESSIONSREAD = "sessions:read"
    SESSIONSWRITE = "sessions:write"

    def __str__(self) -> str:
        return str(self.value)
