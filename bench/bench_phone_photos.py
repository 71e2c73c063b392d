"""Phone photos as search queries (prints figures, not a test): real product shots from ../shared/realphotos made to
look like a stylist's phone photo (laid on a beige textured surface with a soft shadow, turned 10-20 degrees,
cropped close, JPEG), searched photo -> photo with the offline `lite` encoder, as it is and after
core.photo_query.prepare_query_photo (segment, turn upright, crop, lay on the catalog's backdrop).

Figures: top-1 (the photo finds its own item first), P@10 (share of the ten first hits of the garment's kind:
top, t-shirt, trousers, dress) and kind accuracy (the first hit is of the right kind); and the clean product shots
used as queries, which must still find themselves.

Then the same phone photos through search itself (`search_catalog`, as Discover's photo search runs them) on the
shots ingested as a photos-only catalog (auto-tags alone, bench_relevance's index): top-1, same-kind P@10 (the
photo's own item included, as above) and the dresses' P@10 ("a dress photographed on a beige surface finds
dresses"; at most 8 dresses in the catalog, so 0.8 is all of them).

    .venv/bin/python -m bench.bench_phone_photos [--out DIR] [--seed 0] [--cache DIR]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from core.encoders.base import l2_normalize  # noqa: E402
from core.photo_query import prepare_query_photo  # noqa: E402
from core.segmentation import garment_mask  # noqa: E402

REAL = ROOT.parent / "shared/realphotos"


def beige_surface(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A beige table or linen: warm colour, uneven light, a fine weave and grain."""
    base = np.array([212, 194, 166], np.float32) + rng.uniform(-10, 10, 3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 + 0.08 * np.cos((xx / w - rng.uniform(0, 1)) * np.pi) - 0.06 * (yy / h)
    low = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 25) * 60
    weave = 3.0 * np.sin(xx * 2 * np.pi / 3.1) * np.sin(yy * 2 * np.pi / 2.9)
    grain = rng.standard_normal((h, w)).astype(np.float32) * 3.5
    out = base * light[..., None] + (low + weave + grain)[..., None]
    return np.clip(out, 0, 255)


