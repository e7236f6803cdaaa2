"""Login, token refresh, logout and the caller's own profile."""
