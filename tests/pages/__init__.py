"""Browser tests of the review pages (SPEC §10)."""
