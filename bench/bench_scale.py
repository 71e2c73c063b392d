"""Scale benchmark: synthetic catalogs through a Chroma server on loopback, measured from light app processes.

For each size and vector width: ingest rate over HTTP; an app process (a fresh Python running the same
core code as the pages, with the real lite encoder for 640-d) timed from process start to its first
answer; its resident memory once its filter columns are loaded; plain and filtered p50/p95 and
recall@10 against exact search (computed here, chunk by chunk, while ingesting); the filtered strategies
side by side (Chroma `where` at several ef_search, over-fetch + post-filter); a one-shot CLI query.
Also: an SQLite FTS5 table of N synthetic item documents answering bm25 queries from disk, and the cost
of copying a generation the size of the ingested data (what a local ingest pays per change).

    nice -n 10 .venv/bin/python -m bench.bench_scale --sizes 100000 --dims 640 512 --queries 100
    nice -n 10 .venv/bin/python -m bench.bench_scale --sizes 1000000 --dims 512 --ingest-budget 1500
    .venv/bin/python -m bench.bench_scale --fts 1000000          # the lexical side alone

Prints figures with their ratio to the issue's targets (not a test). Every server it starts listens on
127.0.0.1 and is killed on exit.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import numpy as np  # noqa: E402

from testkit.servers import free_port, start_chroma  # noqa: E402

LATENT = 48
CHUNK = 5000
K = 10
OPTIONS = {"strategy_queries": 20, "threshold": None, "app": False, "probes": True}  # set from the command line
FILTERS = {  # name -> Filters.from_dict input; shares measured on the data
    "filtered": {"category": ["dress", "coat"], "price_max": 200.0},
    "rare": {"category": ["dress"], "colour": ["red"]},
}


def vocab():
    from core.samples import CATEGORIES, COLOURS, PATTERNS

    return CATEGORIES, list(COLOURS), PATTERNS


def embed(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Like real image embeddings: clusters (styles) on a low-dimensional manifold, plus a little noise."""
    mixing = np.random.default_rng(42).standard_normal((LATENT, dim)).astype(np.float32)
    centres = np.random.default_rng(43).standard_normal((200, LATENT)).astype(np.float32)
    z = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, LATENT)).astype(np.float32)
    x = z @ mixing + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def metadata(start: int, n: int) -> list[dict]:
    cats, colours, patterns = vocab()
    r = random.Random(start)
    out = []
    for i in range(start, start + n):
        cat, col = r.choice(cats), r.choice(colours)
        out.append({"category": cat, "colour": col, "pattern": r.choice(patterns), "price": float(r.randint(10, 300)),
                    "name": f"{col.capitalize()} {cat} {i}", "path": f"images/{cat}/{i:07d}.jpg",
                    "fingerprint": f"{i:016x}", "tagged_from_pixels": "", "width": 512, "height": 512})
    return out


def passes(meta: dict, f: dict) -> bool:
    return all(meta[k] in f[k] for k in ("category", "colour") if k in f) and meta["price"] <= f.get("price_max", 1e9)


def pct(xs, p) -> float:
    return float(np.percentile(np.asarray(xs, float), p)) if len(xs) else float("nan")


