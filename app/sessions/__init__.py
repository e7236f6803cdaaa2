"""Therapy sessions: scheduling and attendance."""
