"""The quality check's measures of what the eye catches beyond flat fill and old clothing (core/tryon/quality.py
scores them): bare skin painted in a tone that is not the person's own, backdrop-coloured spikes inside the worn
garment (the product shot's seams and armpit wedges worn as cloth), a ragged or torn garment outline, and long sleeves
that did not follow the arms. Each is a general image measure on the result against the photo it came from (and
the product shot where the result carries it); box filters and a few morphology passes, a few ms each."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.tryon.pixels import to_lab


def _disc(k: int) -> np.ndarray:
    k = max(3, int(k) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def skin_tone_gap(labB: np.ndarray, labA: np.ndarray, changed: np.ndarray, on: np.ndarray, pmask: np.ndarray,
                  skinB: np.ndarray) -> tuple[float, float]:
    """(colour difference, area share): what the new garment leaves bare and the result painted skin-coloured
    (arms, midriff, legs under a shorter hem) against the person's own skin where the photo shows it unchanged
    (face, hands, ankles). A painted leg a shade lighter than her ankles reads as a stocking or a block.
    Returns (0, share) where either side is too small to compare."""
    revealed = changed & ~(cv2.dilate(on.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0) & pmask
    revealed = cv2.morphologyEx(revealed.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    own = cv2.erode((skinB & ~changed & pmask).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if own.sum() < 200:
        return 0.0, 0.0
    skin = np.median(labB[own], 0)
    px = labA[revealed]  # only the revealed pixels: the hue test on the whole picture costs ten times more
    a, b = px[:, 1], px[:, 2]
    hue_gap = np.abs((np.degrees(np.arctan2(b, a) - np.arctan2(skin[2], skin[1])) + 180) % 360 - 180)
    chroma, own_chroma = np.hypot(a, b), float(np.hypot(skin[1], skin[2]))
    # painted as skin: near her skin's hue, not a saturated orange suit or a grey wall
    keep = (hue_gap < 25) & (chroma > 0.4 * own_chroma) & (chroma < 1.5 * own_chroma + 5) & (px[:, 0] > 20)
    fill = px[keep]
    share = float(len(fill)) / max(float(on.sum()), 1.0)
    if len(fill) < 200 or share < 0.005:
        return 0.0, share
    gap = np.median(fill, 0) - skin
    return float(np.linalg.norm(gap)), share


def _backdrop_lab(lab: np.ndarray, gmask: np.ndarray) -> np.ndarray:
    """The product shot's backdrop colour: the median of its border off the garment (white where none shows)."""
    ring = np.zeros(gmask.shape, bool)
    ring[:3], ring[-3:], ring[:, :3], ring[:, -3:] = True, True, True, True
    ring &= ~gmask
    return np.median(lab[ring], 0) if ring.sum() > 20 else np.array([96.0, 0.0, 0.0], np.float32)


