"""The shared Chroma server, closed: `chroma run` on a loopback-only port, and nginx in front of it refusing every
request that does not carry `Authorization: Bearer <token>`.

Why a proxy: chromadb 1.x's server (the Rust `chroma run`) ignores the token-auth settings of the 0.x Python
server (chroma-core/chroma#4965); measured here with chromadb 1.5.9: with CHROMA_SERVER_AUTHN_PROVIDER and
CHROMA_SERVER_AUTHN_CREDENTIALS set, an unauthenticated POST still creates a collection (HTTP 200). nginx is
Debian's package (`scripts/install-chroma-gate.sh`). The app sends the token from the CHROMA_TOKEN setting.

`python -m core chroma-serve --path DIR --host HOST --port PORT` (token from CHROMA_TOKEN) runs both in the
foreground; `gated_chroma(...)` does the same for tests and benchmarks.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.errors import AtelierError

TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+/=-]{24,256}$")


def check_token(token: str | None) -> str:
    if not token or not TOKEN_RE.match(token):
        raise AtelierError("CHROMA_TOKEN must be set to a token of 24 to 256 letters, digits or ._~+/=- "
                           "(e.g. `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`).")
    return token


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if os.access(p, os.X_OK)), None)
    if not found:
        raise AtelierError("nginx is not installed: run `sudo bash scripts/install-chroma-gate.sh` (Debian's "
                           "nginx-light package).")
    return found


def nginx_conf(listen_host: str, listen_port: int, upstream_port: int, token: str, workdir: Path) -> str:
    """One server block: no token, no answer (401); with it, everything goes to the loopback Chroma."""
    check_token(token)
    wd = Path(workdir)
    temps = "\n".join(f"  {k}_temp_path {wd / k};" for k in TEMPS)
    host = f"[{listen_host}]" if ":" in listen_host else listen_host
    return f"""# written by core/chroma_gate.py
worker_processes 1;
daemon off;
pid {wd / 'nginx.pid'};
error_log {wd / 'error.log'} warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  server_tokens off;
{temps}
  client_max_body_size 256m;
  server {{
    listen {host}:{int(listen_port)};
    location / {{
      # An exact, case-sensitive comparison (a map's string keys would ignore case).
      if ($http_authorization != "Bearer {token}") {{
        add_header WWW-Authenticate 'Bearer realm="atelier-chroma"' always;
        return 401;
      }}
      proxy_pass http://127.0.0.1:{int(upstream_port)};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_read_timeout 600s;
      proxy_send_timeout 600s;
    }}
  }}
}}
"""


TEMPS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _temp_dirs(wd: Path) -> None:
    """nginx's buffers for large request bodies (upserts). Started as root, its worker runs as `nobody`: the
    folders are that user's (the config stays root's alone)."""
    import pwd

    owner = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        try:
            nobody = pwd.getpwnam("nobody")
            owner = (nobody.pw_uid, nobody.pw_gid)
        except KeyError:
            pass
    for name in TEMPS:
        d = wd / name
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o700)
        if owner:
            os.chown(d, *owner)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(host: str, port: int, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AtelierError(f"{what} exited at start (code {proc.returncode}).")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AtelierError(f"{what} did not start listening on {host}:{port} in {timeout:.0f} s.")


def start(path: Path, host: str, port: int, token: str, workdir: Path | None = None,
          upstream_port: int | None = None) -> tuple[subprocess.Popen, subprocess.Popen, Path]:
    """Start `chroma run` on 127.0.0.1:<upstream_port> and nginx on host:port; returns (chroma, nginx, workdir)."""
    check_token(token)
    nginx = nginx_binary()
    wd = Path(workdir or tempfile.mkdtemp(prefix="atelier-chroma-gate-"))
    wd.mkdir(parents=True, exist_ok=True)
    os.chmod(wd, 0o711)  # the config in it (0600) holds the token
    _temp_dirs(wd)
    upstream_port = upstream_port or free_port()
    exe = Path(sys.executable).parent / "chroma"
    chroma = subprocess.Popen([str(exe if exe.exists() else "chroma"), "run", "--path", str(path),
                               "--host", "127.0.0.1", "--port", str(upstream_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port("127.0.0.1", upstream_port, chroma, "chroma run")
        conf = wd / "nginx.conf"
        conf.write_text(nginx_conf(host, port, upstream_port, token, wd))
        os.chmod(conf, 0o600)
        proxy = subprocess.Popen([nginx, "-p", str(wd), "-c", str(conf), "-e", str(wd / "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_port("127.0.0.1" if host in ("0.0.0.0", "::") else host, port, proxy, "nginx")
        except AtelierError as exc:
            log = (wd / "error.log").read_text(errors="replace").strip().splitlines()[-1:] if (wd / "error.log").exists() else []
            raise AtelierError(f"{exc} {log[0] if log else ''}".strip()) from None
    except Exception:
        chroma.kill()
        chroma.wait()
        raise
    return chroma, proxy, wd


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def gated_chroma(path: Path, port: int, token: str, host: str = "127.0.0.1"):
    chroma, proxy, wd = start(path, host, port, token)
    try:
        yield chroma, proxy
    finally:
        stop(proxy, chroma)
        shutil.rmtree(wd, ignore_errors=True)


def serve(path: Path, host: str, port: int, token: str) -> int:
    """Foreground: both processes until Ctrl-C or one of them ends."""
    chroma, proxy, wd = start(path, host, port, token)
    print(f"Chroma server behind a token on {host}:{port} (chroma itself on 127.0.0.1 only); Ctrl-C stops it.",
          flush=True)
    try:
        while chroma.poll() is None and proxy.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop(proxy, chroma)
        shutil.rmtree(wd, ignore_errors=True)
    return 0
