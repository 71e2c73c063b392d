"""The quality check's measures, one function each (core/tryon/quality.py scores them): flat fill, holes inside the
garment, old clothing left beside or along it, light slivers, and the garment's detail kept."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.tryon.pixels import NBINS, ellipse_mask, fine_texture, quantise, skin_like, skin_model, to_lab
from core.tryon.quality_keep import body_top, kept_lower_colours
from core.tryon.quality_slivers import sliver_mask


def face_ellipse(person) -> tuple[float, float, float, float] | None:
    try:
        from core.tryon.body import body_of

        return body_of(person).face
    except Exception:  # a person without face landmarks (an odd drawing): no face check
        return None


def skin_texture_level(lab: np.ndarray, own: np.ndarray, face, on: np.ndarray) -> float:
    """The person's own skin texture (median fine texture) on her upper body and cheeks: inner skin only (its
    edges against cloth or hair are not texture), above the new garment's hem (a beige skirt is not skin)."""
    H, W = own.shape
    ys = np.flatnonzero(on.any(axis=1))
    pool = own.copy()
    if len(ys):
        pool[ys.max() + 1:] = False
    if face is not None:
        pool &= ~ellipse_mask((H, W), face)
        cx, cy, rx, ry = face
        cheeks = np.zeros((H, W), bool)
        cheeks[int(max(0, cy)):int(max(0, cy + 0.5 * ry)), int(max(0, cx - 0.5 * rx)):int(max(0, cx + 0.5 * rx))] = True
        pool |= cheeks & own
    pool = cv2.erode(pool.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if pool.sum() < 100:
        return 0.6
    return float(np.median(fine_texture(lab[..., 0])[pool]))


def flat_fill_mask(after_lab: np.ndarray, revealed: np.ndarray, ref_texture: float) -> np.ndarray:
    """Revealed pixels with far less fine texture than the person's own skin, in blobs (a painted block)."""
    tex = fine_texture(after_lab[..., 0])
    flat = revealed & (tex < max(0.3 * ref_texture, 0.12))
    flat = cv2.morphologyEx(flat.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    return flat


def plain_backdrop(before_lab: np.ndarray, after_lab: np.ndarray, pmask: np.ndarray) -> np.ndarray:
    """Pixels of the result in the colour of the photo's own backdrop where that backdrop is itself plain (a studio
    white): old clothing cleared to the backdrop there is as flat as the backdrop, not a painted block."""
    back = ~(cv2.dilate(pmask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0)
    if back.sum() < 100 or float(np.median(fine_texture(before_lab[..., 0])[back])) > 0.12:
        return np.zeros(pmask.shape, bool)
    colour = np.median(before_lab[back], 0)
    return np.linalg.norm(after_lab - colour, axis=2) < 4.0


def shoulder_width(person, W: int) -> float:
    try:
        return float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    except Exception:
        return 0.25 * W


def hands_mask(person, shape, width: float) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    if person is None:
        return m > 0
    for side in ("l", "r"):
        try:
            if person.visible(f"{side}_wrist"):
                x, y = person.point(f"{side}_wrist")
                cv2.circle(m, (int(x), int(y)), int(0.16 * width), 1, -1)
        except Exception:
            pass
    return m > 0


def between_legs(person, shape) -> np.ndarray:
    """The wedge between the legs' axes from below the crotch to the ankles (from the pose), empty without them."""
    m = np.zeros(shape, np.uint8)
    names = ("l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle")
    if not all(person.visible(n) for n in names):
        return m > 0
    lh, rh, lk, rk, la, ra = (person.point(n) for n in names)
    crotch = (lh + rh) / 2 + 0.35 * ((lk + rk) / 2 - (lh + rh) / 2)
    cv2.fillPoly(m, [np.round(np.array([crotch, lk, la, ra, rk])).astype(np.int32)], 1)
    return m > 0


def garment_holes(on: np.ndarray, region: np.ndarray, width: float, changed: np.ndarray | None = None,
                  torso: np.ndarray | None = None) -> float:
    """Share of the garment's closed outline that is not garment: enclosed gaps and narrow bites (a white stripe
    or a white print taken for backdrop), not the wide gaps between a sleeve and the body. For a top, the middle
    of the torso between its neckline and hem counts as inside too (a white tee cut down to its print leaves the
    torso bare). What stayed as it was (a hand, hair in front) is not a hole."""
    if on.sum() < 100:
        return 0.0
    if torso is not None and torso.any():
        ys = np.flatnonzero(on.any(axis=1))
        y0, y1 = ys.min(), ys.max()
        t = torso.copy()
        t[:max(int(y0 + 0.15 * (y1 - y0)), body_top(on, torso))] = False  # a halter's open shoulders: no hole
        t[int(y1 - 0.05 * (y1 - y0)):] = False
        t = cv2.erode(t.astype(np.uint8), np.ones((int(0.1 * width) | 1,) * 2, np.uint8)) > 0
    else:
        t = None
    k = max(5, int(0.08 * width) | 1)
    closed = cv2.morphologyEx(on.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    filled = closed.copy()
    cnts, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, cnts, -1, 1, -1)
    inside = (filled > 0) & region
    inside = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    if t is not None:
        inside |= t & region
    gaps = inside & ~on & (changed if changed is not None else True)
    gaps = cv2.morphologyEx(gaps.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    return float(gaps.sum()) / max(float(inside.sum()), 1.0)


def _clothing_rows(kind: str, person, on: np.ndarray, H: int) -> tuple[int, int]:
    ys = np.flatnonzero(on.any(axis=1))
    if not len(ys):
        return 0, 0
    return int(ys.min()), int(ys.max()) + 1


def not_the_old_lower(person, kind: str, shape) -> np.ndarray:
    """Beside trousers or a dress, what is not the old garment: her arms hanging beside them, and the shoes below
    new trousers' hem over the ankles."""
    out = np.zeros(shape, bool)
    try:
        from core.tryon.body import body_of
        from core.tryon.reveal import limb_capsules

        out |= limb_capsules(person, body_of(person), shape)
        if kind == "lower" and person.visible("l_ankle") and person.visible("r_ankle"):
            out[int(min(person.point("l_ankle")[1], person.point("r_ankle")[1])):] = True
    except Exception:
        pass
    return out


def old_garment_left(labB, labA, region, on, skinB, pmask, kind, person, width, dE=None) -> float:
    """Share of the old clothing (its dominant colours, from the middle of the area the new garment covers) that
    shows unchanged beside the new garment, between the new garment's top and hem, on the person."""
    H, W = on.shape
    core = cv2.erode((on & region & pmask & ~skinB).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    if core.sum() < 200:
        return 0.0
    # The old clothing's colours: a coarse colour histogram of what the new garment replaced.
    q = quantise(labB)
    hist = np.bincount(q[core], minlength=NBINS).astype(np.float32)
    hist /= hist.sum()
    main = hist >= 0.03  # colours that make up the old garment (a logo or a fleck does not count)
    y0, y1 = _clothing_rows(kind, person, on, H)
    if kind == "upper":
        # The trousers or skirt below the new top's hem stay (their waistband under the top is not the old top):
        # their main colours, sampled well below the hem (an old top's band just below it is not sampled).
        low = np.zeros((H, W), bool)
        start = y1 + int(0.35 * width)
        try:  # below the hips (a long old top ends at them): the trousers or skirt, not the old top
            start = max(start, int(max(person.point("l_hip")[1], person.point("r_hip")[1]) + 0.15 * width))
        except Exception:
            pass
        low[min(H, start):min(H, start + int(0.55 * width))] = True
        low &= pmask & ~skinB & ~hands_mask(person, (H, W), width)
        if low.sum() > 200:
            lh = np.bincount(q[low], minlength=NBINS).astype(np.float32)
            main &= ~(lh / lh.sum() >= 0.12)
        main &= ~kept_lower_colours(q, person, pmask & ~skinB, width)  # a half-body photo: her trousers at the hips
    rows = np.zeros((H, W), bool)
    rows[y0:y1 + (int(0.6 * width) if kind == "upper" else 0)] = True  # a cropped top: the old one below it
    # The new garment's span across the body: the old garment left at its sides, sleeves and hem.
    near = cv2.dilate(on.astype(np.uint8), np.ones((int(0.4 * width) | 1,) * 2, np.uint8)) > 0
    zone = pmask & rows & near
    if kind == "upper" and person is not None:
        try:
            from core.tryon.body import body_of
            from core.tryon.reveal import limb_capsules

            zone |= limb_capsules(person, body_of(person), (H, W)) & pmask & ~hands_mask(person, (H, W), 0.8 * width)
        except Exception:
            pass
    elif person is not None:
        zone &= ~not_the_old_lower(person, kind, (H, W))
    zone &= ~on & ~skinB
    old_before = main[q] & zone
    if old_before.sum() < 50:
        return 0.0
    unchanged = (dE if dE is not None else np.linalg.norm(labA - labB, axis=2)) < 6.0
    left = old_before & unchanged
    left = cv2.morphologyEx(left.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    # Relative to the old garment's whole area (covered or not).
    total = float(core.sum() + old_before.sum())
    return float(left.sum()) / total


def old_edges_left(labB, region, on, skinB, pmask, width, dE, kind: str = "", person=None) -> float:
    """Share of a band along the new garment's sides (between its top and hem) where the old clothing's own
    colours show unchanged (for a top, not the trousers or skirt she keeps beside its lower sleeves)."""
    H, W = on.shape
    core = cv2.erode((on & region & pmask & ~skinB).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    ys = np.flatnonzero(on.any(axis=1))
    if core.sum() < 200 or not len(ys):
        return 0.0
    q = quantise(labB)
    hist = np.bincount(q[core], minlength=NBINS).astype(np.float32)
    hist /= hist.sum()
    main = hist >= 0.02
    if kind == "upper":
        main &= ~kept_lower_colours(q, person, pmask & ~skinB, width)
    y0, y1 = ys.min(), ys.max()
    k = max(3, int(0.08 * width) | 1)
    band = (cv2.dilate(on.astype(np.uint8), np.ones((1, k), np.uint8)) > 0) & ~on  # beside it, left and right
    band[:int(y0 + 0.1 * (y1 - y0))] = False
    band[int(y1 - 0.05 * (y1 - y0)):] = False
    band &= pmask & ~skinB
    if band.sum() < 50:
        return 0.0
    left = band & main[q] & (dE < 6.0)
    left = cv2.morphologyEx(left.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    # Against the sides' length: where the arms, her skin or the backdrop lie along nearly all of it, a few specks
    # of old cloth left (beside a bag she holds) are not a strip down its side.
    sides = 2.0 * k * 0.85 * float(y1 - y0)
    return float(left.sum()) / max(float(band.sum()), 0.25 * sides)


def light_slivers(labB, labA, on, pmask, width, face=None, kind: str = "") -> float:
    """Pixels inside the person's silhouette, beside the new garment, that turned light and grey (backdrop-
    coloured) where the photo had something darker: share of the garment's area (quality_slivers.sliver_mask)."""
    return float(sliver_mask(labB, labA, on, pmask, width, face, kind).sum()) / max(float(on.sum()), 1.0)


def detail_kept(garment: Image.Image, gmask: np.ndarray, labA: np.ndarray, alpha: np.ndarray,
                scale: float | None) -> float | None:
    """Fine detail (gradient energy) of the worn garment over the product shot's at the worn scale: ~1 kept,
    near 0 smeared."""
    g = np.asarray(garment.convert("RGB"))
    ys, xs = np.nonzero(alpha > 0.5)
    gy, gx = np.nonzero(gmask)
    if scale is None:
        scale = float(np.ptp(xs) + 1) / max(float(np.ptp(gx) + 1), 1.0)
    scale = float(np.clip(scale, 0.05, 4.0))
    gs = cv2.resize(g, (max(8, int(g.shape[1] * scale)), max(8, int(g.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    ms = cv2.resize(gmask.astype(np.uint8), gs.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    ms = cv2.erode(ms, np.ones((7, 7), np.uint8)) > 0
    wa = cv2.erode((alpha > 0.95).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if ms.sum() < 200 or wa.sum() < 200:
        return None
    e_g = _grad_energy(to_lab(gs)[..., 0], ms)
    e_a = _grad_energy(labA[..., 0], wa)
    if e_g < 3.0:  # a plain garment (a fine weave at most): no print a person would miss
        return 1.0
    return float(min(1.5, e_a / e_g))


def _grad_energy(L: np.ndarray, m: np.ndarray) -> float:
    gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.mean(np.sqrt(gx * gx + gy * gy)[m]))


def sleeve_length(gmask: np.ndarray) -> float | None:
    """The longer sleeve of a top's product shot along its own axis, over the top's length (tees measure 0.3-0.57,
    long sleeves 0.86 and over); None where the outline has no sleeves to read."""
    from core.tryon.drape import garment_parts
    from core.tryon.warp import garment_landmarks

    try:
        parts = garment_parts(gmask, garment_landmarks(gmask, "upper"))
    except Exception:  # not a top's outline: no sleeves to judge
        return None
    length = max(float(parts.y_hem - parts.y_top), 1.0)
    sleeves = []
    for mask, side in parts.sleeves:
        corner = np.array([parts.top[0] if side < 0 else parts.top[1], parts.y_top], np.float32)
        ys, xs = np.nonzero(mask)
        pts = np.stack([xs, ys], 1).astype(np.float32)
        c = pts.mean(0)
        _, _, vt = np.linalg.svd(pts - c, full_matrices=False)
        axis = vt[0] if (vt[0] @ (c - corner)) > 0 else -vt[0]
        sleeves.append(float(((pts - corner) @ axis).max()) / length)
    return max(sleeves) if sleeves else None


def short_sleeved(gmask: np.ndarray) -> bool:
    """A top whose sleeves are under 0.65x its length: a tee, not a sweater."""
    r = sleeve_length(gmask)
    return r is not None and r < 0.65


def forearms_covered(person, on: np.ndarray, skinB: np.ndarray, dE: np.ndarray, width: float) -> float:
    """Share of the person's bare forearm skin (elbow to wrist) that the new garment now covers."""
    m = np.zeros(on.shape, np.uint8)
    for side in ("l", "r"):
        if person.visible(f"{side}_elbow") and person.visible(f"{side}_wrist"):
            e, w = person.point(f"{side}_elbow"), person.point(f"{side}_wrist")
            cv2.line(m, (int(e[0]), int(e[1])), (int(w[0]), int(w[1])), 1, max(1, int(0.2 * width)))
    bare = (m > 0) & skinB
    if bare.sum() < 100:
        return 0.0
    return float((bare & on & (dE > 8)).sum()) / float(bare.sum())


def invented_skin(labB: np.ndarray, labA: np.ndarray, changed: np.ndarray, on: np.ndarray, pmask: np.ndarray,
                  face) -> float:
    """The share of the person's figure that is skin drawn in where the photo shows clothing (a bandeau over a
    sweatshirt draws a whole bare torso and both arms): beyond a little, no drawn skin passes for hers."""
    model = skin_model(labB, face, pmask)
    if model is None or pmask.sum() == 0:
        return 0.0
    drawn = changed & ~on & skin_like(labA, model) & ~skin_like(labB, model) & pmask
    drawn = cv2.morphologyEx(drawn.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    return float(drawn.sum()) / float(pmask.sum())
