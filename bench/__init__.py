"""Benchmark harness building blocks: floor app, load generators and server control."""
