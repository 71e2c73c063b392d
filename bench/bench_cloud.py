"""A Streamlit Community Cloud profile, measured: the app under a memory limit, the stakeholder demo driven in chromium.

    python3.11 -m venv /tmp/cloud && /tmp/cloud/bin/pip install -r requirements.txt     # requirements only
    python -m bench.bench_cloud --python /tmp/cloud/bin/python --limit-gb 2.7
    python -m bench.bench_cloud --python /tmp/cloud/bin/python --limit-gb 1.0 --mode rss
    python -m bench.bench_cloud --python /tmp/cloud/bin/python --data /tmp/cloud-data   # builds the index, keeps it
    MALLOC_ARENA_MAX=2 python -m bench.bench_cloud --python /tmp/cloud/bin/python --data /tmp/cloud-data  # prebuilt

The server runs with the default settings (no ATELIER_ENCODER, no downloaded weights: what a Cloud deployment
gets) from a fresh data folder, so the first page also builds the sample index, as on a fresh Cloud app.
`--mode as` puts the server under `prlimit --as` (RLIMIT_AS: address space, which counts every mapping torch and
OpenCV make, not only memory in use: stricter than Cloud's cgroup); `--mode rss` runs it unlimited and compares
the peak resident memory with the limit (for limits below what the imports alone map). Per step it prints the
server's peak RSS during that step (VmHWM, reset through /proc/PID/clear_refs before each step) and whether the
step ended with no error box (pages are opened through the sidebar, so the client made on Home stays active), no traceback and no dead server. This bench drives Playwright and chromium, which
live in the dev venv: run it with that Python; `--python` is the one the server runs under.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit.browser import CHROMIUM, CHROMIUM_ARGS, page_errors, paint_red_and_generate, settle as settle_run  # noqa: E402
from testkit.servers import free_port  # noqa: E402


def status_kb(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of the server and every process under it (Streamlit may start helpers)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += status_kb(p, "VmRSS")
            for t in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in open(f"/proc/{p}/task/{t}/children").read().split()]
        except (OSError, ValueError):
            continue
    return total


class TreePoller:
    """Polls the process tree's RSS every 0.2 s in a thread; `take()` returns the peak since the last take."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak, self.stop = pid, 0, False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, tree_rss_kb(self.pid))
            time.sleep(0.2)

    def take(self) -> float:
        peak, self.peak = max(self.peak, tree_rss_kb(self.pid)), 0
        return peak / 1024


def address_space(pid: int) -> str:
    """Where the address space goes: shared libraries, other files, anonymous mappings (heaps, arenas, thread
    stacks, torch/numpy buffers), with the thread count."""
    libs = files = anon = 0
    for line in open(f"/proc/{pid}/maps"):
        parts = line.split()
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        size, path = hi - lo, (parts[5] if len(parts) > 5 else "")
        if ".so" in path:
            libs += size
        elif path.startswith("/"):
            files += size
        else:
            anon += size
    threads = len(os.listdir(f"/proc/{pid}/task"))
    return (f"shared libraries {libs / 2**20:.0f} MiB, other files {files / 2**20:.0f} MiB, anonymous "
            f"{anon / 2**20:.0f} MiB (heap, malloc arenas, {threads} thread stacks, buffers)")


def reset_peak(pid: int) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current RSS


def settle(page) -> None:
    settle_run(page, timeout=600_000)  # a first start under a memory limit: minutes


