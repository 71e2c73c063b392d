"""Peak memory of one request on a large or hostile image, against the budget it chases (1 GB per request).

    .venv/bin/python -m bench.bench_request_memory [--megapixels 40] [--edit-pixels 4000000]
    .venv/bin/python -m bench.bench_request_memory --uploads [--paths upload,sketch,ingest,design,tryon]

Default: the offline editor through the real CLI (`python -m core design`) on a synthetic garment photo of the
given size, at the configured working size and with the working-size ceiling switched off.

--uploads (issue 27): every hostile image family (long thin strips of 8 x 4,000,000, 600 x 65,000 and
1000 x 20,000; the largest accepted strip, 20:1 at 40 MP; 40 MP RGBA, 16-bit and JPEG photos) through each
image path, one fresh child process per (image, path) with the app's objects loaded and warmed first. Prints
what the request itself added to the process's peak resident memory (VmHWM reset before the request) and the
outcome. The children run under an address-space cap (--cap-gb) so a regression ends in MemoryError, not in
the kernel's OOM killer taking the machine.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 1024


def run(image: Path, mask: Path, out: Path, edit_pixels: int) -> tuple[float, float, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", ATELIER_MAX_EDIT_PIXELS=str(edit_pixels), PYTHONPATH=str(ROOT),
               ATELIER_MAX_IMAGE_PIXELS=str(max(40_000_000, 2 * edit_pixels)))
    code = ("import resource, sys; from core.__main__ import main; rc = main(sys.argv[1:]); "
            "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(rc)")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "design", "--image", str(image), "--mask", str(mask),
                           "--prompt", "navy stripes", "--model", "offline", "--out", str(out)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    peak_kb = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0])
    return peak_kb / 1024, secs, "x".join(map(str, Image.open(out).size))


# ---- --uploads: hostile images through every image path ------------------------------------------------------
def hostile_upload_images(folder: Path) -> dict[str, Path]:
    """name -> file. Long thin PNGs of one flat colour compress to a few KB: the bytes say nothing of the size."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    out = {}

    def strip(name, w, h, mode="L"):
        img = Image.new(mode, (w, h), 200)
        img.save(folder / name, optimize=False)
        out[name] = folder / name

    strip("strip-8x4000000.png", 8, 4_000_000)
    strip("strip-600x65000.png", 600, 65_000)
    strip("strip-1000x20000.png", 1000, 20_000, "RGB")
    strip("strip-1414x28284-40MP-20to1.png", 1414, 28_284, "RGB")
    w, h = 7302, 5477  # 40 MP, 4:3
    img = Image.new("RGBA", (w, h), (240, 240, 240, 255))
    ImageDraw.Draw(img).rectangle([w // 4, h // 5, 3 * w // 4, 4 * h // 5], fill=(180, 30, 40, 200))
    img.save(folder / "photo-40MP-rgba.png")
    out["photo-40MP-rgba.png"] = folder / "photo-40MP-rgba.png"
    img.convert("RGB").save(folder / "photo-40MP.jpg", quality=85)
    out["photo-40MP.jpg"] = folder / "photo-40MP.jpg"
    del img
    arr = (np.arange(w * h, dtype=np.uint32) % 65536).astype(np.uint16).reshape(h, w)
    Image.fromarray(arr).save(folder / "grey16-40MP.png")
    out["grey16-40MP.png"] = folder / "grey16-40MP.png"
    return out


CHILD = r"""
import io, json, os, resource, sys, time
from pathlib import Path
cap = int(sys.argv[4]) << 30
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
path, what, db = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
from PIL import Image
from core.config import load_settings
from core.errors import AtelierError
from core.images import load_image
from core.search import SearchQuery, search_catalog
from core.studio import open_studio

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith(("VmHWM", "VmRSS")):
            yield int(line.split()[1]) // 1024

settings = load_settings(db_dir=Path(db), encoder="lite")
studio = open_studio(settings)
warm = Image.new("RGB", (512, 640), (230, 230, 230))
search_catalog(studio.index, studio.encoder, SearchQuery(image=warm, page_size=4))  # models loaded, caches warm
import gc; gc.collect()
from core.allocator import release_freed_memory; release_freed_memory()
open("/proc/self/clear_refs", "w").write("5")  # VmHWM := VmRSS: what follows is the request's own peak
base = dict(zip(("VmHWM", "VmRSS"), hwm()))["VmRSS"]
t0 = time.perf_counter()
outcome = "ok"
try:
    data = path.read_bytes()
    if what == "upload":  # Discover: read_upload -> image search (encoder + outline)
        img = load_image(io.BytesIO(data), settings.max_image_pixels)
        search_catalog(studio.index, studio.encoder, SearchQuery(image=img, page_size=12))
    elif what == "sketch":  # Sketch to Cloth: an uploaded drawing
        img = load_image(io.BytesIO(data), settings.max_image_pixels)
        search_catalog(studio.index, studio.encoder, SearchQuery(sketch=img, page_size=12), studio.sketch_index)
    elif what == "ingest":  # a catalog folder holding the file: skipped and named, or indexed
        import shutil, tempfile
        from core.ingest import ingest_catalog
        from core.store import IndexStore
        folder = Path(tempfile.mkdtemp()) / "cat"
        folder.mkdir()
        shutil.copy(path, folder / path.name)
        Image.new("RGB", (64, 64), "red").save(folder / "ok.png")
        s2 = load_settings(db_dir=Path(tempfile.mkdtemp()) / "idx", encoder="lite")
        r = ingest_catalog(folder, IndexStore(s2), studio.encoder, s2)
        outcome = f"{r.added} indexed, skipped {[x['reason'][:60] for x in r.skipped]}"
    elif what in ("design", "tryon"):
        from core.__main__ import main
        import contextlib
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-out-{os.getpid()}.png"
        err = io.StringIO()
        argv = (["design", "--image", str(path), "--mask", str(path), "--prompt", "navy", "--model", "offline"]
                if what == "design" else ["tryon", "--person", "sample:grace", "--garment", str(path)])
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(argv + ["--out", str(out), "--db", db])
        outcome = "ok" if rc == 0 else "refused: " + err.getvalue().strip().splitlines()[-1][:110]
        out.unlink(missing_ok=True)
except AtelierError as exc:
    outcome = "refused: " + str(exc)[:110]
except MemoryError:
    outcome = "MemoryError (over the cap)"
peak = dict(zip(("VmHWM", "VmRSS"), hwm()))["VmHWM"]
print("RESULT " + json.dumps({"added_mb": peak - base, "peak_mb": peak, "base_mb": base,
                              "s": round(time.perf_counter() - t0, 1), "outcome": outcome}))
"""


def uploads(args) -> int:
    import json

    paths = args.paths.split(",")
    worst = 0
    with tempfile.TemporaryDirectory() as tmp:
        images = hostile_upload_images(Path(tmp) / "img")
        db = Path(tmp) / "db"
        cat = Path(tmp) / "cat"
        cat.mkdir()
        for n, colour in enumerate(["red", "navy", "green", "black", "white", "pink"]):
            Image.new("RGB", (96, 128), colour).save(cat / f"item{n}.png")
        env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), TRANSFORMERS_VERBOSITY="error")
        subprocess.run([sys.executable, "-m", "core", "ingest", str(cat), "--db", str(db), "--encoder", "lite"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        print(f"peak memory a single request adds (budget {BUDGET_MB} MB), children capped at {args.cap_gb} GB "
              "address space")
        for name, file in images.items():
            if args.only and not any(o in name for o in args.only.split(",")):
                continue
            print(f"{name} ({file.stat().st_size / 1024:,.0f} KB)")
            for what in paths:
                proc = subprocess.run([sys.executable, "-c", CHILD, str(file), what, str(db), str(args.cap_gb)],
                                      env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
                line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
                if line is None:
                    print(f"  {what:<7} CRASHED rc={proc.returncode}: {proc.stderr.strip()[-300:]}")
                    worst = max(worst, 10**6)
                    continue
                r = json.loads(line[7:])
                worst = max(worst, r["added_mb"])
                print(f"  {what:<7} +{r['added_mb']:5d} MB over {r['base_mb']} MB (peak {r['peak_mb']} MB) "
                      f"{r['s']:5.1f} s  {r['outcome']}")
    print(f"worst request: +{worst} MB = {worst / BUDGET_MB:.2f} x budget")
    return 0 if worst <= BUDGET_MB else 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megapixels", type=float, default=40)
    ap.add_argument("--edit-pixels", type=int, default=4_000_000)
    ap.add_argument("--uploads", action="store_true", help="hostile images through every image path (issue 27)")
    ap.add_argument("--paths", default="upload,sketch,ingest,design,tryon")
    ap.add_argument("--only", default="", help="comma-separated image names (--uploads)")
    ap.add_argument("--cap-gb", type=int, default=8)
    args = ap.parse_args()
    if args.uploads:
        raise SystemExit(uploads(args))
    w = int((args.megapixels * 1e6 * 4 / 3) ** 0.5)
    h = int(args.megapixels * 1e6 / w)
    with tempfile.TemporaryDirectory() as tmp:
        img = Image.new("RGB", (w, h), (240, 240, 240))
        ImageDraw.Draw(img).rectangle([w // 4, h // 5, 3 * w // 4, 4 * h // 5], fill=(180, 30, 40))
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).rectangle([w // 4, h // 5, 3 * w // 4, 4 * h // 5], fill=255)
        image_p, mask_p = Path(tmp) / "photo.jpg", Path(tmp) / "mask.png"
        img.save(image_p, quality=90)
        mask.save(mask_p)
        del img, mask
        print(f"offline design on a {w}x{h} ({w * h / 1e6:.0f} MP) photo, budget {BUDGET_MB} MB per request")
        for label, pixels in (("no ceiling (work at full size)", w * h), (f"ceiling {args.edit_pixels / 1e6:g} MP", args.edit_pixels)):
            peak, secs, size = run(image_p, mask_p, Path(tmp) / "out.png", pixels)
            print(f"  {label:<32} peak {peak:6.0f} MB = {peak / BUDGET_MB:.2f} x budget, {secs:5.1f} s, output {size}")


if __name__ == "__main__":
    main()
