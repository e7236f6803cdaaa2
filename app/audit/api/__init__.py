"""The auditor API: search, reports, reviews, exports, checkpoints and proofs."""
