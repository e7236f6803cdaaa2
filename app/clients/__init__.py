"""Clients: their records and care teams."""
