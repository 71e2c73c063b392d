"""Production config in a real `streamlit run`: no stack trace reaches the browser, no address is contacted at start."""
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from testkit.browser import browser_page
from testkit.servers import REPO, free_port

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

# Loaded into the server process: records every non-loopback connect() and name lookup it makes.
SITECUSTOMIZE = '''
import os, socket
_log = os.environ["ATELIER_CONNECT_LOG"]
def _note(what):
    with open(_log, "a") as fh:
        fh.write(what + "\\n")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo
def connect(self, address):
    host = address[0] if isinstance(address, tuple) else ""
    if host and host not in ("127.0.0.1", "::1", "localhost"):
        _note(f"connect {address!r}")
    return _connect(self, address)
def getaddrinfo(host, *a, **kw):
    if host not in (None, "127.0.0.1", "::1", "localhost", "0.0.0.0", ""):
        _note(f"lookup {host!r}")
    return _getaddrinfo(host, *a, **kw)
socket.socket.connect = connect
socket.getaddrinfo = getaddrinfo
'''

FORCED_ERROR = '''
import streamlit as st
st.title("forced error")
raise RuntimeError("secret detail /srv/atelier/core/private.py line 42")
'''


def test_forced_error_shows_no_trace_and_start_contacts_no_address(tmp_path):
    """The repo's own config, a script that raises, chromium: no trace, no path; the server looked nothing up."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    script = tmp_path / "boom.py"
    script.write_text(FORCED_ERROR)
    connects = tmp_path / "connects.log"
    connects.write_text("")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(PYTHONPATH=f"{site}{os.pathsep}{REPO}", ATELIER_CONNECT_LOG=str(connects))
    log = open(tmp_path / "server.log", "w")
    # cwd=REPO: Streamlit reads .streamlit/config.toml from there; only the port is given on the command line.
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://localhost:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (tmp_path / "server.log").read_text()[-2000:]
                time.sleep(0.3)
        time.sleep(1.0)  # the start-up banner (and any address probe) happens right after the server is up
        started = connects.read_text()
        with browser_page() as page:
            page.goto(url)
            page.get_by_text("forced error").first.wait_for(timeout=30_000)
            page.locator('[data-testid="stException"], [data-testid="stAlert"], .stException').first.wait_for(
                timeout=30_000)
            shown = page.inner_text("body")
            page.set_viewport_size({"width": 1366, "height": 700})
            page.screenshot(path=str(tmp_path / "forced-error-1366.png"))
            if os.environ.get("ATELIER_SHOTS"):
                page.screenshot(path=os.path.join(os.environ["ATELIER_SHOTS"], "forced-error-1366.png"))
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
    server_log = (tmp_path / "server.log").read_text()
    assert started == "", f"the server contacted addresses at start: {started}"
    assert "Traceback" not in shown and "secret detail" not in shown and "private.py" not in shown, shown
    assert "RuntimeError" in server_log or "secret detail" in server_log  # the full story is in the server log
    assert "External URL" not in server_log and "Network URL" not in server_log