def phone_photo(img: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, float]:
    """The product shot as a phone photo; returns it and the turn in degrees."""
    rgb = np.asarray(img.convert("RGB")).astype(np.float32)
    mask = garment_mask(img).astype(np.float32)
    h, w = mask.shape
    pad = int(0.25 * max(h, w))
    H, W = h + 2 * pad, w + 2 * pad
    surface = beige_surface(H, W, rng)
    alpha = np.zeros((H, W), np.float32)
    alpha[pad:pad + h, pad:pad + w] = cv2.GaussianBlur(mask, (3, 3), 0)
    garment = np.zeros((H, W, 3), np.float32)
    garment[pad:pad + h, pad:pad + w] = rgb
    shadow = cv2.GaussianBlur(np.roll(np.roll(alpha, 6, 0), 4, 1), (0, 0), 6)
    surface *= (1 - 0.28 * shadow)[..., None]
    # Indoor light: the whole photo a little warmer and dimmer than a studio's.
    shot = (garment * alpha[..., None] + surface * (1 - alpha[..., None])) * np.array([1.0, 0.97, 0.9]) * 0.95
    angle = float(rng.uniform(10, 20) * rng.choice([-1, 1]))
    m = cv2.getRotationMatrix2D((W / 2, H / 2), angle, 1.0)
    shot = cv2.warpAffine(shot, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    turned = cv2.warpAffine(alpha, m, (W, H), flags=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(turned > 0.5)
    gy0, gy1, gx0, gx1 = ys.min(), ys.max(), xs.min(), xs.max()
    gh, gw = gy1 - gy0, gx1 - gx0
    # Cropped close: 2-8% of margin, and one side cutting up to 4% into the garment.
    m_ = lambda: int(rng.uniform(0.02, 0.08) * max(gh, gw))  # noqa: E731
    y0, y1, x0, x1 = gy0 - m_(), gy1 + m_(), gx0 - m_(), gx1 + m_()
    cut = int(rng.uniform(0.0, 0.04) * max(gh, gw))
    side = int(rng.integers(4))
    if side == 0:
        y0 = gy0 + cut
    elif side == 1:
        y1 = gy1 - cut
    elif side == 2:
        x0 = gx0 + cut
    else:
        x1 = gx1 - cut
    crop = shot[max(0, y0):min(H, y1), max(0, x0):min(W, x1)]
    out = Image.fromarray(np.clip(np.rint(crop), 0, 255).astype(np.uint8))
    out.thumbnail((480, 480), Image.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=int(rng.integers(65, 85)))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), angle


def vectors(encoder, images: list[Image.Image]) -> np.ndarray:
    """Rows as photo search compares them (core/search.py): the encoder's image-to-image view and the outline's
    shape descriptor, weighed by the encoder's outline_weight."""
    from core.sketch import SHAPE_DIM, SketchError, outline_of_product, shape_descriptor

    base = l2_normalize(encoder.image_space(encoder.encode_images(images)))
    if encoder.outline_weight <= 0:
        return base
    shapes = []
    for im in images:
        try:
            shapes.append(l2_normalize(shape_descriptor(outline_of_product(im))[None])[0])
        except SketchError:
            shapes.append(np.zeros(SHAPE_DIM, np.float32))
    return l2_normalize(np.concatenate([base, encoder.outline_weight * np.array(shapes)], axis=1))


def score(queries: np.ndarray, catalog: np.ndarray, kinds: list[str]) -> tuple[float, float, float]:
    sims = queries @ catalog.T
    top1 = p10 = kind = 0.0
    for i, row in enumerate(sims):
        order = np.argsort(-row)
        top1 += order[0] == i
        kind += kinds[order[0]] == kinds[i]
        p10 += np.mean([kinds[j] == kinds[i] for j in order[:10]])
    n = len(sims)
    return top1 / n, p10 / n, kind / n


def searched(phones: list[Image.Image], paths: list[Path], kinds: list[str], cache: Path) -> None:
    """The phone photos through search_catalog on the shots ingested photos-only: own item first, same kind."""
    from bench.bench_relevance import open_real
    from core.search import SearchQuery, search_catalog

    studio = open_real(REAL, cache)
    kind_of = dict(zip((p.name for p in paths), kinds))
    top1, p10, dress = [], [], []
    for path, phone, kind in zip(paths, phones, kinds):
        hits = search_catalog(studio.index, studio.encoder, SearchQuery(image=phone, page_size=10),
                              studio.sketch_index).hits
        names = [Path(str(h.metadata.get("path") or h.id)).name for h in hits]
        top1.append(bool(names) and names[0] == path.name)
        p10.append(np.mean([kind_of.get(n) == kind for n in names]))
        if kind == "dress":
            dress.append(p10[-1])
    print(f"  through search (photos-only catalog, auto-tags): top-1 {np.mean(top1):.2f}, same-kind P@10 "
          f"{np.mean(p10):.2f}; dress photos: P@10 {np.mean(dress):.2f} (0.80 = every dress)")


def main() -> None:
    import tempfile

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="folder for the phone photos and what preparing made of them (look at them)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "atelier-bench-relevance"),
                    help="bench_relevance's index cache (the photos-only catalog is built there once)")
    args = ap.parse_args()
    if not (REAL / "labels.json").exists():
        print(f"no real photos at {REAL}: nothing to measure")
        return
    from core.encoders.lite import LiteEncoder

    labels = json.loads((REAL / "labels.json").read_text())
    kind_of = {k: c for c, ids in labels["category"].items() for k in ids}
    paths = sorted((REAL / "garments").glob("g*.jpg"))
    shots = [Image.open(p).convert("RGB") for p in paths]
    kinds = [kind_of[int(p.stem[1:])] for p in paths]
    rng = np.random.default_rng(args.seed)
    phones = [phone_photo(im, rng)[0] for im in shots]
    t0 = time.perf_counter()
    prepared = [prepare_query_photo(p) for p in phones]
    prep_ms = (time.perf_counter() - t0) / len(phones) * 1000
    clean = [prepare_query_photo(s) for s in shots]
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for p, ph, pr in zip(paths, phones, prepared):
            ph.save(out / f"{p.stem}-phone.jpg")
            pr.image.save(out / f"{p.stem}-prepared.png")
    encoder = LiteEncoder()
    catalog = vectors(encoder, shots)
    raw = score(vectors(encoder, phones), catalog, kinds)
    ready = score(vectors(encoder, [p.image for p in prepared]), catalog, kinds)
    own = score(vectors(encoder, [c.image for c in clean]), catalog, kinds)
    print(f"{len(shots)} real product shots as phone photos (beige surface, turned 10-20 degrees, cropped, JPEG), "
          f"lite encoder, photo -> photo:")
    print(f"  as they are:            top-1 {raw[0]:.2f}, P@10 {raw[1]:.2f}, kind {raw[2]:.2f}")
    print(f"  prepared (query photo): top-1 {ready[0]:.2f}, P@10 {ready[1]:.2f}, kind {ready[2]:.2f}; "
          f"{prep_ms:.0f} ms per photo; {sum(p.changed for p in prepared)} of {len(prepared)} changed")
    print(f"  clean product shots as queries, prepared: top-1 {own[0]:.2f} "
          f"({sum(c.changed for c in clean)} of {len(clean)} changed)")
    turns = [abs(p.angle) for p in prepared]
    print(f"  turn found: median {np.median(turns):.1f} degrees (10-20 applied)")
    searched(phones, paths, kinds, Path(args.cache))


if __name__ == "__main__":
    main()
