"""Session Notes API: clinical records and a verifiable access log for psychotherapy practices."""