def _backdrop_like(lab: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """The backdrop's colour, lit or shaded as the worn garment is (its hue and grey, a lightness up to 18 under)."""
    return ((np.abs(lab[..., 1] - bg[1]) < 6) & (np.abs(lab[..., 2] - bg[2]) < 8) & (lab[..., 0] > bg[0] - 18)
            & (lab[..., 0] < bg[0] + 6))


def _edge(mask: np.ndarray) -> np.ndarray:
    """A mask's inner rim, the picture's border included (a garment cut by the frame has its edge there)."""
    m = mask.astype(np.uint8)
    return mask & ~(cv2.erode(m, np.ones((5, 5), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0)


def _thin(mask: np.ndarray, k: int, outline: np.ndarray | None = None) -> np.ndarray:
    """The parts of a mask narrower than k pixels (a spike, a seam line), not its broad areas; with an outline,
    only the thin parts that reach it (a backdrop wedge enters from the garment's edge; a white print does not)."""
    thin = mask & ~(cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, _disc(k)) > 0)
    if outline is None or not thin.any():
        return thin
    n, lab = cv2.connectedComponents(thin.astype(np.uint8), connectivity=8)
    touching = np.zeros(n, bool)
    touching[np.unique(lab[outline & thin])] = True
    touching[0] = False
    return touching[lab]


def backdrop_spikes(labA: np.ndarray, on: np.ndarray, width: float, garment: Image.Image | None,
                    gmask: np.ndarray | None, scale: float | None) -> float | None:
    """Share of the worn garment that is thin and backdrop-coloured (the product shot's white armpit wedges or
    seams warped in as cloth), beyond what the product shot's own garment has of thin backdrop-coloured lines
    at the same scale (a white-striped shirt keeps its stripes). None without the product shot."""
    if garment is None or gmask is None or on.sum() < 500 or gmask.sum() < 500:
        return None
    s = float(np.clip(scale if scale else np.sqrt(on.sum() / gmask.sum()), 0.05, 4.0))
    g = np.asarray(garment.convert("RGB"))
    size = (max(8, int(g.shape[1] * s)), max(8, int(g.shape[0] * s)))
    lab_shot = to_lab(cv2.resize(g, size, interpolation=cv2.INTER_AREA))
    m_shot = cv2.resize(gmask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    bg = _backdrop_lab(lab_shot, m_shot > 0)
    k = int(0.05 * width)
    inner = cv2.erode(on.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    worn = _thin(inner & _backdrop_like(labA, bg), k, _edge(inner))
    worn = cv2.morphologyEx(worn.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    share_worn = float(worn.sum()) / float(inner.sum())
    ms = cv2.erode(m_shot, np.ones((3, 3), np.uint8)) > 0
    if ms.sum() < 200:
        return share_worn
    own_white = ms & _backdrop_like(lab_shot, bg)
    if own_white.sum() > 0.3 * ms.sum():  # a white garment on white: its own cloth is the backdrop's colour
        return None
    shot = _thin(own_white, k, _edge(ms))
    share_shot = float(shot.sum()) / float(ms.sum())
    if share_shot > 0.005:  # white stripes or print run to its edges: spikes cannot be told from the garment's own
        return None
    return max(0.0, share_worn - share_shot)


def ragged_outline(on: np.ndarray, width: float) -> float:
    """How ragged the worn garment's outline is: splinters, teeth and islands of the garment, and bites and
    islands of something else inside it (the old top showing through in blobs, backdrop streaks between an arm
    and the body), as the pixels where the garment differs from its outline smoothed at a twentieth of the
    shoulder width (a closing then an opening), over the garment's area. A clean garment, a fringe or a strap
    at that scale changes little; a cut-out torn at its edges changes much."""
    on = _below_straps(on)
    if on.sum() < 500:
        return 0.0
    m, k = on.astype(np.uint8), _disc(0.06 * width)
    smooth = cv2.morphologyEx(cv2.morphologyEx(m, cv2.MORPH_CLOSE, k), cv2.MORPH_OPEN, k) > 0
    torn = cv2.morphologyEx((smooth != on).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    return float(torn.sum()) / float(on.sum())


def _below_straps(on: np.ndarray) -> np.ndarray:
    """The garment from its first full row down: a cami's straps or a halter's neck band above it (thin runs up
    to the shoulders, a strap's loop) are no tear, though a smoothing at a twentieth of the shoulders takes them
    off."""
    widths = on.sum(axis=1)
    rows = np.flatnonzero(widths)
    if not len(rows):
        return on
    upper = widths[rows[0]:(rows[0] + rows[-1]) // 2 + 1]  # the upper half's widest row: its chest, not a skirt's flare
    full = rows[0] + np.flatnonzero(upper >= 0.5 * upper.max())
    out = on.copy()
    out[:full[0]] = False
    return out


def cuffs_low(gmask: np.ndarray) -> bool:
    """The product shot's outermost columns (a laid-out garment's cuffs) lie in its lower half: long sleeves hang
    down beside the body; a tee's short sleeves stick out near its top (a boxy tee can read as long-sleeved from
    its outline's parts alone), apart from the body at that height (a wide hem is not a cuff)."""
    ys, xs = np.nonzero(gmask)
    if len(xs) < 100:
        return False
    y0, y1 = ys.min(), ys.max()
    band = max(2, int(0.03 * (xs.max() - xs.min())))
    outer = (xs <= xs.min() + band) | (xs >= xs.max() - band)
    cuff = int(np.median(ys[outer]))
    if float(cuff - y0) / max(float(y1 - y0), 1.0) < 0.5:
        return False
    row = gmask[cuff].astype(np.int8)
    return int((np.diff(row) == 1).sum() + row[0]) >= 2  # a sleeve apart from the body there, not a wide hem


def sleeves_kept(person, on: np.ndarray, width: float, long_sleeved: bool) -> float | None:
    """Share of the forearms (elbow to wrist, as seen) the garment covers when its product shot has long sleeves;
    None for a short-sleeved or sleeveless garment or forearms out of the picture."""
    if not long_sleeved or person is None:
        return None
    m = np.zeros(on.shape, np.uint8)
    for side in ("l", "r"):
        if person.visible(f"{side}_elbow") and person.visible(f"{side}_wrist"):
            e, w = person.point(f"{side}_elbow"), person.point(f"{side}_wrist")
            a = e + 0.1 * (w - e)
            b = e + 0.75 * (w - e)  # short of the wrist: a sleeve pushed up a little still counts
            cv2.line(m, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 1, max(1, int(0.08 * width)))
    line = m > 0
    if line.sum() < 50:
        return None
    return float((line & on).sum()) / float(line.sum())


def torn_hem(on: np.ndarray, width: float) -> float:
    """How torn the worn garment's hem looks: the lowest edge of its middle (the columns whose cloth reaches within
    a quarter of the shoulders of its lowest row, the longest run of them, less a tenth at each end where the hem
    turns up into the sides) against its running median over 0.15 shoulder widths, the mean step in hundredths of the
    shoulders. A hem cut along a torn product-shot matte zigzags by a few pixels every few pixels (which the ragged
    check's area share barely sees); a hem sewn straight or curved barely moves."""
    if on.sum() < 500 or width <= 0:
        return 0.0
    H = on.shape[0]
    has = on.any(axis=0)
    last = np.where(has, H - 1 - np.argmax(on[::-1], axis=0), -1).astype(np.float32)
    hem = has & (last >= last.max() - 0.25 * width)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], hem.astype(np.int8), [0]])))
    if len(runs) < 2:
        return 0.0
    starts, ends = runs[0::2], runs[1::2]
    i = int(np.argmax(ends - starts))
    prof = last[starts[i]:ends[i]]
    cut = max(1, int(0.1 * len(prof)))
    prof = prof[cut:-cut]
    run = max(3, int(0.15 * width) | 1)
    if len(prof) < 2 * run:
        return 0.0
    med = np.median(np.lib.stride_tricks.sliding_window_view(np.pad(prof, run // 2, mode="edge"), run), axis=1)
    return float(np.mean(np.abs(prof - med))) / (0.01 * width)


OUTLINE_BAND = 3.5  # px: her outline's soft edge between her bare skin and the backdrop


def outline_painted(dE: np.ndarray, skinB: np.ndarray, changed: np.ndarray, pmask: np.ndarray, on: np.ndarray,
                    width: float) -> float:
    """How much of her bare skin's own soft outline against the backdrop (the band of the photo's pixels within
    OUTLINE_BAND of both her skin that stays and the backdrop, off the new garment, in pieces running an eighth of the
    shoulders and more) the result repainted: its pixels changed clearly (colour difference over 15), per shoulder
    width. Repainted, a bare arm's or shoulder's outline
    is a hard, stepped cut with slivers of the photo's light rim standing off it (g08 on p23: 0.28, kept 0)."""
    if width <= 0 or not skinB.any():
        return 0.0
    kept = (skinB & ~changed & pmask).astype(np.uint8)
    d_skin = cv2.distanceTransform(1 - kept, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    d_back = cv2.distanceTransform(pmask.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    near_on = cv2.dilate(on.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    band = pmask & ~skinB & (d_skin <= OUTLINE_BAND) & (d_back <= OUTLINE_BAND) & ~near_on
    band = _long(band, 0.12 * width)
    return float((band & (dE > 15.0)).sum()) / width


def _long(mask: np.ndarray, span: float) -> np.ndarray:
    """The 8-connected pieces of mask whose bounding box runs at least span pixels."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if n < 2:
        return np.zeros_like(mask)
    keep = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= span
    keep[0] = False
    return keep[labels]
