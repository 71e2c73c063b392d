#!/usr/bin/env bash
# Installs everything (idempotent) and runs the whole test suite offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh --dev
# Browser end-to-end tests drive Debian's chromium (browser downloads are impossible here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: browser tests need Debian's chromium (sudo apt-get install chromium); they will be skipped" >&2
  fi
fi
# The lookbook's fonts (CJK, Arabic, emoji) and shaping (libraqm); poppler-utils renders PDF pages for checks.
LOOKBOOK_PKGS="fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libraqm0 libfribidi0 poppler-utils"
if ! dpkg -s $LOOKBOOK_PKGS >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $LOOKBOOK_PKGS >/dev/null
  else
    echo "note: lookbook font tests need: sudo apt-get install $LOOKBOOK_PKGS; they will be skipped" >&2
  fi
fi
# The Chroma server's token gate (tests/test_chroma_gate.py) is Debian's nginx.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  bash scripts/install-chroma-gate.sh >/dev/null
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error
exec .venv/bin/python -m pytest "$@"
