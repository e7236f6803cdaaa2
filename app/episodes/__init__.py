"""Episodes of care and their treatment phases."""
