#!/usr/bin/env bash
# The reverse proxy that closes the shared Chroma server (core/chroma_gate.py): Debian's nginx-light.
# Run as root (CI does); idempotent. nginx is only started by `python -m core chroma-serve`, never as a service.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends nginx-light || apt-get install -y -q --no-install-recommends nginx
# Debian's package enables a default site on port 80: this machine only needs the binary.
(command -v systemctl >/dev/null && systemctl disable --now nginx) >/dev/null 2>&1 || true
(command -v service >/dev/null && service nginx stop) >/dev/null 2>&1 || true
