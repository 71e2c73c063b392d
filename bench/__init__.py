"""Benchmarks that print their figures; run from the repo root as `python -m bench.bench_x` (they import core and
testkit, never tests)."""
