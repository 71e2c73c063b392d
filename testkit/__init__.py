"""What tests and benchmarks share: tiny models, real servers on loopback, browser helpers, fuzzing strategies,
sketches, design measures, catalog copies. Imported as `testkit.x` with the repo root importable (pytest's
`pythonpath = .`; benches run as `python -m bench.bench_x` from the repo root)."""
