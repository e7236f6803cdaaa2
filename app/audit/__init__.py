"""The confidentiality access log.

``context`` and ``recorder`` are the request side (every route names its action, the
pipeline writes one event per request); ``ledger/`` is the tamper-evident log itself
(sequencer, Merkle tree, signed checkpoints, verification); ``api/`` is what auditors read;
``cli`` is `notes-api audit …`.
"""
