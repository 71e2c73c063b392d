"""Try-on figures on the bundled person photo and catalog tops (prints figures, not a test): seconds per
try-on per backend on this CPU, torso coverage, shoulder-corner error, pixels changed outside the region.

    .venv/bin/python bench/bench_tryon.py
"""
from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from core.tryon.backends import ClassicTryOn, sample_people, torso_coverage, warped_shoulder_corners  # noqa: E402
from core.tryon.pose import analyse_person  # noqa: E402
from core.tryon.regions import _poly  # noqa: E402

CATALOG = ROOT / "assets" / "sample_catalog"


def keypoint_quad_coverage(r) -> float:
    """Coverage of the bare keypoint polygon (shoulder and hip joints), the issue's "shoulders to hips"; the
    tested torso_coverage uses the stricter outline padded out to the body's edge."""
    L = r.landmarks
    quad = _poly(r.torso.shape, [L["r_shoulder"], L["l_shoulder"], L["l_hip"], L["r_hip"]]) & r.person.mask
    return float((r.garment_alpha[quad] > 0.5).mean())


def main() -> None:
    tops = [r["id"] for r in csv.DictReader(open(CATALOG / "catalog.csv"))
            if r["category"] in ("t-shirt", "shirt", "blouse", "sweater", "hoodie", "jacket", "coat")]
    garments = {item: Image.open(CATALOG / "images" / f"{item}.jpg").convert("RGB") for item in tops}
    for who, path in sample_people().items():
        person_img = Image.open(path).convert("RGB")
        t0 = time.perf_counter()
        person = analyse_person(person_img)
        pose_s = time.perf_counter() - t0
        cov, quad, err, outside, secs = [], [], [], 0, []
        for item, g in garments.items():
            t0 = time.perf_counter()
            r = ClassicTryOn().run(person_img, g, "upper", person=person)
            secs.append(time.perf_counter() - t0)
            cov.append(torso_coverage(r))
            quad.append(keypoint_quad_coverage(r))
            det = np.array([r.landmarks["r_shoulder"], r.landmarks["l_shoulder"]])
            err.append((np.linalg.norm(warped_shoulder_corners(r, g) - det, axis=1) / r.image.width).max())
            changed = (np.asarray(r.person.image) != np.asarray(r.image)).any(axis=2)
            outside += int((changed & ~r.region).sum() + (changed & ~r.person.mask).sum())
        cov, quad, err = np.array(cov), np.array(quad), np.array(err)
        worst = tops[int(np.argmin(cov))]
        print(f"{who}: person analysis (MediaPipe pose + segmentation) {pose_s:.2f}s on "
              f"{person_img.size[0]}x{person_img.size[1]}")
        print(f"  classic backend on {len(tops)} catalog tops: {np.median(secs):.2f}s median per try-on (after analysis)")
        print(f"  torso coverage (padded outline): mean {cov.mean():.3f}, min {cov.min():.3f} ({worst}), "
              f"share >= 0.80: {np.mean(cov >= 0.8):.3f} (target: every top)")
        print(f"  torso coverage (keypoint polygon): mean {quad.mean():.3f}, min {quad.min():.3f}, "
              f"share >= 0.80: {np.mean(quad >= 0.8):.3f}")
        print(f"  shoulder corner error / image width: max {err.max():.3f}, mean {err.mean():.3f} (target <= 0.05)")
        print(f"  pixels changed outside the region or on the background: {outside} (target 0)")
    person_img = Image.open(sample_people()["Grace Hopper (matplotlib)"]).convert("RGB")
    person = analyse_person(person_img)
    from core.tryon.gmm import GmmConfig, GmmTryOn, train_gmm
    from tiny_models import build_tiny_inpaint
    from viton_tiny import make_viton_tiny

    with tempfile.TemporaryDirectory() as tmp:
        make_viton_tiny(Path(tmp) / "data")
        t0 = time.perf_counter()
        rep = train_gmm(Path(tmp) / "data", Path(tmp) / "run", steps=60, lr=1e-3, batch_size=6,
                        cfg=GmmConfig(height=64, width=48, ngf=8), save_every=60, sample_every=60)
        print(f"gmm: 60 training steps on a tiny VITON-HD folder in {time.perf_counter() - t0:.1f}s "
              f"(loss {rep.first_loss:.3f} -> {rep.last_loss:.3f})")
        g = Image.open(CATALOG / "images" / "tshirt-003.jpg")
        gmm = GmmTryOn(rep.checkpoint)
        t0 = time.perf_counter()
        gmm.run(person_img, g, "upper", person=person)
        print(f"gmm backend (tiny checkpoint): {time.perf_counter() - t0:.2f}s per try-on")
        from core.tryon.diffusion import DiffusionTryOn

        pipe = build_tiny_inpaint(Path(tmp) / "inpaint")
        d = DiffusionTryOn(str(pipe), steps=4, strength=0.5)
        small = person_img.resize((256, 300))
        t0 = time.perf_counter()
        d.run(small, g, "upper")
        print(f"diffusion backend (tiny random pipeline, 2 denoising steps at 256x300): {time.perf_counter() - t0:.2f}s "
              "per try-on; real SD-1.5 inpainting wants a GPU (run with ATELIER_INPAINT_MODEL on one)")
        from core.tryon.catvton import CatVtonTryOn
        from tiny_models import build_tiny_catvton_attention

        build_tiny_catvton_attention(pipe, Path(tmp) / "catvton")
        cat = CatVtonTryOn(Path(tmp) / "catvton", pipe, steps=4, size=(128, 192))
        t0 = time.perf_counter()
        cat.run(person_img, g, "upper", person=person)
        print(f"catvton backend (tiny random UNet + attention file in CatVTON's layout, 4 steps with guidance at "
              f"128x192): {time.perf_counter() - t0:.2f}s per try-on; the real one wants a GPU")
    if os.environ.get("ATELIER_CATVTON_ATTENTION"):  # real weights (downloaded): the peer's 512x384 figure
        from core.tryon.catvton import CATVTON_BASE, CatVtonTryOn

        real = CatVtonTryOn(os.environ["ATELIER_CATVTON_ATTENTION"], os.environ.get("ATELIER_CATVTON_BASE", CATVTON_BASE))
        real.run(person_img, g, "upper", person=person)  # warm-up
        t0 = time.perf_counter()
        real.run(person_img, g, "upper", person=person)
        print(f"catvton backend ({real.info}, 50 steps at 384x512): {time.perf_counter() - t0:.2f}s per try-on")


if __name__ == "__main__":
    main()
