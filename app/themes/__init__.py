"""Theme catalog: seeded system themes and practice-defined themes."""
