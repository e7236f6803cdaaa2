"""Webhooks: endpoints and their secrets, the SSRF guard, signing, and the deliverer."""
