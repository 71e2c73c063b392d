"""Peak memory of one design request on a large photo, through the real CLI (`python -m core design`).

    .venv/bin/python bench/bench_request_memory.py [--megapixels 40] [--edit-pixels 4000000]

Prints the child process's peak resident memory against the budget it chases (1 GB per request) for the
offline editor on a synthetic garment photo of the given size, at the configured working size and with
the working-size ceiling switched off (ATELIER_MAX_EDIT_PIXELS = the image's own size): before / after.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megapixels", type=float, default=40)
    ap.add_argument("--edit-pixels", type=int, default=4_000_000)
    args = ap.parse_args()
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
