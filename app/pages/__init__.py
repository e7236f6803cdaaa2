"""The review pages under /app/: a static shell and first-party modules that call /v1."""
