"""Security: tokens, passwords, API keys, the caller, access rules and encryption."""
