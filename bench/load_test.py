"""Load test: N concurrent browser sessions (Playwright contexts on Debian chromium) against a real
`streamlit run` on loopback, doing searches, uploads and page switches for a bounded time.

Reports errors (target 0), p50/p95 time from action to rendered results per action, and the server's
peak memory. Loopback only; bounded in sessions, rounds and seconds; stops by itself.

    .venv/bin/python -m bench.load_test [--sessions 8] [--seconds 180] [--db DIR]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from testkit.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from testkit.servers import streamlit_server  # noqa: E402

QUERIES = ["red dress", "navy striped shirt", "black sneakers", "floral skirt", "wool coat", "yellow hoodie",
           "denim jeans", "leather bag", "white t-shirt", "green checked jacket", "pink blouse", "beige trousers"]

WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const text = () => [...document.querySelectorAll('[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"]')].map(e => e.innerText).join('|');
  window.__text = text; window.__before = text();
  window.__sawRun = false;
  if (window.__obs) window.__obs.disconnect();
  window.__obs = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__sawRun = true; });
  window.__obs.observe(app, {attributes: true});
}"""
DONE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app.getAttribute('data-test-script-state') === 'notRunning' && (window.__sawRun || window.__text() !== window.__before); }"""


async def errors_on(page) -> int:
    return await page.locator("[data-testid='stException']").count() + await page.locator("text=Traceback").count()


async def session(n: int, url: str, browser, deadline: float, stats: dict, images: list[bytes]) -> None:
    ctx = await browser.new_context(viewport={"width": 1300, "height": 1000})
    page = await ctx.new_page()
    rng = random.Random(n)
    try:
        t = time.perf_counter()
        await page.goto(url + "/Discover", wait_until="domcontentloaded")
        await page.get_by_label("Describe what you are looking for").wait_for(timeout=180_000)
        stats["first_load"].append(time.perf_counter() - t)
        while time.perf_counter() < deadline:
            action = rng.choice(["search", "search", "upload", "switch"])
            try:
                t = time.perf_counter()
                if action == "search":
                    box = page.get_by_label("Describe what you are looking for")
                    await page.evaluate(WATCH)
                    await box.fill(rng.choice(QUERIES) + f" {rng.randint(0, 999)}")
                    await box.press("Enter")
                    await page.wait_for_function(DONE, timeout=60_000)
                    await page.get_by_text("items match").first.wait_for(timeout=60_000)
                elif action == "upload":
                    await page.evaluate(WATCH)
                    await page.locator("input[type=file]").first.set_input_files(
                        files=[{"name": "q.jpg", "mimeType": "image/jpeg", "buffer": rng.choice(images)}])
                    await page.wait_for_function(DONE, timeout=60_000)
                    await page.get_by_text("Your photo").first.wait_for(timeout=60_000)
                else:
                    target = rng.choice(["", "/Sketch_to_Cloth", "/Discover"])
                    await page.goto(url + target, wait_until="domcontentloaded")
                    marker = {"": "Catalog items", "/Sketch_to_Cloth": "Find matching garments",
                              "/Discover": "Describe what you are looking for"}[target]
                    await page.get_by_text(marker).first.wait_for(timeout=60_000)
                    if target != "/Discover":
                        await page.goto(url + "/Discover", wait_until="domcontentloaded")
                        await page.get_by_label("Describe what you are looking for").wait_for(timeout=60_000)
                stats[action].append(time.perf_counter() - t)
                if await errors_on(page):
                    stats["errors"].append(f"session {n}: exception shown after {action}")
            except Exception as exc:  # a timeout or a broken page is an error, not a crash of the test
                stats["errors"].append(f"session {n}: {action}: {type(exc).__name__}: {str(exc)[:120]}")
    finally:
        await ctx.close()


def sample_server_rss(pid_holder: dict, stop: threading.Event, peaks: list) -> None:
    while not stop.is_set():
        pid = pid_holder.get("pid")
        if pid:
            try:
                total = 0
                for p in [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]:
                    for line in Path(f"/proc/{p}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                peaks.append(total)
            except OSError:
                pass
        time.sleep(0.5)


def client_browser(niced: bool) -> str:
    """Browsers run on users' machines in production: here they can run at the lowest CPU priority so the
    2 cores go to the server first (--niced-clients)."""
    if not niced:
        return CHROMIUM
    wrapper = Path(tempfile.mkdtemp()) / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def run(url: str, sessions: int, seconds: float, stats: dict, niced: bool = False) -> None:
    from playwright.async_api import async_playwright

    from PIL import Image

    images = []
    for name in ("dress-004.jpg", "bag-010.jpg", "jeans-002.jpg"):
        buf = io.BytesIO()
        Image.open(ROOT / "assets/sample_catalog/images" / name).save(buf, "JPEG")
        images.append(buf.getvalue())
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=client_browser(niced), args=CHROMIUM_ARGS, headless=True)
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*[session(n, url, browser, deadline, stats, images) for n in range(sessions)])
        await browser.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--db", help="an index folder already built (default: build the sample catalog's first)")
    ap.add_argument("--niced-clients", action="store_true", help="run the browsers at nice 19 (clients elsewhere)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    db = args.db
    if db is None:
        from core.config import load_settings
        from core.studio import ensure_catalog_index, open_studio

        db = str(Path(tmp) / "index")
        ensure_catalog_index(open_studio(load_settings(db_dir=Path(db), encoder="lite")))
    env = {"ATELIER_DB_DIR": db, "ATELIER_ENCODER": "lite", "ATELIER_DATA_DIR": tmp, "ATELIER_INPAINT_MODEL": "offline"}
    stats = {k: [] for k in ("first_load", "search", "upload", "switch", "errors")}
    peaks: list[int] = []
    stop = threading.Event()
    holder: dict = {}
    import subprocess

    with streamlit_server(env) as url:
        out = subprocess.run(["pgrep", "-f", f"streamlit run .*--server.port {url.rsplit(':', 1)[1]}"],
                             capture_output=True, text=True).stdout.split()
        holder["pid"] = int(out[0]) if out else None
        sampler = threading.Thread(target=sample_server_rss, args=(holder, stop, peaks), daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        asyncio.run(run(url, args.sessions, args.seconds, stats, args.niced_clients))
        wall = time.perf_counter() - t0
        stop.set()
    actions = sum(len(stats[k]) for k in ("search", "upload", "switch"))
    print(f"{args.sessions} concurrent browser sessions{' (niced clients)' if args.niced_clients else ''} for {wall:.0f}s "
          f"against one streamlit server (2 cores): "
          f"{actions} actions, {len(stats['errors'])} errors")
    for k in ("first_load", "search", "upload", "switch"):
        if stats[k]:
            xs = np.array(stats[k]) * 1000
            print(f"  {k:<10} n={len(xs):4d}  p50 {np.percentile(xs, 50):7.0f} ms  p95 {np.percentile(xs, 95):7.0f} ms")
    if peaks:
        print(f"  server peak RSS {max(peaks) / 2**20:.0f} MiB")
    for e in stats["errors"][:10]:
        print("  error:", e)


if __name__ == "__main__":
    main()