def rss_mib(pid: int | str = "self") -> tuple[float, float]:
    """(current, peak) resident memory in MiB from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    get = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return int(get["VmRSS"]) / 1024, int(get["VmHWM"]) / 1024


def memory_breakdown() -> dict[str, float]:
    """RSS split (MiB, /proc/self/smaps_rollup): private (this process alone) vs file pages it shares."""
    vals = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            vals[key] = int(rest.split()[0]) / 1024
    return {"rss": vals.get("Rss", 0.0), "pss": vals.get("Pss", 0.0),
            "private": vals.get("Private_Clean", 0.0) + vals.get("Private_Dirty", 0.0),
            "file": vals.get("Rss", 0.0) - vals.get("Anonymous", 0.0)}


def start_server(path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    return start_chroma(path, port, timeout=90), port


def slug_for(dim: int) -> str:
    return "lite-v1" if dim == 640 else f"synthetic{dim}"


# ---- parent: build, ground truth, report ----------------------------------------------------------------
def ingest(port: int, n: int, dim: int, queries: np.ndarray, budget_s: float) -> dict:
    """Adds n synthetic items over HTTP; keeps the exact top-10 of every query (plain and per filter)."""
    from core.store import collection_name, http_client

    client = http_client("127.0.0.1", port)
    name = collection_name("bench", slug_for(dim))
    col = client.get_or_create_collection(
        name, embedding_function=None,
        metadata={"encoder_slug": slug_for(dim), "dim": dim, "catalog_root": "", "atelier_version": "0"},
        configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200}})
    truth = {key: (np.full((len(queries), K), -np.inf, np.float32), np.full((len(queries), K), -1, np.int64))
             for key in ("plain", *FILTERS)}
    counts = {key: 0 for key in FILTERS}
    t0 = time.perf_counter()
    added = 0
    rates = []
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        x = embed(m, dim, np.random.default_rng(start + 7))
        metas = metadata(start, m)
        tc = time.perf_counter()
        col.add(ids=[f"it{i:07d}" for i in range(start, start + m)], embeddings=x, metadatas=metas)
        rates.append(m / (time.perf_counter() - tc))
        added += m
        scores = queries @ x.T  # (q, m)
        for key in truth:
            keep = np.ones(m, bool) if key == "plain" else np.array([passes(mm, FILTERS[key]) for mm in metas])
            if key != "plain":
                counts[key] += int(keep.sum())
            s = np.where(keep[None, :], scores, -np.inf)
            best_s, best_i = truth[key]
            all_s = np.concatenate([best_s, s], 1)
            all_i = np.concatenate([best_i, np.broadcast_to(np.arange(start, start + m), s.shape)], 1)
            top = np.argsort(-all_s, 1, kind="stable")[:, :K]
            truth[key] = (np.take_along_axis(all_s, top, 1), np.take_along_axis(all_i, top, 1))
        if (start // CHUNK) % 10 == 0:
            el = time.perf_counter() - t0
            print(f"    ingested {added:>9,} in {el:6.0f}s ({added / el:5.0f}/s)", flush=True)
        if time.perf_counter() - t0 > budget_s:
            print(f"    ingest budget of {budget_s:.0f}s spent at {added:,} items", flush=True)
            break
    seconds = time.perf_counter() - t0
    col.modify(metadata={**(col.metadata or {}), "atelier_version": f"{time.time():.6f}"})
    return {"n": added, "seconds": seconds, "rate": added / seconds, "first_rate": float(np.mean(rates[:3])),
            "last_rate": float(np.mean(rates[-3:])), "truth": {k: v[1] for k, v in truth.items()},
            "share": {k: c / added for k, c in counts.items()}}


def run(n: int, dim: int, queries_n: int, data: Path, budget_s: float, keep: Path | None = None,
        ingest_only: bool = False) -> None:
    print(f"\n== {n:,} items, {dim}-d, through a Chroma server on loopback ==", flush=True)
    path = (keep or data) / f"chroma-{n}-{dim}"
    saved = (keep or data) / f"ingest-{n}-{dim}-q{queries_n}.json"
    reuse = keep is not None and path.is_dir() and saved.is_file()
    if not reuse:
        shutil.rmtree(path, ignore_errors=True)
    server, port = start_server(path)
    try:
        queries = embed(queries_n, dim, np.random.default_rng(10**9 + dim))
        if reuse:  # built by an earlier run with --keep: the same data, the same exact answers
            ing = json.loads(saved.read_text())
            ing["truth"] = {k: np.asarray(v) for k, v in ing["truth"].items()}
            print(f"  reusing the {ing['n']:,} items ingested earlier into {path}", flush=True)
            from core.store import collection_name, http_client

            col = http_client("127.0.0.1", port).get_collection(collection_name("bench", slug_for(dim)))
            col.modify(metadata={**(col.metadata or {}), "atelier_version": f"{time.time():.6f}"})
        else:
            ing = ingest(port, n, dim, queries, budget_s)
            if keep is not None:
                saved.write_text(json.dumps({**ing, "truth": {k: v.tolist() for k, v in ing["truth"].items()}}))
        n = ing["n"]
        if ingest_only:
            print(f"  ingest over HTTP: {ing['rate']:.0f} items/s; kept in {path}")
            return
        print(f"  ingest over HTTP: {ing['rate']:.0f} items/s on average (first batches {ing['first_rate']:.0f}/s, "
              f"last {ing['last_rate']:.0f}/s); {n:,} items in {ing['seconds']:.0f}s"
              + ("" if n >= 10**6 else f" -> 1M would take ~{10**6 / ing['last_rate'] / 60:.0f} min at the last rate"))
        qfile = data / "queries.npy"
        np.save(qfile, queries)
        env = dict(os.environ, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port), ATELIER_CATALOG_NAME="bench",
                   ATELIER_ENCODER="lite", ATELIER_DATA_DIR=str(data / "appdata"), PYTHONPATH=str(ROOT))
        if OPTIONS["threshold"] is not None:
            env["ATELIER_EXACT_SEARCH_THRESHOLD"] = str(OPTIONS["threshold"])
        if OPTIONS["probes"]:
            size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            tc = time.perf_counter()
            shutil.copytree(path, data / "copy-probe")
            copy_s = time.perf_counter() - tc
            shutil.rmtree(data / "copy-probe", ignore_errors=True)
            print(f"  a generation copy of this data ({size / 2**20:.0f} MiB): {copy_s:.1f}s "
                  f"= {copy_s / max(1e-9, ing['seconds']):.2f} of the whole ingest's time, paid per local change")
            out = subprocess.run([sys.executable, "-m", "bench.bench_scale", "--probe", str(qfile), "--dim", str(dim),
                                  "--strategy-queries", str(OPTIONS["strategy_queries"])], env=env, cwd=ROOT,
                                 capture_output=True, text=True, timeout=3600)
            if out.returncode != 0:
                print(out.stderr[-3000:])
                raise SystemExit("the app probe failed")
            probe = json.loads(out.stdout.strip().splitlines()[-1])
            report(n, dim, ing, probe)
            out = subprocess.run([sys.executable, "-m", "bench.bench_scale", "--probe", str(qfile), "--dim", str(dim),
                                  "--restart"], env=env, cwd=ROOT,
                                 capture_output=True, text=True, timeout=3600)
            if out.returncode != 0:
                print(out.stderr[-3000:])
                raise SystemExit("the restart probe failed")
            again = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  a second replica on this host (catalog file already built): first answer {again['first_answer_s']:.1f}s "
                  f"({again['first_answer_s'] / 10:.2f} of the 10 s target), columns + word index ready "
                  f"{again['columns_s']:.1f}s later; RSS {again['rss_mib'][0]:.0f} MiB "
                  f"= {again['rss_mib'][0] * 2**20 / 600e6:.2f} of 600 MB")
            mem = again.get("memory") or {}
            if mem:
                print(f"    of which private {mem['private']:.0f} MiB, file pages {mem['file']:.0f} MiB (shared with the "
                      f"first replica); PSS {mem['pss']:.0f} MiB")
            if dim == 640:
                tc = time.perf_counter()
                cli = subprocess.run([sys.executable, "-m", "core", "search", "--text", "red dress", "--k", "10", "--filter",
                                      "category=dress"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
                cli_s = time.perf_counter() - tc
                ok = cli.returncode == 0 and "dress" in cli.stdout
                print(f"  CLI `python -m core search 'red dress' --filter category=dress`: {cli_s:.1f}s "
                      f"({'answered' if ok else 'FAILED: ' + cli.stderr[-300:]})")
        if OPTIONS["app"]:
            app_replicas(port, data, env)
    finally:
        server.kill()
        server.wait()
        if keep is None:
            shutil.rmtree(path, ignore_errors=True)


# ---- real replicas: `streamlit run Home.py` driven in chromium ------------------------------------------------
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"]
QUERIES = ["red floral dress", "navy striped shirt", "black leather boots", "a summer linen skirt"]


def _streamlit(env: dict, log: Path) -> tuple[subprocess.Popen, str, float]:
    """A replica exactly as the README starts one; (process, url, seconds to healthy)."""
    import urllib.request

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "Home.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < 120:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url, time.perf_counter() - t0
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("streamlit exited: " + log.read_text()[-2000:])
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def _ask(page, url: str, text: str, timeout_s: float = 300) -> tuple[float, bool]:
    """Types a query on Discover and waits for the result caption; (seconds, still ranking by meaning alone)."""
    import re

    page.goto(url + "/Discover", wait_until="domcontentloaded")
    box = page.get_by_label("Describe what you are looking for")
    box.wait_for(timeout=timeout_s * 1000)
    t0 = time.perf_counter()
    box.fill(text)
    box.press("Enter")
    page.get_by_text(re.compile(r"among [\d,]+ items|items ranked by meaning|items match your words")).first.wait_for(timeout=timeout_s * 1000)
    _settle(page, timeout_s)  # the whole page drawn: every card, the navigation
    if page.locator("[data-testid='stException']").count():
        raise SystemExit(f"Discover showed a traceback for {text!r}")
    return time.perf_counter() - t0, page.get_by_text("still loading in the background").count() > 0


def _settle(page, timeout_s: float = 120) -> None:
    """Until Streamlit has finished the current run (no 'running' indicator)."""
    page.wait_for_timeout(300)
    page.wait_for_function("""() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
                                      return !w || !/Running|Stop/.test(w.innerText); }""", timeout=timeout_s * 1000)


def app_replicas(port: int, data: Path, env: dict) -> None:
    """Two real app replicas against the server: time to a browser's first answer, resident memory after a
    stylist's queries on Discover and after the Home page (catalog map), the second replica's the same."""
    from playwright.sync_api import sync_playwright

    from core.store import collection_name, http_client
    from core.studio import SKETCH_SLUG

    client = http_client("127.0.0.1", port)
    main = client.get_collection(collection_name("bench", "lite-v1"))
    sketches = client.get_or_create_collection(  # a catalog always has its outline index; text queries never read it
        collection_name("bench", SKETCH_SLUG), embedding_function=None,
        metadata={"encoder_slug": SKETCH_SLUG, "dim": 640, "catalog_root": "", "atelier_version": "1"},
        configuration={"hnsw": {"space": "cosine"}})
    if sketches.count() == 0:
        got = main.get(limit=100, include=["embeddings", "metadatas"])
        sketches.add(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"])
    env = {k: v for k, v in env.items() if k != "ATELIER_EXACT_SEARCH_THRESHOLD"} | {"HF_HUB_OFFLINE": "1"}
    t0 = time.perf_counter()  # a server in service is warm: its first query loads the HNSW index from disk
    main.query(query_embeddings=[embed(1, 640, np.random.default_rng(5))[0].tolist()], n_results=10, include=[])
    print(f"  the server's first query after its start (HNSW index loaded from disk): {time.perf_counter() - t0:.1f}s",
          flush=True)
    print("  real replicas (`streamlit run Home.py`, a browser on Discover, then Home):", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        procs = []
        try:
            for replica in (1, 2):
                t0 = time.perf_counter()
                proc, url, healthy = _streamlit(env, data / f"replica-{replica}.log")
                procs.append(proc)
                first, partial = _ask(page, url, QUERIES[0])
                first_total = time.perf_counter() - t0
                rss_first = rss_mib(proc.pid)[0]
                waited = time.perf_counter()
                while partial and time.perf_counter() - waited < 600:  # until the columns and word index are in
                    time.sleep(5)
                    _, partial = _ask(page, url, QUERIES[0])
                columns_s = time.perf_counter() - waited
                lat = [_ask(page, url, q)[0] for q in QUERIES * 2]
                rss_discover = rss_mib(proc.pid)
                shots = Path(tempfile.gettempdir()) / "atelier-bench-scale"  # kept after the run, to look at
                shots.mkdir(exist_ok=True)
                shot = shots / f"replica-{replica}-discover.png"
                page.screenshot(path=str(shot), full_page=False)
                page.goto(url + "/", wait_until="domcontentloaded")
                page.frame_locator('iframe[title="st.iframe"]').first.locator('svg[aria-label^="Map of the catalog"]').wait_for(timeout=300_000)
                _settle(page, 300)
                page.screenshot(path=str(shots / f"replica-{replica}-home.png"), full_page=True)
                rss_home = rss_mib(proc.pid)
                maps = Path(f"/proc/{proc.pid}/maps").read_text()
                heavy = [m for m in ("pandas", "scipy") if f"/site-packages/{m}/" in maps]  # those with native code
                print(f"    replica {replica}: healthy {healthy:.1f}s, first answer in the browser {first_total:.1f}s after "
                      f"process start ({first_total / 10:.2f} of 10 s; {'meaning only, columns loading' if partial or columns_s > 1 else 'full ranking'}), "
                      f"full ranking {columns_s:.0f}s later; query to results in the browser p50 {pct(lat, 50):.2f}s", flush=True)
                print(f"    replica {replica} RSS: after the first answer {rss_first:.0f} MiB, after {len(lat) + 1} Discover "
                      f"queries {rss_discover[0]:.0f} MiB ({rss_discover[0] * 2**20 / 600e6:.2f} of 600 MB), after Home "
                      f"(the catalog map) {rss_home[0]:.0f} MiB ({rss_home[0] * 2**20 / 600e6:.2f}); peak {rss_home[1]:.0f} MiB; "
                      f"{' and '.join(heavy) or 'neither pandas nor scipy'} loaded; screenshots {shots}", flush=True)
        finally:
            for proc in procs:
                proc.kill()
                proc.wait()
            browser.close()


def report(n: int, dim: int, ing: dict, probe: dict) -> None:
    def recall(ids, key):
        truth = ing["truth"][key]
        return float(np.mean([len({int(i[2:]) for i in got} & set(t[t >= 0].tolist())) / max(1, min(K, (t >= 0).sum()))
                              for got, t in zip(ids, truth)]))

    first = probe["first_answer_s"]
    rss = probe["rss_mib"]
    print(f"  app process: first answer {first:.1f}s after process start ({probe['first_answer_what']}) "
          f"-> {first / 10:.2f} of the 10 s target; filter columns ready after {probe['columns_s']:.1f}s "
          f"({probe['column_bytes'] / max(1, n):.0f} bytes/item)")
    print(f"  app holds {'ids + filter columns only (lean)' if probe['lean'] else 'a full snapshot (vectors + metadata)'}")
    print(f"  app RSS {rss[0]:.0f} MiB (peak {rss[1]:.0f}) with {probe['encoder']} -> {rss[0] * 2**20 / 600e6:.2f} of the 600 MB target "
          f"(before the columns: {probe['rss_before_columns'][0]:.0f} MiB)")
    mem = probe.get("memory") or {}
    if mem:
        print(f"  of which private to this process {mem['private']:.0f} MiB, file pages (libraries, mapped weights; "
              f"shared by replicas on a host) {mem['file']:.0f} MiB; PSS {mem['pss']:.0f} MiB")
    print(f"  {'query':<34} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10}")
    for label, r in probe["runs"].items():
        key = r["truth"]
        rec = recall(r["ids"], key) if r["ids"] is not None else float("nan")
        target = 50 if key == "plain" else 200
        extra = f"  share {ing['share'][key]:.2%}" if key != "plain" else ("  (no exact truth: real words)"
                                                                            if r["ids"] is None else "")
        mark = f" p95/target {pct(r['lat'], 95) / target:.2f}" if r.get("atelier") and r["ids"] is not None else ""
        print(f"  {label:<34} {pct(r['lat'], 50):8.1f} {pct(r['lat'], 95):8.1f} {rec:10.3f}{mark}{extra}")


# ---- child: one light app process ------------------------------------------------------------------------
def probe(qfile: str, dim: int, restart: bool = False, strategy_queries: int = 20, efs=(50, 100, 200, 400)) -> None:
    """Runs as a fresh process against the server: what an app replica pays. restart=True: a replica started
    after another one on this host built the catalog file (columns and word index read from local disk);
    it measures start, columns and memory only."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    from core.config import load_settings
    from core.search import MAX_OVERFETCH, CatalogIndex, Filters, SearchQuery, search_catalog
    from core.store import IndexStore, collection_name

    t_imports = time.perf_counter() - T_START
    rss_imports = rss_mib()[0]
    settings = load_settings()
    store = IndexStore(settings)
    name = collection_name("bench", slug_for(dim))
    index = CatalogIndex(store, name, settings.exact_search_threshold)
    encoder_name = "no encoder (query vectors given)"
    if dim == 640:
        from core.encoders.lite import LiteEncoder

        lite = LiteEncoder()
        lite.encode_texts(["warm up"])
        encoder_name = "the lite encoder"
        t_encoder = time.perf_counter() - T_START
        rss_encoder = rss_mib()[0]
        tq = time.perf_counter()
        page = search_catalog(index, lite, SearchQuery(text="red dress", page_size=12))
        what = (f"imports {t_imports:.1f}s ({rss_imports:.0f} MiB), encoder ready at {t_encoder:.1f}s ({rss_encoder:.0f} MiB), "
                f"first text query {time.perf_counter() - tq:.2f}s, {len(page.hits)} hits, {page.method}")
    else:
        page = None
    q0 = np.load(qfile)
    enc = Given(dim)
    if page is None:
        enc.vec = q0[0]
        tq = time.perf_counter()
        page = search_catalog(index, enc, SearchQuery(text="q", page_size=12))
        what = (f"imports {t_imports:.1f}s ({rss_imports:.0f} MiB), first vector query {time.perf_counter() - tq:.2f}s, "
                f"{len(page.hits)} hits, {page.method}")
    first = time.perf_counter() - T_START
    rss_before = rss_mib()
    tc = time.perf_counter()
    snap = index.wait_for_columns()
    columns_s = time.perf_counter() - tc
    runs: dict[str, dict] = {}
    if dim == 640:  # what a stylist types, through the whole hybrid path (HNSW + BM25 on disk + attributes)
        cats, colours, patterns = vocab()
        lat = []
        for i in range(40):
            r = random.Random(i)
            words = [r.choice(colours), r.choice(patterns), r.choice(cats)] if i % 2 else [r.choice(colours), r.choice(cats)]
            t = time.perf_counter()
            search_catalog(index, lite, SearchQuery(text=" ".join(words), page_size=12))
            lat.append((time.perf_counter() - t) * 1000)
        runs["words, hybrid (atelier, lite)"] = {"lat": lat, "ids": None, "truth": "plain", "atelier": True}
    if restart:
        print(json.dumps({"first_answer_s": first, "first_answer_what": what, "columns_s": columns_s,
                          "column_bytes": snap.column_bytes(), "rss_mib": rss_mib(), "rss_before_columns": rss_before,
                          "memory": memory_breakdown(), "lean": index.is_lean(), "encoder": encoder_name,
                          "runs": runs}))
        return

    def timed(label: str, key: str, fn, atelier: bool = False, limit: int | None = None) -> None:
        lat, ids = [], []
        for q in (q0 if limit is None else q0[:limit]):
            t = time.perf_counter()
            got = fn(q)
            lat.append((time.perf_counter() - t) * 1000)
            ids.append(got)
        runs[label] = {"lat": lat, "ids": ids, "truth": key, "atelier": atelier}

    def atelier(filters: dict):
        f = Filters.from_dict(filters)

        def go(q):
            enc.vec = q
            return [h.id for h in search_catalog(index, enc, SearchQuery(text="q", filters=f, page_size=K)).hits]
        return go

    col = store.reader_collection(name)

    def where(filters: dict):
        w = Filters.from_dict(filters).where()
        return lambda q: col.query(query_embeddings=[q.tolist()], n_results=K, where=w, include=["distances"])["ids"][0]

    def overfetch(filters: dict, factor: float):
        f = Filters.from_dict(filters)
        mask = f.mask(snap)
        share = max(1e-9, mask.mean())
        fetch = min(len(snap.ids), int(np.ceil(K / share * factor)) + 10)

        def go(q):
            got = col.query(query_embeddings=[q.tolist()], n_results=fetch, include=["distances"])["ids"][0]
            return [i for i in got if mask[snap.index_of[i]]][:K]
        return go, fetch

    timed("plain (atelier)", "plain", atelier({}), atelier=True)
    for key, filters in FILTERS.items():
        timed(f"{key} (atelier)", key, atelier(filters), atelier=True)
    from core.allocator import release_freed_memory

    release_freed_memory()  # as the app does after each page run
    rss_after = rss_mib()  # what a replica holds while serving; the strategy probes below are not Atelier's path
    memory = memory_breakdown()
    for key, filters in FILTERS.items():
        for factor in (1.0, 2.0, 4.0):
            go, fetch = overfetch(filters, factor)
            if fetch <= 3 * MAX_OVERFETCH:
                timed(f"{key} over-fetch x{factor:g} ({fetch})", key, go, limit=strategy_queries)
        for ef in efs:
            col.modify(configuration={"hnsw": {"ef_search": ef}})
            timed(f"{key} Chroma where, ef {ef}", key, where(filters), limit=strategy_queries)
        col.modify(configuration={"hnsw": {"ef_search": 200}})
    print(json.dumps({"first_answer_s": first, "first_answer_what": what, "columns_s": columns_s,
                      "column_bytes": snap.column_bytes(), "rss_mib": rss_after, "rss_before_columns": rss_before,
                      "memory": memory, "lean": index.is_lean(),
                      "encoder": encoder_name, "runs": runs}))


