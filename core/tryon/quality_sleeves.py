"""Quality: a dress's sleeves keep their print. A sleeve stretched from a thin strip of the product shot down a
long arm shows its print blown up and streaked (a yellow blur) while the bodice beside it stays crisp. The check
compares the fine detail (gradient energy) on the arms with the bodice's, worn, against the same comparison in
the product shot (its sleeves against its bodice): about 1 where the sleeves keep their print, lower where they
are smeared. Also the checks only a dress gets (what she holds: quality_held.py)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import to_lab
from core.tryon.dress_outline import pale_rim
from core.tryon.quality_held import held_cut


def _energy(L: np.ndarray, m: np.ndarray) -> float:
    """Mean gradient magnitude of L within m (fine detail)."""
    gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.mean(np.sqrt(gx * gx + gy * gy)[m]))


def _runs(mask: np.ndarray, cx: float) -> np.ndarray:
    """Per row, (x0, x1) of the run nearest the centre line; -1 where empty (as core.tryon.dress.central_runs,
    which this module may not import: dress imports the result type, whose quality imports this)."""
    out = np.full((mask.shape[0], 2), -1, np.int32)
    for y in np.flatnonzero(mask.any(axis=1)):
        xs = np.flatnonzero(mask[y])
        runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
        best = min(runs, key=lambda r: 0 if r[0] <= cx <= r[-1] else min(abs(r[0] - cx), abs(r[-1] - cx)))
        out[y] = best[0], best[-1]
    return out


def _shot_ratio(garment, gmask: np.ndarray) -> float | None:
    """The product shot's sleeves' detail over its bodice's; None where it shows no sleeves."""
    from core.tryon.dress_parts import flat_sleeves

    filled = np.zeros(gmask.shape, np.uint8)  # holes filled (a print the backdrop's colour), openings kept
    contours, _ = cv2.findContours(gmask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(filled, contours, -1, 1, -1)
    gmask = filled > 0
    ys, xs = np.nonzero(gmask)
    if len(ys) < 100:
        return None
    y_top, y_hem = int(ys.min()), int(ys.max())
    cx = float(np.median(xs[ys >= (y_top + y_hem) // 2]))
    runs = _runs(gmask, cx)
    widths = np.where(runs[:, 0] >= 0, runs[:, 1] - runs[:, 0] + 1, 0).astype(np.float32)
    a, b = y_top + int(0.18 * (y_hem - y_top)), y_top + int(0.55 * (y_hem - y_top))
    band = np.where(widths[a:b] > 0, widths[a:b], np.inf)
    y_waist = a + int(np.argmin(band))  # the narrowest row of the upper body
    waist_w = float(max(widths[min(y_waist + 2, y_hem)], 1.0))
    sleeves = flat_sleeves(gmask, runs, y_top, y_waist, cx, waist_w)
    if not sleeves:
        return None
    L = to_lab(np.asarray(garment.convert("RGB")))[..., 0].astype(np.float32)
    k = np.ones((5, 5), np.uint8)
    sm = cv2.erode(np.any([m for m, _ in sleeves], axis=0).astype(np.uint8), k) > 0
    bodice = np.zeros(gmask.shape, bool)
    half = 0.3 * waist_w
    bodice[y_top + (y_waist - y_top) // 4:y_waist, int(cx - half):int(cx + half)] = True
    bodice &= cv2.erode(gmask.astype(np.uint8), k) > 0
    if sm.sum() < 100 or bodice.sum() < 100:
        return None
    return _energy(L, sm) / max(_energy(L, bodice), 1e-3)


def sleeve_detail(labA: np.ndarray, on: np.ndarray, person, width: float, garment, gmask: np.ndarray) -> float | None:
    """Worn sleeves' detail over the bodice's, over the product shot's same ratio (None: no sleeves to judge)."""
    from core.tryon.regions import body_frame

    shot = _shot_ratio(garment, gmask)
    if shot is None or shot < 0.2:
        return None
    try:
        f = body_frame(person, "dress")
    except Exception:  # no shoulders or hips found: nothing to judge
        return None
    if f.lh is None or f.rh is None:
        return None
    L = labA[..., 0].astype(np.float32)
    inner = cv2.erode(on.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    arms = np.zeros(on.shape, np.uint8)  # along each arm from the top of the upper arm to the wrist
    for side in ("l", "r"):
        if not person.visible(f"{side}_elbow"):
            continue
        s, e = person.point(f"{side}_shoulder"), person.point(f"{side}_elbow")
        pts = [s + 0.3 * (e - s), e] + ([person.point(f"{side}_wrist")] if person.visible(f"{side}_wrist") else [])
        for a, b in zip(pts, pts[1:]):
            cv2.line(arms, tuple(np.int32(a)), tuple(np.int32(b)), 1, max(1, int(0.18 * width)))
    arms = (arms > 0) & inner
    cx, top = float((f.ls[0] + f.rs[0]) / 2), float(min(f.ls[1], f.rs[1]))
    wy = top + 0.64 * (float(f.lh[1] + f.rh[1]) / 2 - top)  # her natural waist (core.tryon.dress.waist_row)
    bodice = np.zeros(on.shape, bool)
    bodice[int(top + 0.25 * (wy - top)):int(wy), max(0, int(cx - 0.3 * width)):int(cx + 0.3 * width)] = True
    bodice &= inner & ~arms
    if arms.sum() < 0.15 * width ** 2 or bodice.sum() < 0.1 * width ** 2:
        return None
    worn = _energy(L, arms) / max(_energy(L, bodice), 1e-3)
    return float(min(1.5, worn / shot))


def dress_checks(v, person, kind: str, garment, gmask) -> list[tuple]:
    """(name, value, reason if failed, reason if passed) for quality.assess's dress-only checks (v: its _Compared)."""
    if kind != "dress" or person is None:
        return []
    out = [("held_cut", *held_cut(v, person))]
    rim = pale_rim(cv2.cvtColor(np.ascontiguousarray(v.labA, np.float32), cv2.COLOR_Lab2RGB), v.on, v.width)
    out.append(("torn_edge", rim, f"the dress's edge is torn: pale wisps of the product shot's backdrop along it "
                f"({rim:.1%} of its edge)", "the dress's edge is clean"))
    sd = sleeve_detail(v.labA, v.on, person, v.width, garment, gmask) if garment is not None and gmask is not None \
        else None
    if sd is not None:
        out.append(("sleeve_detail", sd, f"the sleeves' print is smeared: blown up and streaked down the arms (their "
                    f"detail {sd:.0%} of the bodice's, against the product shot's)", "the sleeves keep their print"))
    return out
