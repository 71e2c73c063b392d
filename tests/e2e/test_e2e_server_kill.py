"""SIGKILL the real streamlit server while a browser session is writing likes; on restart the profile database
is sound, every like the UI had confirmed is there, and the index still answers."""
import os
import signal
import sqlite3
import subprocess

import pytest

from core.profiles import ProfileStore
from testkit.browser import browser_page
from testkit.servers import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(["pgrep", "-f", f"streamlit run .*--server.port {port}"], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def test_server_killed_mid_session_loses_nothing_confirmed(sample_app_env, tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path / 'profiles.sqlite3'}")
    kay = store.create("Kay")
    env = sample_app_env
    liked_js = """() => [...document.querySelectorAll('[class*="st-key-discover-mark-like-"]')]
        .filter(e => e.innerText.includes('Liked'))
        .map(e => [...e.classList].find(c => c.startsWith('st-key-discover-mark-like-')).slice(26))"""
    idle_js = """() => document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""
    confirmed: set[str] = set()
    with streamlit_server(env) as url, browser_page() as page:
        page.goto(url + "/Discover", wait_until="domcontentloaded")
        page.get_by_label("Describe what you are looking for").wait_for(timeout=120_000)
        page.get_by_label("Active client").click()
        page.get_by_role("option", name="Kay").click()
        box = page.get_by_label("Describe what you are looking for")
        box.fill("red")
        box.press("Enter")
        page.get_by_text("items match").first.wait_for(timeout=60_000)
        for n in range(4):  # like a new item and wait until the idle page shows it liked (the write committed)
            target = page.locator('[class*="st-key-discover-mark-like-"]').filter(has_text="Like").filter(
                has_not_text="Liked").first
            target.locator("button").first.click()
            page.wait_for_function(f"() => ({liked_js})().length >= {n + 1} && ({idle_js})()", timeout=60_000)
            confirmed = set(page.evaluate(liked_js))
        page.locator('[class*="st-key-discover-mark-like-"]').filter(has_not_text="Liked").first.locator("button").first.click()
        os.kill(_server_pid(url), signal.SIGKILL)  # the server dies with that write in flight
    con = sqlite3.connect(tmp_path / "profiles.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    likes = set(ProfileStore(f"sqlite:///{tmp_path / 'profiles.sqlite3'}").items(kay.id, "like"))
    assert len(confirmed) == 4 and confirmed <= likes and len(likes) <= 5
    with streamlit_server(env) as url, browser_page() as page:  # the restarted app serves the same data
        page.goto(url + "/Discover", wait_until="domcontentloaded")
        box = page.get_by_label("Describe what you are looking for")
        box.wait_for(timeout=120_000)
        box.fill("red")
        box.press("Enter")
        page.get_by_text("items match").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
