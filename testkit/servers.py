"""Real servers on loopback for tests and benches: `streamlit run` of the app and `chroma run`."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(env_extra: dict, timeout: float = 120, cwd: Path | None = None, port: int | None = None):
    """`streamlit run Home.py` on loopback; yields its URL. From `cwd` (default the repo) Streamlit reads that
    folder's .streamlit/ (config, secrets); the log goes to cwd/streamlit.log, else to the data folder."""
    port = port or free_port()
    env = dict(os.environ, **env_extra, PYTHONPATH=str(REPO))
    log_path = (cwd / "streamlit.log" if cwd is not None
                else Path(env_extra.get("ATELIER_DATA_DIR", "/tmp")) / f"streamlit-{port}.log")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "Home.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=cwd or REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text()[-3000:])
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + log_path.read_text()[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def start_chroma(path: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    """`chroma run` (the venv's own) serving `path` on loopback; returns once the port answers."""
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")
