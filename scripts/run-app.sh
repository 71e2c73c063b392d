#!/usr/bin/env bash
# Installs everything (idempotent) and starts Atelier on the bundled sample catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
export HF_HUB_DISABLE_TELEMETRY=1 TRANSFORMERS_VERBOSITY=error
exec .venv/bin/streamlit run Home.py "$@"
