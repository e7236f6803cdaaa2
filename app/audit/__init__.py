"""Tamper-evident audit log: Merkle tree (RFC 9162) and signed checkpoints."""
