"""The old garment left just outside the new one's outline: a thin sliver of an old dress down her side, a halter's
straps at her neck, the buckle of an old top's strap beside a tee, a strip of old print at the hip of new trousers.

Measured in a thin band just outside the new garment's outline, on the person as the photo shows her (not her skin,
face, hands, hair or what she holds): the pixels there in the old garment's own colours (those it had where the new
garment now lies) left unchanged. Below a top's hem (her trousers, kept) and above trousers' waistband (her top,
kept) the band is not looked at. `fringe_mask` is also what core.tryon.fringe clears in a try-on result."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import NBINS, ellipse_mask, quantise, skin_like, skin_model, to_lab
from core.tryon.quality_keep import kept_lower_colours

BAND = 0.05  # the band's width, a share of the shoulders
MAIN = 0.03  # a colour making up this share of what the new garment covers is the old garment's
NEW = 0.03  # ...unless it makes up this share of the new garment (its own colours at its edge)
SHADE = 0.005  # a colour making up this share of the new garment is one of its shades (the garment as painted)
UNCHANGED = 6.0  # colour difference (Lab) under which a pixel is as the photo had it
STRETCH = 0.5  # trousers: the stretch of one side looked at alone, a share of the shoulders...
STRIP = 0.2  # ...its share of old garment counted at this weight (a fifth of the band's pixels over it fails)
GROW = 0.25  # the fix clears, with the band, what of the old garment joins it up to this share of the shoulders out


def _old_colours(q: np.ndarray, core: np.ndarray, share: float = MAIN) -> np.ndarray | None:
    if core.sum() < 200:
        return None
    hist = np.bincount(q[core], minlength=NBINS).astype(np.float32)
    return hist / hist.sum() >= share


def _rows(on: np.ndarray, kind: str, width: float) -> np.ndarray:
    """The rows looked at: from a little above the garment's top (a halter's straps at the neck) to its hem, less
    a top's hem (her trousers below it stay) and trousers' waist (her top above it stays)."""
    H = on.shape[0]
    ys = np.flatnonzero(on.any(axis=1))
    rows = np.zeros(H, bool)
    if not len(ys):
        return rows
    y0, y1 = int(ys.min()), int(ys.max())
    if kind == "lower":
        y0 += int(0.15 * width)
    else:
        y0 -= int(0.3 * width)
    if kind != "dress":
        y1 -= int(0.1 * width)
    rows[max(0, y0):max(0, y1)] = True
    return rows


def _kept(person, shape, width: float, skinB: np.ndarray, labB: np.ndarray, held: bool = True) -> np.ndarray:
    """What stays as it is by design: her face, her hair, what she holds (her hands' skin is skin: never looked
    at; the old print beside a hand on her hip is looked at)."""
    from core.tryon.body import body_of
    from core.tryon.held import held_objects
    from core.tryon.quality_checks import face_ellipse
    from core.tryon.uncover import hair_colours

    out = held_objects(labB, person) if held else np.zeros(shape, bool)
    face = face_ellipse(person)
    if face is not None:
        out |= ellipse_mask(shape, face)
    try:  # her hair falls to the shoulders (below them, the same dark colours are clothing)
        body = body_of(person)
        hair = hair_colours(labB, person, body, skinB)
        hair[int(max(0, max(body.ls[1], body.rs[1]) + 0.2 * width)):] = False
        out |= hair
    except Exception:  # no face or shoulders to find her hair by
        pass
    return out


def off_backdrop(labB: np.ndarray, labA: np.ndarray, pmask: np.ndarray, width: float) -> np.ndarray:
    """Where the result is not the photo's backdrop colour (its median just outside her outline)."""
    k = max(3, int(0.1 * width) | 1)
    ring = (cv2.dilate(pmask.astype(np.uint8), np.ones((k, k), np.uint8)) > 0) & ~pmask
    if ring.sum() < 50:
        return np.ones(pmask.shape, bool)
    ref = np.median(labB[ring], axis=0)
    return np.linalg.norm(labA - ref, axis=2) > 5.0


