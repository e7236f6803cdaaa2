from enum import StrEnum


class SubscribableEventType(StrEnum):
    API_KEY = "api_key.*"
    API_KEY_CREATED = "api_key.created"
    API_KEY_DELETED = "api_key.deleted"
    API_KEY_UPDATED = "api_key.updated"
    CLIENT = "client.*"
    CLIENT_CREATED = "client.created"
    CLIENT_UPDATED = "client.updated"
    EPISODE = "episode.*"
    EPISODE_CLOSED = "episode.closed"
    EPISODE_OPENED = "episode.opened"
    EPISODE_PHASE_CHANGED = "episode.phase_changed"
    EPISODE_UPDATED = "episode.updated"
    MEASURE = "measure.*"
    MEASURE_CREATED = "measure.created"
    NOTE = "note.*"
    NOTE_COSIGNED = "note.cosigned"
    NOTE_DELETED = "note.deleted"
    NOTE_RETURNED = "note.returned"
    NOTE_SIGNED = "note.signed"
    SESSION = "session.*"
    SESSION_CREATED = "session.created"
    SESSION_UPDATED = "session.updated"
    USER = "user.*"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    WEBHOOK_ENDPOINT = "webhook_endpoint.*"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"

    def __str__(self) -> str:
        return str(self.value)
