"""Staff members of a practice, managed by its admins."""