class Given:
    """Stands in for an encoder when the query vector is given (measures search alone)."""

    def __init__(self, dim: int):
        from core.encoders.base import EncoderInfo

        self.info = EncoderInfo("given", "given", dim, "cpu", False)
        self.vec = None

    def encode_texts(self, texts):
        return self.vec[None]


# ---- the lexical side: SQLite FTS5 at scale ----------------------------------------------------------------
def fts(n: int, data: Path, queries: int = 200) -> None:
    from core.vocabulary import MATERIALS

    cats, colours, patterns = vocab()
    materials = list(MATERIALS)
    db = data / "fts.sqlite"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE items USING fts5(id UNINDEXED, name, category, colour, pattern, material)")
    t0 = time.perf_counter()
    r = random.Random(3)
    for start in range(0, n, 50_000):
        rows = []
        for i in range(start, min(n, start + 50_000)):
            cat, col, pat, mat = r.choice(cats), r.choice(colours), r.choice(patterns), r.choice(materials)
            rows.append((f"it{i:07d}", f"{col} {pat} {mat} {cat} {i}", cat, col, pat, mat))
        con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.execute("INSERT INTO items(items) VALUES('optimize')")
    con.commit()
    con.close()
    build = time.perf_counter() - t0
    print(f"\n== SQLite FTS5, {n:,} item documents ==\n  built in {build:.0f}s ({n / build:.0f} docs/s), "
          f"{db.stat().st_size / 2**20:.0f} MiB on disk")
    con = sqlite3.connect(db)  # a fresh connection: answers come from the file, not from the builder's cache
    lat, counts = [], []
    for i in range(queries):
        rq = random.Random(i)
        words = [rq.choice(colours), rq.choice(cats)] + ([rq.choice(materials)] if i % 2 else [])
        t = time.perf_counter()
        got = con.execute("SELECT id, bm25(items) FROM items WHERE items MATCH ? ORDER BY bm25(items) LIMIT 100",
                          (" ".join(f'"{w}"' for w in words),)).fetchall()
        lat.append((time.perf_counter() - t) * 1000)
        counts.append(len(got))
    print(f"  bm25 top-100 for 2-3 word queries: p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms "
          f"(p95/50 ms plain target {pct(lat, 95) / 50:.2f}); median {int(np.median(counts))} hits returned")
    con.close()
    db.unlink(missing_ok=True)