def _beside(on: np.ndarray, shown: np.ndarray, r: int) -> np.ndarray:
    """Within r of the garment as painted, off it (its own outline's rim, where left unpainted, included)."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2)
    rim = on & ~(cv2.erode(on.astype(np.uint8), disc) > 0)
    return (cv2.dilate(shown.astype(np.uint8), disc) > 0) & ~shown & (~on | rim)


def _still_old(cand: np.ndarray, labB, labA, dE, main, pmask, width: float) -> np.ndarray:
    """cand less the pixels that changed and are no longer in the old garment's colours (or are the backdrop's)."""
    out = cand & (dE < 4 * UNCHANGED)
    ys, xs = np.nonzero(out & (dE >= UNCHANGED))
    if len(ys):
        still = main[quantise(labA[ys, xs][None])[0]] & off_backdrop(labB, labA[ys, xs][None], pmask, width)[0]
        out[ys[~still], xs[~still]] = False
    return out


def fringe_mask(labB: np.ndarray, labA: np.ndarray, dE: np.ndarray, on: np.ndarray, pmask: np.ndarray,
                skinB: np.ndarray, width: float, kind: str, kept: np.ndarray | None = None,
                grow: bool = False, person=None) -> np.ndarray:
    """The old garment's pixels left in the thin band just outside the new garment (on, as painted): unchanged, or
    still in the old garment's colours (a strap's edge blended into the skin drawn over it), not the backdrop's.
    grow: with what of it joins them up to a quarter of the shoulders out (a halter's strap up to her neck)."""
    H, W = on.shape
    if on.sum() < 500 or width <= 0:
        return np.zeros((H, W), bool)
    q = quantise(labB)
    main = _old_colours(q, cv2.erode((on & pmask & ~skinB).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0)
    if main is None:
        return np.zeros((H, W), bool)
    qA = quantise(labA)
    inner = cv2.erode(on.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    new = _old_colours(qA, inner, NEW)
    # The garment as painted: changed, or in its own colours (a white stripe over her white tee is painted too).
    shades = _old_colours(qA, inner, SHADE)
    shown = on & ((dE >= UNCHANGED) | (shades[qA] if shades is not None else False))
    if new is not None:  # the new garment's own colours at its edge are its own (her own top worn again)
        main &= ~new
    if kind == "upper" and person is not None:  # her trousers or skirt, kept beside and under a new top
        main &= ~kept_lower_colours(q, person, pmask & ~skinB, width)
    r = max(2, int(BAND * width))
    # Its outline's pixels left as the photo had them (a dress's edge where it was not laid, a strap at the
    # shoulder) show the old garment though the garment's alpha holds them.
    zone = _beside(on, shown, max(r, int(GROW * width)) if grow else r)
    zone &= _rows(on, kind, width)[:, None] & pmask & ~skinB & main[q]
    if kept is not None:
        zone &= ~kept
    left = _still_old(zone, labB, labA, dE, main, pmask, width)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(left.astype(np.uint8), connectivity=8)
    if n <= 1:
        return left
    small = stats[:, cv2.CC_STAT_AREA] < max(6, int(0.0005 * width ** 2))
    if grow:  # only what joins the thin band
        small |= ~np.isin(np.arange(n), labels[left & _beside(on, shown, r)])
    small[0] = False
    return left & ~small[labels]


def outline_length(on: np.ndarray) -> float:
    """The new garment's outline, in pixels."""
    edge = on & ~(cv2.erode(on.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    return float(edge.sum())


def fringe_share(mask: np.ndarray, on: np.ndarray, width: float) -> float:
    """How much old garment is left, as its mean thickness along the new garment's outline in shares of the band
    (0: none; 1: the whole band old garment all round)."""
    return float(mask.sum()) / max(outline_length(on) * max(2, int(BAND * width)), 1.0)


def worst_stretch(mask: np.ndarray, on: np.ndarray, width: float) -> float:
    """The old garment's share of the band along the worst stretch (STRETCH of the shoulders long) of one side of the
    new garment (left or right of its middle): a strip of the old print down one hip, beside her arm, however
    short the strip is against the whole outline (a few pixels thick for a forearm's length reads at once)."""
    xs = np.flatnonzero(on.any(axis=0))
    if not len(xs) or not mask.any():
        return 0.0
    r, h = max(2, int(BAND * width)), max(8, int(STRETCH * width))
    cx = int((xs.min() + xs.max()) // 2)
    best = 0.0
    for side in (mask[:, :cx], mask[:, cx:]):
        rows = side.sum(axis=1).astype(np.float32)
        if len(rows) >= h:
            best = max(best, float(np.convolve(rows, np.ones(h, np.float32), mode="valid").max()) / (h * r))
    return best


def fringe_for(before: np.ndarray, after: np.ndarray, alpha: np.ndarray, kind: str, person,
               grow: bool = False) -> np.ndarray:
    """fringe_mask on two RGB pictures of the person (before the try-on and after it)."""
    from core.tryon.quality_checks import face_ellipse, shoulder_width

    labB, labA = to_lab(np.asarray(before, np.uint8)), to_lab(np.asarray(after, np.uint8))
    d = labA - labB
    dE = np.sqrt(np.einsum("ijk,ijk->ij", d, d))
    width = shoulder_width(person, labB.shape[1])
    pmask = person.mask
    skinB = skin_like(labB, skin_model(labB, face_ellipse(person), pmask))
    kept = _kept(person, pmask.shape, width, skinB, labB)
    return fringe_mask(labB, labA, dE, alpha > 0.5, pmask, skinB, width, kind, kept, grow, person)


def old_fringe_left(labB, labA, dE, on, pmask, skinB, width: float, kind: str, person) -> float:
    """fringe_share of the old garment left beside the new one (0 without a pose to tell her hands and hair by)."""
    if person is None or getattr(person, "landmarks", None) is None:
        return 0.0
    try:
        kept = _kept(person, on.shape, width, skinB, labB, held=False)  # (pmask is without what she holds)
    except Exception:
        return 0.0
    mask = fringe_mask(labB, labA, dE, on, pmask, skinB, width, kind, kept, person=person)
    share = fringe_share(mask, on, width)
    if kind == "lower":  # a strip down one side of new trousers shows however long their outline is
        share = max(share, STRIP * worst_stretch(mask, on, width))
    return share


def old_fringe(labB, labA, dE, on, pmask, skinB, width: float, kind: str, person) -> tuple[float, str, str]:
    """The quality check's (value, what fails, what passes)."""
    share = old_fringe_left(labB, labA, dE, on, pmask, skinB, width, kind, person)
    return (share, f"slivers of the old clothing show just outside the new garment ({share:.1%} of its edge)",
            "nothing of the old clothing beside the garment's outline")
