"""A whole outfit on one person: bottom, then top (over the waistband) or a dress, then outerwear, then shoes at the
ankles and the bag in a hand, each dressed by the chosen backend over the previous result."""
from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.tryon.base import TryOnBackend, TryOnResult
from core.tryon.pose import Person, TryOnInputError, analyse_person
from core.tryon.regions import garment_mask
from core.vocabulary import group_of, tryon_kind

LAYER_ORDER = ("bottom", "dress", "top", "outerwear", "shoes", "bag")


@dataclass
class Piece:
    image: Image.Image
    category: str
    label: str = ""

    @property
    def group(self) -> str:
        return group_of(self.category) or ""


def layer_order(pieces: list[Piece]) -> list[Piece]:
    """The order pieces are dressed in; refuses what cannot be worn together or at all."""
    groups = [p.group for p in pieces]
    if "dress" in groups and ("top" in groups or "bottom" in groups):
        raise TryOnInputError("An outfit has either a dress or a top and a bottom, not both.")
    unknown = [p.category for p in pieces if p.group not in LAYER_ORDER]
    if unknown:
        raise TryOnInputError(f"Cannot dress {', '.join(unknown)} on a figure; outfits take tops, bottoms, dresses, "
                              "outerwear, shoes and bags.")
    return sorted(pieces, key=lambda p: LAYER_ORDER.index(p.group))


def _cut_out(img: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    m = garment_mask(img)
    ys, xs = np.nonzero(m)
    rgb = np.asarray(img.convert("RGB"), np.float32)[ys.min():ys.max() + 1, xs.min():xs.max() + 1] / 255.0
    return rgb, m[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)


def _paste(out: np.ndarray, region: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, x: float, y: float,
           width: float, flip: bool = False) -> None:
    """Paste an accessory scaled to `width`, its top-left at (x, y), with a soft edge."""
    h = max(1, int(round(rgb.shape[0] * width / rgb.shape[1])))
    w = max(1, int(round(width)))
    rgb = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(cv2.resize(alpha, (w, h), interpolation=cv2.INTER_AREA), (0, 0), 0.7)
    if flip:
        rgb, a = rgb[:, ::-1], a[:, ::-1]
    H, W = region.shape
    x0, y0 = int(round(x)), int(round(y))
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if xa >= xb or ya >= yb:
        return
    sub_a = a[ya - y0:yb - y0, xa - x0:xb - x0][..., None]
    out[ya:yb, xa:xb] = out[ya:yb, xa:xb] * (1 - sub_a) + rgb[ya - y0:yb - y0, xa - x0:xb - x0] * sub_a
    region[ya:yb, xa:xb] |= sub_a[..., 0] > 0.01


def dress_outfit(backend: TryOnBackend, person_img: Image.Image, pieces: list[Piece], person: Person | None = None,
                 seed: int = 0) -> TryOnResult:
    """Every piece on the person, in layer order; the result's region is everything any piece changed."""
    if not pieces:
        raise TryOnInputError("The outfit has no pieces to dress.")
    t0 = time.perf_counter()
    person = person or analyse_person(person_img)
    timings = {"pose_and_segmentation": time.perf_counter() - t0}
    # 1. the garments, each by the backend over the previous result
    worn = _wear_garments(backend, person, layer_order(pieces), seed, timings)
    # 2. shoes at the ankles, the bag in a hand
    out = np.asarray(worn.current, np.float32) / 255.0
    _add_accessories(out, worn, person, layer_order(pieces))
    if worn.result is None:
        raise TryOnInputError("The outfit needs a top and a bottom or a dress to dress the figure.")
    # 3. one result for the whole outfit
    result = worn.result
    image = Image.fromarray(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8))
    return TryOnResult(image, result.backend, "outfit", person, worn.region, result.torso, result.warped, worn.alpha,
                       result.landmarks, timings, worn.notes, layers=worn.layers)


@dataclass
class _Worn:
    current: Image.Image
    region: np.ndarray
    alpha: np.ndarray
    layers: list
    notes: list
    result: TryOnResult | None = None


def _wear_garments(backend: TryOnBackend, person: Person, pieces: list[Piece], seed: int, timings: dict) -> _Worn:
    worn = _Worn(person.image, np.zeros(person.mask.shape, bool), np.zeros(person.mask.shape, np.float32), [], [])
    for piece in pieces:
        kind = tryon_kind(piece.category)
        if kind is None:
            continue
        t = time.perf_counter()
        now = Person(worn.current, person.landmarks, person.mask, person.base_layer)
        r = backend.run(worn.current, piece.image, kind, person=now, seed=seed)
        if piece.group in ("top", "outerwear") and "bottom: " in " ".join(worn.layers):
            r.image, r.garment_alpha = hem_over_waistband(r.image, r.garment_alpha, worn.alpha, person)
        timings[f"{piece.group}"] = time.perf_counter() - t
        worn.current, worn.result = r.image, r
        worn.region |= r.region
        worn.alpha = np.maximum(worn.alpha, r.garment_alpha)
        worn.layers.append(f"{piece.group}: {piece.label or piece.category}")
        worn.notes += [n for n in r.notes if n not in worn.notes]
    return worn


