"""Sign-in for real: `streamlit run` with an [auth] section, an OpenID Connect provider on loopback
(oidc-provider-mock), Playwright on Debian's chromium.

Every way tried for stylist A to reach stylist B's client, in one place:
  - the sidebar picker (B's client is not listed),
  - deep links to every page (/Discover, /Stylist, /Try_On ...), signed out and signed in as the other stylist,
  - forged sign-in cookies: the payload edited to name another stylist and signed with another secret, and the
    real payload with its signature's bytes changed,
  - an expired ID token (the provider's tokens live SHORT_S seconds; Streamlit's cookie 30 days),
  - (tests/test_client_books.py) the CLI with --as, crafted session state in AppTest, direct core calls.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from testkit.browser import CHROMIUM, CHROMIUM_ARGS
from testkit.servers import REPO, free_port, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

SHORT_S = 240  # the ID token's lifetime at the provider: the expiry step waits for it
A, B, ADMIN = "ana@atelier.test", "ben@atelier.test", "boss@atelier.test"
PAGES = ["Discover", "Creative_Director", "Sketch_to_Cloth", "Try_On", "Stylist"]


@pytest.fixture(scope="module")
def provider():
    pytest.importorskip("oidc_provider_mock")
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=A, claims={"email": A, "name": "Ana Stylist"}),
             User(sub=B, claims={"email": B, "name": "Ben Stylist"}),
             User(sub=ADMIN, claims={"email": ADMIN, "name": "The Boss", "roles": ["atelier-admin"]})]
    with run_server_in_thread(user_claims=users, access_token_max_age=timedelta(seconds=SHORT_S)) as server:
        yield f"http://localhost:{server.server_port}"


@contextmanager
def app_with_auth(provider_url: str, workdir: Path, env_extra: dict):
    """Home.py run from a folder whose .streamlit/ holds the repo's config and an [auth] secrets file."""
    port = free_port()
    (workdir / ".streamlit").mkdir(parents=True)
    shutil.copy(REPO / ".streamlit" / "config.toml", workdir / ".streamlit" / "config.toml")
    (workdir / ".streamlit" / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "test-cookie-secret-{os.getpid()}-0123456789abcdef0123456789"
client_id = "atelier"
client_secret = "atelier-secret"
server_metadata_url = "{provider_url}/.well-known/openid-configuration"
""")
    with streamlit_server(env_extra, cwd=workdir, port=port) as url:
        yield url


def _idle(page):
    page.wait_for_timeout(400)
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=180_000)
    page.wait_for_timeout(300)


def _signed_out(page):
    page.get_by_text("Stylists sign in to reach the studio").wait_for(timeout=60_000)
    _idle(page)
    assert page.get_by_text("Page not found").count() == 0  # a deep link lands on the sign-in page itself
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page menu
    assert page.get_by_text("Active client").count() == 0  # no client picker
    assert page.get_by_role("heading", name="Stylist", exact=True).count() == 0


def _sign_in(page, url, who):
    page.goto(url)
    _signed_out(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's predefined user
    page.wait_for_url(url + "/**", timeout=60_000)
    page.get_by_text("Signed in as").wait_for(timeout=180_000)
    _idle(page)


def _sign_out(page, url):
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    end = page.get_by_role("button", name="End session")  # the provider's RP-initiated logout page
    try:
        end.wait_for(timeout=15_000)
        end.click()
    except Exception:
        pass
    page.goto(url)
    _signed_out(page)


def _clients(page) -> list[str]:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Active client")
    box.click()
    names = [o.inner_text().strip() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return names


def _create(page, name):
    _idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    field = sidebar.get_by_label("Client name")
    if not field.is_visible():
        sidebar.get_by_text("New client profile").click()
        _idle(page)
    field.click()
    field.fill(name)
    field.press("Tab")  # blur commits the text (a rerun)
    _idle(page)
    button = sidebar.get_by_role("button", name="Create profile")
    button.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the expander's opening animation
    button.click()
    try:
        sidebar.get_by_text(f"Created {name}").wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path="/tmp/team-create-fail.png")
        raise AssertionError("no 'Created' message; the sidebar says: " + sidebar.inner_text()[:600]) from None
    _idle(page)


def _user_cookie(context):
    return [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]


USER_COOKIE = "_streamlit_user"  # Streamlit's identity cookie (signed with [auth] cookie_secret by itsdangerous)


def _forge(cookie: dict, how: str) -> dict:
    """A tampered copy of Streamlit's identity cookie (see test step 4)."""
    from itsdangerous import URLSafeTimedSerializer

    value = cookie["value"].strip('"')
    if how == "payload-edited":
        wrong = URLSafeTimedSerializer("not-the-cookie-secret", salt=cookie["name"])
        ok, payload = wrong.loads_unsafe(value)
        assert not ok and isinstance(payload, str) and B in payload, payload  # read, not verified
        payload = payload.replace(B, A).replace("Ben Stylist", "Ana Stylist")
        return dict(cookie, value=wrong.dumps(payload))
    body, _, sig = value.rpartition(".")
    assert body and len(sig) > 8, value
    # change the signature's first characters (the last one may carry only padding bits)
    sig = "".join("B" if ch == "A" else "A" for ch in sig[:4]) + sig[4:]
    return dict(cookie, value=f"{body}.{sig}")


def test_sign_in_and_client_books_in_a_real_browser(provider, small_catalog, tiny_clip_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    from core.auth import LOCAL
    from core.profiles import ProfileStore

    data = tmp_path / "data"
    env = {"ATELIER_CATALOG": str(small_catalog), "ATELIER_ENCODER": str(tiny_clip_dir),
           "ATELIER_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}  # 12 items, tiny CLIP: a quick first start
    timings = {}
    with app_with_auth(provider, tmp_path / "app", env) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        page = ctx.new_page()
        # 1. Signed out: the entry and every deep link give the sign-in page only.
        page.goto(url)
        _signed_out(page)
        page.screenshot(path=str(tmp_path / "signed-out.png"))
        for name in PAGES:
            page.goto(f"{url}/{name}")
            _signed_out(page)

        # 2. Stylist A signs in, creates a client, opens every page.
        _sign_in(page, url, A)
        signed_at = time.time()
        assert page.get_by_text("Ana Stylist").count() >= 1
        _create(page, "Clara Client-of-Ana")
        page.screenshot(path=str(tmp_path / "signed-in-a.png"))
        for name in PAGES:
            page.goto(f"{url}/{name}")
            page.get_by_text("Signed in as").wait_for(timeout=120_000)
        ana_cookies = _user_cookie(ctx)
        assert ana_cookies, "signed in without Streamlit's identity cookie"
        _sign_out(page, url)
        assert not _user_cookie(ctx)

        # 3. Stylist B: never sees A's client, through the picker or any deep link.
        _sign_in(page, url, B)
        assert "Clara Client-of-Ana" not in _clients(page)
        _create(page, "Bruno Client-of-Ben")
        for name in PAGES:
            page.goto(f"{url}/{name}")
            page.get_by_text("Signed in as").wait_for(timeout=120_000)
            _idle(page)
            assert page.get_by_text("Clara Client-of-Ana").count() == 0
        assert set(_clients(page)) >= {"Bruno Client-of-Ben"} and "Clara Client-of-Ana" not in _clients(page)
        page.screenshot(path=str(tmp_path / "signed-in-b.png"))

        # 4. Forged sessions. Streamlit's `_streamlit_user` cookie is itsdangerous-signed (payload.timestamp.sig,
        # the payload often zlib-compressed, then starting with "."): (a) B's payload edited to name A and signed
        # with a wrong secret, (b) B's own payload and timestamp with the signature's bytes changed. B's tokens
        # cookie rides along untouched. Each is refused: the sign-in page shows, nobody is signed in.
        ben_cookies = _user_cookie(ctx)
        for how in ("payload-edited", "signature-changed"):
            forged = [_forge(c, how) if c["name"] == USER_COOKIE else c for c in ben_cookies]
            assert [c["value"] for c in forged] != [c["value"] for c in ben_cookies], "the forgery changed nothing"
            ctx.clear_cookies()
            ctx.add_cookies([{k: v for k, v in c.items() if k in ("name", "value", "domain", "path")}
                             for c in forged])
            page.goto(f"{url}/Stylist")
            _signed_out(page)
            assert page.get_by_text("Ana Stylist").count() == 0, how
            assert page.get_by_text("Ben Stylist").count() == 0, how
        # ... and B's real cookies put back sign B in again (the forgeries failed for their forgery alone).
        ctx.clear_cookies()
        ctx.add_cookies([{k: v for k, v in c.items() if k in ("name", "value", "domain", "path")} for c in ben_cookies])
        page.goto(f"{url}/Stylist")
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        assert page.get_by_text("Ben Stylist").count() >= 1
        # ... and A's real cookie replayed in a fresh context still works (the test of the test).
        ctx2 = browser.new_context()
        ctx2.add_cookies([{k: v for k, v in c.items() if k in ("name", "value", "domain", "path")} for c in ana_cookies])
        p2 = ctx2.new_page()
        p2.goto(url)
        if time.time() - signed_at < SHORT_S - 10:
            p2.get_by_text("Signed in as").wait_for(timeout=120_000)
        ctx2.close()

        # 5. The admin sees both books.
        ctx.clear_cookies()
        _sign_in(page, url, ADMIN)
        assert page.get_by_text("(admin)").count() >= 1
        names = _clients(page)
        assert {"Clara Client-of-Ana", "Bruno Client-of-Ben"} <= set(names)
        page.screenshot(path=str(tmp_path / "signed-in-admin.png"))
        # page load time signed in (for the report; the bench measures the difference with auth off)
        t0 = time.perf_counter()
        page.goto(f"{url}/Stylist")
        page.get_by_text("Signed in as").wait_for(timeout=120_000)
        _idle(page)
        timings["stylist_page_signed_in_s"] = time.perf_counter() - t0

        # 6. An expired session: the ID token's exp passes; the 30-day cookie alone does not keep anyone in.
        _sign_out(page, url)
        _sign_in(page, url, A)
        t_in = time.time()
        page.wait_for_timeout(int((SHORT_S + 3 - (time.time() - t_in)) * 1000))
        page.goto(f"{url}/Stylist")
        page.get_by_text("Your session has expired").wait_for(timeout=60_000)
        _signed_out(page)
        page.screenshot(path=str(tmp_path / "expired.png"))
        browser.close()

    # What the database says: each client belongs to the stylist who created it; the change is on record.
    store = ProfileStore(f"sqlite:///{data / 'profiles.sqlite3'}", LOCAL)
    owners = {p.name: p.owner for p in store.list()}
    assert owners == {"Clara Client-of-Ana": A, "Bruno Client-of-Ben": B}
    ana = store.get("Clara Client-of-Ana")
    assert [(h["actor"], h["action"]) for h in store.history(ana.id)][0] == (A, "create")
    for shot in ("signed-out", "signed-in-a", "signed-in-b", "signed-in-admin", "expired"):
        out = os.environ.get("ATELIER_SHOTS")
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / f"{shot}.png", Path(out) / f"signin-{shot}.png")
    print(json.dumps(timings))
