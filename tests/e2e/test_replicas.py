"""Past one machine: one `chroma run` server and two `streamlit run` app replicas on loopback.

The first replica's first start builds the catalog index through the server; the second finds it there;
an ingest run against the server is seen by both; killing one replica leaves the other serving.
Where nginx is installed (CI), the server is the team set-up's: `chroma run` behind the bearer-token gate
(core/chroma_gate.py), the replicas and the ingest CLI with CHROMA_TOKEN, a request without it refused.
"""
import os
import re
import secrets
import shutil
import urllib.error
import urllib.request
import signal
import subprocess
import sys
from contextlib import ExitStack

import pytest

from testkit.browser import browser_page
from testkit.servers import REPO, free_port, start_chroma, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


def _counted(n: int) -> re.Pattern:
    """The Discover caption that says how many items words that match nothing were ranked among: "N items ranked by
    meaning" while the replica's word index for this catalog version still loads in the background, "No item
    matches these words; the N closest in meaning" once it has loaded (which of the two a step sees is a race)."""
    return re.compile(rf"^{n} items ranked by meaning|the {n} closest in meaning")


def _search(page, url: str, text: str, expect) -> None:
    page.goto(url + "/Discover", wait_until="domcontentloaded")
    box = page.get_by_label("Describe what you are looking for")
    box.wait_for(timeout=180_000)
    box.fill(text)
    box.press("Enter")
    try:
        page.get_by_text(expect).first.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path="/tmp/atelier-e2e-replicas-failure.png", full_page=True)
        raise
    assert page.locator("[data-testid='stException']").count() == 0


def _pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(["pgrep", "-f", f"streamlit run .*--server.port {port}"], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def test_two_app_replicas_share_one_chroma_server(tmp_path, small_catalog, tiny_clip_dir):
    port = free_port()
    gated = bool(shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK))
    token = secrets.token_urlsafe(32) if gated else ""
    if gated:
        from core.chroma_gate import start, stop

        chroma, proxy, _ = start(tmp_path / "chroma", "127.0.0.1", port, token)
        with pytest.raises(urllib.error.HTTPError, match="401"):  # closed to anyone without the token
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=10)
    else:
        server = start_chroma(tmp_path / "chroma", port)
    common = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "CHROMA_TOKEN": token,
              "ATELIER_ENCODER": str(tiny_clip_dir),
              "ATELIER_CATALOG": str(small_catalog), "HF_HUB_OFFLINE": "1",
              "ATELIER_EXACT_SEARCH_THRESHOLD": "0"}  # light replicas: no vectors in the app processes
    try:
        with ExitStack() as stack, browser_page() as page:
            (tmp_path / "a").mkdir()
            (tmp_path / "b").mkdir()
            url_a = stack.enter_context(streamlit_server({**common, "ATELIER_DATA_DIR": str(tmp_path / "a")}))
            _search(page, url_a, "zzqx", _counted(12))  # replica A's first start built the index on the server
            url_b = stack.enter_context(streamlit_server({**common, "ATELIER_DATA_DIR": str(tmp_path / "b")}))
            _search(page, url_b, "zzqx", _counted(12))  # replica B found it there

            more = REPO / "assets" / "sample_catalog" / "images"
            for n, p in enumerate(sorted(more.iterdir())[:8]):
                (small_catalog / "images" / f"extra-{n}.jpg").write_bytes(p.read_bytes())
            env = dict(os.environ, **common, ATELIER_DATA_DIR=str(tmp_path / "cli"), PYTHONPATH=str(REPO))
            out = subprocess.run([sys.executable, "-m", "core", "ingest", str(small_catalog)], env=env, cwd=REPO,
                                 capture_output=True, text=True, timeout=600)
            assert out.returncode == 0, out.stderr[-2000:]
            _search(page, url_a, "qqvv", _counted(20))  # both replicas see the new items
            _search(page, url_b, "qqvv", _counted(20))

            os.kill(_pid(url_a), signal.SIGKILL)
            page.wait_for_timeout(20_000)  # B alone a while: its word index for the new items finishes loading
            _search(page, url_b, "vvkk", _counted(20))  # B keeps serving without A
    finally:
        if gated:
            stop(proxy, chroma)
        else:
            server.kill()
            server.wait()
