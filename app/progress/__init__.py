"""Progress by treatment phase and the caseload report, aggregated in the database."""
