"""Observations of themes and CCRT relationship episodes, recorded per session."""
