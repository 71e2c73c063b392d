"""The shared garment segmentation (core/segmentation.py) on real product shots (prints figures, not a test).

Reads ../shared/realphotos/garments (evaluation only: never copied into the repo). There are no true masks for
these photos, so each shot is measured on what a wrong mask shows, and every overlay is written out to be looked at:

- holes: garment area the mask leaves out inside its own outline (enclosed non-mask regions; none of these garments
  has a real hole), as a share of the garment;
- ragged: how far the mask is from its own smooth silhouette (1 - area / area after a closing of 2% of the shot),
  the mark of a white garment half lost into a white backdrop;
- halo: share of the mask's outer ring (2 px) that is the backdrop's own colour;
- light: the same for the shots of white/light garments on light backdrops (labels.json colour white, and the
  light prints), where segmentation used to fail.

    .venv/bin/python -m bench.bench_segmentation [--out /tmp/seg-overlays] [--photos ../shared/realphotos]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from core.segmentation import GarmentNotFound, _lab, backdrop_of, garment_mask  # noqa: E402

LIGHT_PRINTS = (2, 8, 9, 13, 38)  # white ground with a print, stripes or a dark band (looked at by hand)


def measures(img: Image.Image, mask: np.ndarray) -> dict:
    rgb = np.asarray(img.convert("RGB"))
    h, w = mask.shape
    m8 = mask.astype(np.uint8)
    inv = 1 - m8
    n, labels = cv2.connectedComponents(inv, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    holes = (~np.isin(labels, edge) & (inv > 0)).sum() / max(mask.sum(), 1)
    k = max(3, int(0.02 * min(h, w)) | 1)
    closed = cv2.morphologyEx(m8, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    closed = _filled(closed)
    ragged = 1 - mask.sum() / max(closed.sum(), 1)
    bd = backdrop_of(rgb)
    dist = np.linalg.norm(_lab(rgb) - bd.colour, axis=2)
    ring = mask & ~cv2.erode(m8, np.ones((5, 5), np.uint8)).astype(bool)
    halo = float((dist[ring] < 2.0).mean()) if ring.any() else 0.0
    touches = float(np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]]).mean())
    return {"share": float(mask.mean()), "holes": float(holes), "ragged": float(ragged), "halo": halo,
            "border": touches}


def _filled(m: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros(m.shape, np.uint8)
    cv2.drawContours(out, contours, -1, 1, -1)
    return out.astype(bool)


def overlay(img: Image.Image, mask: np.ndarray, label: str) -> Image.Image:
    rgb = np.asarray(img.convert("RGB")).astype(np.float32)
    ov = rgb.copy()
    ov[~mask] = ov[~mask] * 0.35 + np.array([40, 60, 255]) * 0.65
    ov = ov.astype(np.uint8)
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(ov, contours, -1, (255, 0, 0), 1)
    tile = Image.new("RGB", (img.width * 2, img.height), "white")
    tile.paste(img.convert("RGB"), (0, 0))
    tile.paste(Image.fromarray(ov), (img.width, 0))
    from PIL import ImageDraw

    ImageDraw.Draw(tile).text((4, 4), label, fill=(200, 0, 0))
    return tile


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", default=str(ROOT.parent / "shared/realphotos"))
    ap.add_argument("--out", help="folder for one overlay per shot (look at every one)")
    args = ap.parse_args()
    photos = Path(args.photos)
    if not (photos / "labels.json").exists():
        print(f"no real photos at {photos}: nothing to measure")
        return
    labels = json.loads((photos / "labels.json").read_text())
    light = set(labels["colour"].get("white", [])) | set(LIGHT_PRINTS) | set(labels["colour"].get("beige", []))
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    rows, secs = {}, []
    for path in sorted((photos / "garments").glob("g*.jpg")):
        k = int(path.stem[1:])
        img = Image.open(path).convert("RGB")
        t0 = time.perf_counter()
        try:
            mask = garment_mask(img)
        except GarmentNotFound:
            mask = np.zeros((img.height, img.width), bool)
        secs.append(time.perf_counter() - t0)
        rows[k] = measures(img, mask)
        if out:
            r = rows[k]
            overlay(img, mask, f"{path.stem} holes {r['holes']:.1%} ragged {r['ragged']:.1%} halo {r['halo']:.1%}"
                    ).save(out / f"{path.stem}.png")
    print(f"{len(rows)} real product shots, garment segmentation: {np.median(secs) * 1000:.0f} ms median per shot")
    for name, ids in (("all", sorted(rows)), ("light garments", sorted(i for i in rows if i in light))):
        sub = [rows[i] for i in ids]
        worst = {m: max(ids, key=lambda i: rows[i][m]) for m in ("holes", "ragged", "halo")}
        print(f"  {name} ({len(ids)}): " + "; ".join(
            f"{m} mean {np.mean([r[m] for r in sub]):.2%} worst {rows[worst[m]][m]:.2%} (g{worst[m]:02d})"
            for m in ("holes", "ragged", "halo")))
    bad = [f"g{i:02d}" for i, r in rows.items() if r["holes"] > 0.01 or r["ragged"] > 0.03]
    print(f"  shots with holes > 1% or ragged > 3%: {len(bad)} {' '.join(bad)}")
    print("  per shot (share holes ragged halo): " + ", ".join(
        f"g{i:02d} {r['share']:.2f}/{r['holes']:.3f}/{r['ragged']:.3f}/{r['halo']:.2f}" for i, r in sorted(rows.items())))


if __name__ == "__main__":
    main()