def nav(page, url: str, path: str, ready_text: str) -> None:
    """Open a page through the sidebar (the same session: the active client stays); the first visit loads the URL."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    if path and link.count():
        link.first.click()
    else:
        page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.get_by_text(ready_text).first.wait_for(timeout=1_800_000)
    settle(page)


def demo_steps(url: str, tmp: Path):
    """(name, action) pairs: every page opens, then search, redesign, try-on, outfit, lookbook."""
    def home(page):
        nav(page, url, "", "What you can do")
        side = page.locator('[data-testid="stSidebar"]')
        side.get_by_label("Client name").fill("Cloud Reviewer")
        side.get_by_role("button", name="Create profile").click()
        side.get_by_text("Created Cloud Reviewer").wait_for(timeout=120_000)
        page.get_by_text("About this installation").first.click()
        settle(page)

    def search(page):
        nav(page, url, "Discover", "Describe what you are looking for")
        box = page.get_by_label("Describe what you are looking for")
        box.fill("red dress")
        box.press("Enter")
        page.get_by_role("button", name="Like", exact=True).first.wait_for(timeout=300_000)
        page.get_by_role("button", name="Like", exact=True).first.click()
        settle(page)

    def redesign(page):
        nav(page, url, "Creative_Director", "Search the catalog")
        q = page.get_by_label("Search the catalog")
        q.fill("shirt")
        q.press("Enter")
        page.get_by_role("button", name="Use", exact=True).first.click(timeout=120_000)
        paint_red_and_generate(page, timeout=120_000)
        page.get_by_text("After ·").first.wait_for(timeout=600_000)
        settle(page)

    def sketch(page):
        nav(page, url, "Sketch_to_Cloth", "Sketch")

    def try_on(page):
        nav(page, url, "Try_On", "Try-On")
        page.get_by_label("Search").first.fill("white t-shirt")
        page.keyboard.press("Enter")
        settle(page)
        page.get_by_role("button", name="Use").first.click()
        settle(page)
        page.get_by_role("button", name="Try it on").click()
        page.get_by_text("After ·").first.wait_for(timeout=600_000)
        settle(page)

    def outfit(page):
        nav(page, url, "Stylist", "Stylist")
        page.get_by_role("tab", name="Outfit builder").click()
        q = page.get_by_label("Build around an item (search)")
        q.fill("striped shirt")
        q.press("Enter")
        settle(page)
        page.get_by_role("button", name="Build outfits").click()
        page.get_by_text("Look 1").first.wait_for(timeout=600_000)
        settle(page)

    def lookbook(page):
        page.get_by_role("tab", name="Lookbook & export").click()
        page.get_by_role("button", name="Make lookbook PDF").click()
        with page.expect_download(timeout=600_000) as dl:
            page.get_by_role("button", name="Download lookbook (PDF)").click()
        pdf = tmp / "lookbook.pdf"
        dl.value.save_as(pdf)
        if pdf.read_bytes()[:5] != b"%PDF-":
            raise RuntimeError("the lookbook is not a PDF")
        settle(page)

    return [("Home (first start: builds the index)", home), ("Discover: search + like", search),
            ("Creative Director: redesign", redesign), ("Sketch to Cloth: open", sketch),
            ("Try-On: catalog top on the sample person", try_on), ("Stylist: outfit", outfit),
            ("Stylist: lookbook PDF", lookbook)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable, help="the Python the server runs under (a requirements-only venv)")
    ap.add_argument("--limit-gb", type=float, default=2.7)
    ap.add_argument("--mode", choices=("as", "rss"), default="as")
    ap.add_argument("--shots", default="/tmp/atelier-cloud-bench")
    ap.add_argument("--data", help="a data folder to use and keep (default: a fresh one). Run once to build the "
                    "sample index, then again with the same folder to measure the pages with the index prebuilt")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    limit = int(args.limit_gb * 2**30)
    shots = Path(args.shots) / f"{args.limit_gb:g}gb-{args.mode}"
    shots.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ATELIER_", "HF_"))}
        data = Path(args.data) if args.data else tmp / "data"
        prebuilt = data.is_dir() and any(data.rglob("*.sqlite3"))
        env |= {"ATELIER_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "HF_HOME": str(tmp / "hf")}
        cmd = [args.python, "-m", "streamlit", "run", str(ROOT / "Home.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
        if args.mode == "as":
            cmd = ["prlimit", f"--as={limit}", "--"] + cmd
        log = open(tmp / "server.log", "w")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        t_start = time.time()
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() - t_start > 300:
                    print("the server did not start:\n" + (tmp / "server.log").read_text()[-3000:])
                    return 1
                time.sleep(0.5)
        print(f"server: {args.python} under {'RLIMIT_AS' if args.mode == 'as' else 'no limit (RSS compared)'} "
              f"{args.limit_gb:g} GB; started with RSS {status_kb(proc.pid, 'VmRSS') / 1024:.0f} MiB, "
              f"address space {status_kb(proc.pid, 'VmSize') / 1024:.0f} MiB; sample index "
              f"{'prebuilt in ' + str(data) if prebuilt else 'built by the first page'}; MALLOC_ARENA_MAX="
              f"{env.get('MALLOC_ARENA_MAX', 'unset')}", flush=True)
        peaks = []
        poller = TreePoller(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1366, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(300_000)
            for name, step in demo_steps(url, tmp):
                if prebuilt:
                    name = name.replace("first start: builds the index", "index prebuilt")
                t0 = time.time()
                reset_peak(proc.pid)
                poller.take()
                problem = ""
                try:
                    step(page)
                    errors = [e[:200] for e in page_errors(page)]
                    if errors:
                        problem = "error box: " + errors[0]
                    elif page.locator("text=Traceback").count():
                        problem = "a traceback on the page"
                except Exception as exc:  # a step that did not finish is a failed step, with a screenshot
                    problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                if proc.poll() is not None:
                    problem = f"the server died (exit {proc.returncode})"
                page.screenshot(path=str(shots / f"{len(peaks) + 1}-{name.split(':')[0].replace(' ', '_')}.png"),
                                full_page=True)
                peak = status_kb(proc.pid, "VmHWM") / 1024 if proc.poll() is None else float("nan")
                vm = status_kb(proc.pid, "VmPeak") / 1024 if proc.poll() is None else float("nan")
                tree = poller.take()
                peaks.append(max(peak, tree))
                failed += bool(problem)
                print(f"{name:<44} peak RSS {peak:7.0f} MiB (tree, polled {tree:5.0f})  address space peak {vm:7.0f} MiB  "
                      f"{time.time() - t0:5.0f} s  {'ok' if not problem else 'FAILED: ' + problem}", flush=True)
                if proc.poll() is not None:
                    break
            browser.close()
        poller.stop = True
        if proc.poll() is None:
            print("address space at the end: " + address_space(proc.pid), flush=True)
        top = max(x for x in peaks if x == x) if any(x == x for x in peaks) else float("nan")
        print(f"highest per-step peak RSS {top:.0f} MiB against a {args.limit_gb:g} GB limit "
              f"({top / (args.limit_gb * 1024):.0%}); steps failed: {failed}", flush=True)
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        errors = [ln for ln in (tmp / "server.log").read_text().splitlines() if "Traceback" in ln or "MemoryError" in ln]
        if errors:
            print(f"server log: {len(errors)} traceback/MemoryError lines, e.g. {errors[0][:200]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
