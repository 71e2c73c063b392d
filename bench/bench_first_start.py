"""First start in a real browser: `streamlit run` on a fresh data folder (no index yet), chromium opens Home.

Prints the seconds from the browser's request to the first progress bar, and to Home ready (the catalog indexed,
the map drawn), with the machine's load average (a busy machine's figures are not a quiet machine's).

    python -m bench.bench_first_start [--bar-only]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bar-only", action="store_true", help="stop once the first progress bar shows")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from testkit.browser import CHROMIUM, CHROMIUM_ARGS
    from testkit.servers import streamlit_server

    data = Path(tempfile.mkdtemp(prefix="atelier-first-start-"))
    env = {"ATELIER_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    t_server = time.perf_counter()
    with streamlit_server(env, timeout=300) as url, sync_playwright() as p:
        server_s = time.perf_counter() - t_server
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        t0 = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.locator('[data-testid="stProgress"]').first.wait_for(timeout=600_000)
        bar_s = time.perf_counter() - t0
        text = page.locator('[data-testid="stProgress"]').first.inner_text()
        if args.bar_only:
            print(f"server up {server_s:.1f} s; first progress bar {bar_s:.1f} s ('{text.strip()[:70]}'); "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            browser.close()
            return
        page.get_by_text("What you can do").wait_for(timeout=1_200_000)
        page.frame_locator('iframe[title="st.iframe"]').first.locator("circle").first.wait_for(timeout=600_000)
        ready_s = time.perf_counter() - t0
        browser.close()
    print(f"server up {server_s:.1f} s; first progress bar {bar_s:.1f} s ('{text.strip()[:70]}'); "
          f"Home ready {ready_s:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
