"""The change feed: the outbox written with each change, GET /v1/events and its retention."""
