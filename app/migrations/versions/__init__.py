"""Alembic revisions: loaded from their files by Alembic, never imported by the service."""
