"""The tamper-evident log: event format, sequencer, Merkle tree, checkpoints, verification."""
