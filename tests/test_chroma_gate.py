"""The shared Chroma server closed: chromadb's own token auth measured (a no-op in 1.5.9), then nginx in front of
`chroma run` on loopback: no credential or a wrong one -> 401 on every route; the app's client with
CHROMA_TOKEN ingests and searches as before.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core.chroma_gate import check_token, free_port, gated_chroma, nginx_conf
from core.errors import AtelierError, IndexUnavailableError

BASE = "/api/v2/tenants/default_tenant/databases/default_database"


def require_nginx():
    if not (shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK)):
        if os.environ.get("ATELIER_REQUIRE_BROWSER") == "1":  # CI installs it (scripts/run-tests.sh)
            pytest.fail("the Chroma gate needs nginx: bash scripts/install-chroma-gate.sh")
        pytest.skip("the Chroma gate needs nginx (sudo bash scripts/install-chroma-gate.sh)")


def _http(method: str, url: str, token: str | None = None, body: dict | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.server
def test_chromas_own_token_auth_does_not_refuse(tmp_path):
    """Why the proxy: the server-side auth settings of chromadb 0.x, given to the 1.x `chroma run`."""
    from testkit.servers import start_chroma

    port = free_port()
    env = {"CHROMA_SERVER_AUTHN_PROVIDER": "chromadb.auth.token_authn.TokenAuthenticationServerProvider",
           "CHROMA_SERVER_AUTHN_CREDENTIALS": "s3cret-" + "x" * 24}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        server = start_chroma(tmp_path / "plain", port)
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    try:
        code = _http("POST", f"http://127.0.0.1:{port}{BASE}/collections", body={"name": "anyone"})
    finally:
        server.kill()
        server.wait()
    # If this ever fails, Chroma's own auth works: the gate can then be replaced by it (chroma-core/chroma#4965).
    assert code == 200


@pytest.mark.server
def test_the_gate_refuses_without_the_token_and_serves_with_it(tmp_path, small_catalog, tiny_clip):
    require_nginx()
    from core.config import load_settings
    from core.ingest import ingest_catalog
    from core.search import CatalogIndex, SearchQuery, search_catalog
    from core.store import IndexStore, collection_name, http_client

    token = secrets.token_urlsafe(32)
    port = free_port()
    with gated_chroma(tmp_path / "chroma", port, token):
        url = f"http://127.0.0.1:{port}"
        # The app with the token: ingest and search as before.
        settings = load_settings(chroma_host="127.0.0.1", chroma_port=port, chroma_token=token)
        store = IndexStore(settings)
        assert ingest_catalog(small_catalog, store, tiny_clip, settings).added == 12
        index = CatalogIndex(store, collection_name("sample", tiny_clip.info.slug))
        assert search_catalog(index, tiny_clip, SearchQuery(text="red", page_size=5)).total == 12
        cid = http_client("127.0.0.1", port, token).get_collection(index.name).id
        # Without it (or with a wrong one, or another scheme), every route is refused, reads and writes alike.
        routes = [("GET", "/api/v2/heartbeat", None), ("GET", f"{BASE}/collections", None),
                  ("POST", f"{BASE}/collections", {"name": "intruder"}),
                  ("POST", f"{BASE}/collections/{cid}/get", {"limit": 5}),
                  ("POST", f"{BASE}/collections/{cid}/delete", {"where": {"category": "dress"}}),
                  ("DELETE", f"{BASE}/collections/{index.name}", None), ("POST", "/api/v2/reset", None)]
        for method, path, body in routes:
            for bad in (None, "", "wrong-" + token, token + "x", token.upper()):
                assert _http(method, url + path, bad, body) == 401, (method, path, bad)
        basic = urllib.request.Request(url + "/api/v2/heartbeat", headers={"Authorization": f"Basic {token}"})
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(basic, timeout=10)
        # Nothing the refused requests asked for happened.
        assert search_catalog(index, tiny_clip, SearchQuery(text="red")).total == 12
        assert "intruder" not in [c.name for c in http_client("127.0.0.1", port, token).list_collections()]
        # The app without the token: one clear message, no traceback.
        with pytest.raises(IndexUnavailableError, match="CHROMA_TOKEN"):
            http_client("127.0.0.1", port)
        # The light replicas' catalog file is built in a child process: it gets the token through its environment.
        from core.lexical import build_from_server

        os.environ["CHROMA_TOKEN"] = token
        try:
            assert build_from_server("127.0.0.1", port, index.name, tmp_path / "cat.sqlite3") == 12
        finally:
            del os.environ["CHROMA_TOKEN"]
        # chroma itself listens on loopback only; the gate on the address it was given.
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"127.0.0.1:{port} " in listening and f"0.0.0.0:{port} " not in listening


def test_gate_config_and_token_rules(tmp_path):
    with pytest.raises(AtelierError, match="CHROMA_TOKEN"):
        check_token("short")
    with pytest.raises(AtelierError):
        check_token('a" 1; } server { listen 9999; ' + "x" * 24)  # no config injection through the token
    conf = nginx_conf("0.0.0.0", 8000, 8001, "t" * 32, tmp_path)
    assert "listen 0.0.0.0:8000;" in conf and "proxy_pass http://127.0.0.1:8001;" in conf
    assert 'if ($http_authorization != "Bearer ' + "t" * 32 + '")' in conf and "return 401;" in conf
    if shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK):
        (tmp_path / "nginx.conf").write_text(conf)
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / d).mkdir()
        done = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c",
                               str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "err.log")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_cli_chroma_serve_needs_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CHROMA_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "core", "chroma-serve", "--path", str(tmp_path / "c"),
                           "--port", str(free_port())], cwd=Path(__file__).resolve().parent.parent, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "CHROMA_TOKEN" in done.stderr and "Traceback" not in done.stderr
