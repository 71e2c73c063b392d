#!/usr/bin/env bash
# Creates .venv (Python 3.11) from the dependency files alone, exactly as Streamlit Community Cloud does;
# does nothing when they are already installed. Usage: setup-env.sh [--dev]   (--dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
hash=$(cat requirements.txt requirements-dev.txt scripts/setup-env.sh | sha256sum | cut -c1-16)
have=$(cat .venv/.atelier-installed 2>/dev/null || true)
if [ "$have" = "dev-$hash" ] || { [ "${1:-}" != "--dev" ] && [ "$have" = "app-$hash" ]; }; then
  exit 0
fi
if [ -n "$have" ] && [ "${have#*-}" != "$hash" ]; then
  # The dependency files changed: start from an empty venv, so nothing they no longer name stays installed.
  echo "requirements changed: rebuilding .venv" >&2
  rm -rf .venv
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
req=requirements.txt
# requirements.txt names PyTorch's wheel list for the CPU build of torch. Where that site cannot be reached
# (this project's build machines, which carry the wheel on disk), pip would retry it for every package: skip it.
if ! .venv/bin/python - <<'PY' 2>/dev/null
import socket; socket.create_connection(("download.pytorch.org", 443), timeout=3).close()
PY
then
  req=$(mktemp); trap 'rm -f "$req"' EXIT
  grep -v '^--find-links https://download.pytorch.org' requirements.txt > "$req"
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r "$req"
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "dev-$hash" > .venv/.atelier-installed
else
  echo "app-$hash" > .venv/.atelier-installed
fi
