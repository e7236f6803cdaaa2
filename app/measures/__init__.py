"""Outcome measures: questionnaire scoring and the measures API."""
