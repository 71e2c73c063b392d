#!/usr/bin/env bash
# Installs everything (idempotent) and starts Atelier on the bundled sample catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
export HF_HUB_DISABLE_TELEMETRY=1 TRANSFORMERS_VERBOSITY=error
# Two malloc arenas, set before the process starts: Streamlit has 18 threads and 15 arenas (64 MiB of address
# space each) before Home.py runs, too late for core/allocator.py's in-process cap (README: Deployment).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/streamlit run Home.py "$@"