def columns(n: int) -> None:
    """What a lean app process holds per item at n items: ids + filter columns (no Chroma; metadata made here)."""
    from core.store import Snapshot

    before = rss_mib()[0]
    t0 = time.perf_counter()
    ids: list[str] = []

    def batches():
        for start in range(0, n, CHUNK):
            metas = metadata(start, min(CHUNK, n - start))
            yield [f"it{i:07d}" for i in range(start, start + len(metas))], metas

    snap = Snapshot.build_lean("0", batches(), {})
    seconds = time.perf_counter() - t0
    del ids
    print(f"\n== lean columns for {n:,} items (ids + category/colour/pattern codes + price) ==\n"
          f"  {snap.column_bytes() / 2**20:.0f} MiB ({snap.column_bytes() / n:.0f} bytes/item), "
          f"process RSS +{rss_mib()[0] - before:.0f} MiB, built in {seconds:.1f}s from metadata dicts "
          f"(the transfer from Chroma comes on top)")
    t0 = time.perf_counter()
    from core.search import Filters

    for _ in range(20):
        Filters.from_dict(FILTERS["filtered"]).mask(snap)
    print(f"  a filter mask over all {n:,} rows: {(time.perf_counter() - t0) / 20 * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--dims", type=int, nargs="+", default=[640, 512])
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--ingest-budget", type=float, default=3600.0, help="stop ingesting after this many seconds")
    ap.add_argument("--fts", type=int, default=0, help="also time an FTS5 table of this many documents")
    ap.add_argument("--columns", type=int, default=0, help="also measure lean filter columns at this many items")
    ap.add_argument("--data", type=Path, default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep each built collection (and its exact answers) here and reuse it on the next run")
    ap.add_argument("--ingest-only", action="store_true", help="build (or reuse) the collections, measure no queries")
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    ap.add_argument("--dim", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--restart", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--strategy-queries", type=int, default=20,
                    help="queries per side-by-side strategy (Chroma where at each ef, over-fetch factors)")
    ap.add_argument("--app", action="store_true",
                    help="also start two real `streamlit run` replicas and drive Discover and Home in chromium")
    ap.add_argument("--app-only", action="store_true", help="the real replicas alone (with --keep data)")
    ap.add_argument("--threshold", type=int, default=None,
                    help="the app's exact-search threshold (default: the setting, 50,000)")
    args = ap.parse_args()
    OPTIONS.update(strategy_queries=args.strategy_queries, threshold=args.threshold, app=args.app or args.app_only,
                   probes=not args.app_only)
    if args.probe:
        probe(args.probe, args.dim, args.restart, args.strategy_queries)
        return
    if args.columns:
        columns(args.columns)
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        if args.fts:
            fts(args.fts, Path(tmp))
        for n in args.sizes:
            for dim in args.dims:
                run(n, dim, args.queries, Path(tmp), args.ingest_budget, args.keep, args.ingest_only)


if __name__ == "__main__":
    main()
