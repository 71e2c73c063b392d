"""Every page in a real `streamlit run` under a given Python (a fresh requirements-only venv), with screenshots.

    python3.11 -m venv /tmp/fresh && /tmp/fresh/bin/pip install -r requirements.txt -r requirements-dev.txt
    /tmp/fresh/bin/python -m bench.fresh_install_pages --out /tmp/fresh-pages

Opens Home and the five pages at 1366 and 1920 px wide, waits for each run to finish, and counts exceptions and
error boxes; on Try-On it also puts a catalog top on the bundled Grace Hopper photo (MediaPipe pose and
segmentation from the installed packages). Prints one line per page and exits non-zero if any page failed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


from testkit.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from testkit.servers import streamlit_server  # noqa: E402

PAGES = ["", "Discover", "Creative_Director", "Sketch_to_Cloth", "Try_On", "Stylist"]


def settle(page, timeout_s: float = 600) -> bool:
    """Wait until Streamlit's run is over (no 'Running...' status widget for a moment); False on timeout."""
    deadline = time.time() + timeout_s
    quiet = 0
    while time.time() < deadline and quiet < 3:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        quiet = quiet + 1 if running == 0 else 0
        page.wait_for_timeout(700)
    return quiet >= 3


def problems(page) -> list[str]:
    found = [e.inner_text()[:200] for e in page.locator('[data-testid="stException"]').all()]
    for alert in page.locator('[data-testid="stAlertContentError"]').all():
        found.append("error box: " + alert.inner_text()[:200])
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/atelier-pages")
    ap.add_argument("--data", help="ATELIER_DATA_DIR to use (default: a new empty one, so the first page builds "
                                   "the sample index; pass one built with `python -m core ingest` to skip that)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or tmp
        env = {"ATELIER_DATA_DIR": data, "HF_HUB_OFFLINE": "1", "ATELIER_ENCODER": "lite"}
        with streamlit_server(env, timeout=300) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for width in (1366, 1920):
                page = browser.new_page(viewport={"width": width, "height": 1100})
                for name in PAGES:
                    t0 = time.time()
                    page.goto(f"{url}/{name}", timeout=600_000)
                    page.wait_for_selector('[data-testid="stApp"]', timeout=600_000)
                    finished = settle(page)
                    if name == "Try_On" and width == 1366 and finished:
                        page.get_by_label("Search").first.fill("white t-shirt")
                        page.keyboard.press("Enter")
                        settle(page)
                        page.get_by_role("button", name="Use").first.click()
                        settle(page)
                        page.get_by_role("button", name="Try it on").click()
                        finished = settle(page)
                        if not page.locator('[data-testid="stImage"] img').count() >= 3:
                            print("    try-on: no result image", flush=True)
                            finished = False
                        else:  # the result sits below the fold: a picture of it alone
                            page.locator('[data-testid="stImage"] img').last.scroll_into_view_if_needed()
                            page.wait_for_timeout(500)
                            page.screenshot(path=str(out / f"Try_On-result-{width}.png"))
                    if name == "" and width == 1366 and finished:  # the installation panel, opened
                        page.get_by_text("About this installation").click()
                        page.wait_for_timeout(1500)
                        page.get_by_text("About this installation").scroll_into_view_if_needed()
                        page.screenshot(path=str(out / f"Home-installation-{width}.png"))
                    shot = out / f"{name or 'Home'}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    bad = problems(page) + ([] if finished else ["the page was still running at the time limit"])
                    failed += bool(bad)
                    print(f"{width}px {name or 'Home':<18} {'ok' if not bad else 'FAILED'} "
                          f"({time.time() - t0:.0f}s) {shot}" + "".join(f"\n    {b}" for b in bad), flush=True)
                page.close()
            browser.close()
    print(f"python: {sys.executable}; pages failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
