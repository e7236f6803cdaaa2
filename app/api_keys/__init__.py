"""API keys for integrations, managed by admins."""