def hem_over_waistband(image: Image.Image, top_alpha: np.ndarray, bottom_alpha: np.ndarray,
                       person: Person) -> tuple[Image.Image, np.ndarray]:
    """A top worn over trousers or a skirt falls over the waistband: where its hem ends above the bottom's top
    edge (the body between them would show, a paper doll's gap), its lower part is let down to cover the waistband."""
    w = float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    cx = float(person.point("l_hip")[0] + person.point("r_hip")[0]) / 2
    H, W = top_alpha.shape
    top, low = top_alpha > 0.5, bottom_alpha > 0.5
    mid = np.zeros(W, bool)
    mid[int(max(0, cx - 0.3 * w)):int(min(W, cx + 0.3 * w))] = True
    cols = mid & top.any(axis=0) & low.any(axis=0)
    if cols.sum() < 0.3 * w:
        return image, top_alpha
    hem = H - 1 - np.argmax(top[::-1], axis=0)
    band = np.argmax(low, axis=0)
    gap = band[cols] - hem[cols]
    hem_y, target = float(np.median(hem[cols])), float(np.max(band[cols])) + 0.04 * w
    # Already over the waistband, or so far above it that the top is a cropped one meant to show the midriff.
    if gap.max() <= 0 or target - hem_y > 0.6 * w:
        return image, top_alpha
    # Across the top's own width at its hem and the body's between hem and waistband (the arms beside stay).
    x0, x1 = _run_at(top[int(hem_y) - 2], cx)
    b0, b1 = _run_at(person.mask[int((hem_y + target) / 2)], cx)
    x0, x1 = min(x0, b0), max(x1, b1) + 1
    y_a = int(max(0, hem_y - 0.3 * w))
    ys = np.arange(H, dtype=np.float32)
    src_y = np.where((ys >= y_a) & (ys <= target), y_a + (ys - y_a) * (hem_y - y_a) / max(target - y_a, 1.0), ys)
    map_y = np.repeat(src_y[:, None], W, axis=1).astype(np.float32)
    map_x = np.repeat(np.arange(W, dtype=np.float32)[None], H, axis=0)
    rgb = np.asarray(image, np.float32) / 255.0
    let_down = cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR)
    a = cv2.remap(top_alpha.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR)
    a[:y_a], a[int(target) + 1:] = 0, 0
    a[:, :x0], a[:, x1:] = 0, 0
    for side in ("l_wrist", "r_wrist"):  # a hand at the hip stays in front
        if person.visible(side):
            cv2.circle(a, tuple(int(v) for v in person.point(side)), int(0.2 * w), 0, -1)
    out = rgb * (1 - a[..., None]) + let_down * a[..., None]
    img = Image.fromarray(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8))
    return img, np.maximum(top_alpha, a)


def _run_at(row: np.ndarray, cx: float) -> tuple[int, int]:
    """The run of True in a row that holds (or is nearest to) column cx: its first and last column."""
    xs = np.flatnonzero(row)
    if not len(xs):
        return int(cx), int(cx)
    c = xs[np.argmin(np.abs(xs - cx))]
    breaks = np.flatnonzero(np.diff(xs) > 1)
    starts, ends = np.r_[xs[0], xs[breaks + 1]], np.r_[xs[breaks], xs[-1]]
    k = np.searchsorted(starts, c, side="right") - 1
    return int(starts[k]), int(ends[k])


def _add_accessories(out: np.ndarray, worn: _Worn, person: Person, pieces: list[Piece]) -> None:
    w = float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    for piece in pieces:
        if piece.group == "shoes":
            if not (person.visible("l_ankle") and person.visible("r_ankle")):
                raise TryOnInputError("The feet are not in the photo, so shoes cannot be shown. Use a full-body "
                                      "photo or a croquis figure.")
            rgb, a = _cut_out(piece.image)
            # The product shot is a side view; on a figure facing the viewer the shoe points at us: drawn
            # foreshortened (narrow, its own height kept), centred under the ankle.
            sh = 0.62 * w * rgb.shape[0] / rgb.shape[1]
            rgb = cv2.resize(rgb, (max(1, int(rgb.shape[1] * 0.45)), rgb.shape[0]), interpolation=cv2.INTER_AREA)
            a = cv2.resize(a, rgb.shape[1::-1], interpolation=cv2.INTER_AREA)
            for side, name in ((-1, "r_ankle"), (1, "l_ankle")):
                ax, ay = person.point(name)
                sw = sh * rgb.shape[1] / rgb.shape[0]
                _paste(out, worn.region, rgb, a, ax - sw / 2, ay - 0.05 * sh, sw, flip=side < 0)
            worn.layers.append(f"shoes: {piece.label or piece.category}")
        elif piece.group == "bag":
            name = "r_wrist" if person.visible("r_wrist") else "l_wrist"
            if not person.visible(name):
                raise TryOnInputError("No hand is in the photo to hold the bag.")
            rgb, a = _cut_out(piece.image)
            hx, hy = person.point(name)
            bw = 0.85 * w
            _paste(out, worn.region, rgb, a, hx - bw / 2, hy - 0.15 * bw, bw)
            worn.layers.append(f"bag: {piece.label or piece.category}")
