#!/usr/bin/env bash
# Creates .venv (Python 3.11) and installs the requirements; does nothing when they are already installed.
# Usage: setup-env.sh [--dev]   (--dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
hash=$(cat requirements.txt requirements-dev.txt scripts/setup-env.sh | sha256sum | cut -c1-16)
have=$(cat .venv/.atelier-installed 2>/dev/null || true)
if [ "$have" = "dev-$hash" ] || { [ "${1:-}" != "--dev" ] && [ "$have" = "app-$hash" ]; }; then
  exit 0
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch alone first, so that nothing else can pull a CUDA build in its place.
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -r requirements.txt
# MediaPipe 0.10.21 is the last release that ships its pose and segmentation models; its metadata asks for
# protobuf<5, which Streamlit cannot use, so it goes in without its declared dependencies (they are in
# requirements.txt). Pose and segmentation run fine with protobuf 5 and numpy 2; `pip check` still complains.
.venv/bin/python -m pip install -q --no-deps mediapipe==0.10.21
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "dev-$hash" > .venv/.atelier-installed
else
  echo "app-$hash" > .venv/.atelier-installed
fi
