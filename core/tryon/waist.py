"""Trousers on a real photo sit where the old lower garment sits: the waistband at the person's waist (where the
old garment starts, under the top's hem), the legs out to the old garment's outline and the hem over its hem, so
that the old garment is covered instead of showing as a band, slivers or cuffs."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pixels import quantise
from core.tryon.dress_parts import leg_shapes
from core.tryon.front import hands_and_forearms, in_front, person_lab, put_back
from core.tryon.pose import Person
from core.tryon.reveal import (backdrop_fill, clothing_colours, hide_old_lower, lab_of, limb_capsules, own_skin,
                               smooth)


def find_waist(person: Person, frame: BodyFrame) -> float | None:
    """The row where the old lower garment starts between the hips (under the top's hem), or None when the photo
    does not tell (the top and the lower garment in the same colours, nothing below the hips)."""
    H, W = person.mask.shape
    w = frame.width
    hip_y = float(min(frame.lh[1], frame.rh[1]))
    x0, x1 = sorted((int(frame.rh[0]), int(frame.lh[0])))
    x0, x1 = max(0, x0), min(W, x1 + 1)
    y0, y1 = int(hip_y + 0.3 * w), int(min(H, hip_y + 0.7 * w))  # the upper thighs: surely the lower garment
    sy0 = int(min(frame.ls[1], frame.rs[1]) + 0.3 * w)  # the chest: surely the top
    if x1 - x0 < 8 or y1 - y0 < 8 or sy0 >= hip_y - 0.3 * w:
        return None
    lab = person_lab(person)
    q = quantise(lab)
    luts = []
    for a, b in ((y0, y1), (sy0, int(hip_y - 0.3 * w))):
        core = np.zeros((H, W), bool)
        core[a:b, x0:x1] = True
        luts.append(clothing_colours(lab, core & person.mask, share=0.05))
    if luts[0] is None or luts[1] is None:
        return None
    low, top = luts[0][q] & person.mask, luts[1][q] & person.mask
    n = np.maximum(person.mask[:, x0:x1].sum(axis=1), 1)
    low_share, top_share = low[:, x0:x1].sum(axis=1) / n, top[:, x0:x1].sum(axis=1) / n
    # A row is the top's once it reads as the top's colours clearly more than the lower garment does (a print
    # shares some colours with a plain top: the step between the two levels is the hem).
    level = float(top_share[y0:y1].mean())
    if level > 0.85:  # the two garments in the same colours: the photo does not say
        return None
    top_share = cv2.blur(top_share.astype(np.float32)[:, None], (1, 7)).ravel()
    cap = int(max(0, hip_y - 0.7 * w))
    y = y0
    while y > cap and top_share[y - 1] < max(0.5, (1 + level) / 2):  # a belt or a hand in between is not the top
        y -= 1
    return None if y <= cap else float(y)


def outline_span(person: Person, y: int, cx: float, reach: float) -> tuple[float, float] | None:
    """The person's outline across row y (legs below the hands: no arms there), no farther than reach from cx."""
    H, W = person.mask.shape
    if not 0 <= y < H:
        return None
    row = person.mask[y]
    lo, hi = max(0, int(cx - reach)), min(W - 1, int(cx + reach))
    xs = np.flatnonzero(row[lo:hi + 1])  # below the crotch the legs are two runs: their outer edges
    if not len(xs):
        return None
    return float(lo + xs.min()), float(lo + xs.max())


def central_run(mask: np.ndarray, y: int, cx: float) -> tuple[float, float] | None:
    """The run of the mask across row y that holds cx (or the nearest to it)."""
    xs = np.flatnonzero(mask[y])
    if not len(xs):
        return None
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
    best = min(runs, key=lambda r: 0 if r[0] <= cx <= r[-1] else min(abs(r[0] - cx), abs(r[-1] - cx)))
    return float(best[0]), float(best[-1])


def without_arms(person: Person, frame: BodyFrame) -> np.ndarray:
    """The person's mask less her bare arms and hands (arms hanging against the hips are not the hips' width; a
    skin-coloured print beside them, not as smooth as her skin, is not her arm). Found once per try-on."""
    return person.derived(("without_arms", float(frame.width)), lambda: _without_arms(person, frame)).copy()


def _without_arms(person: Person, frame: BodyFrame) -> np.ndarray:
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    arms = limb_capsules(person, frame, person.mask.shape, 1.3) & skin & smooth(lab, skin, frame)
    arms = cv2.dilate((arms | hands_and_forearms(person, frame, lab)).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return person.mask & ~arms


def fit_lower(person: Person, frame: BodyFrame, dst: np.ndarray, waist: float | None) -> np.ndarray:
    """body_landmarks for trousers, moved to this photo: the top corners up to the waist, the mid and hem
    corners out to the legs' outline where it is wider (the old garment's), the hem just over the ankle."""
    dst = dst.copy()
    w = frame.width
    if waist is not None:
        dst[0:2, 1] = waist
    # The waistband spans the body, however close together the pose puts the hip joints (a three-quarter
    # stance, a dress hiding the legs): at least a hip's width about their middle, out to the outline within reach.
    hx = float(frame.lh[0] + frame.rh[0]) / 2
    body = without_arms(person, frame)
    span = central_run(body, int(np.clip(dst[0, 1], 0, person.mask.shape[0] - 1)), hx)
    span = span if span and span[1] - span[0] < 1.5 * w else None  # arms joined to the body: not the hips
    # Centred on the body's outline there (the hip joints of a pose may sit off-centre).
    c = float(np.clip((span[0] + span[1]) / 2, hx - 0.15 * w, hx + 0.15 * w)) if span else hx
    half = max((span[1] - span[0]) / 2 if span else 0.0, 0.5 * w)
    dst[0:2, 0] += c - hx
    dst[0, 0], dst[1, 0] = min(dst[0, 0], c - half), max(dst[1, 0], c + half)
    if frame.long:
        dst[4:6, 1] += 0.06 * w
    dst[2:4, 1] = (dst[0, 1] + dst[4, 1]) / 2
    for i, least in ((2, 0.45 * w), (4, 0.38 * w)):  # two trouser legs, however close the knees and ankles stand
        c = float(dst[i, 0] + dst[i + 1, 0]) / 2
        dst[i, 0], dst[i + 1, 0] = min(dst[i, 0], c - least), max(dst[i + 1, 0], c + least)
    cx = float(frame.lh[0] + frame.rh[0]) / 2
    for i in (2, 4):
        y = int(np.clip(dst[i, 1], 0, person.mask.shape[0] - 1))
        if person.mask[y, int(np.clip(cx, 0, person.mask.shape[1] - 1))]:
            # No gap between the legs here: a skirt or a dress, whose outline is not the legs' but is centred on
            # them, or two legs touching at the ankles (their outline is the hem's).
            _within_outline(person, frame, dst, i, y, cx, half, body)
            continue
        span = outline_span(person, y, cx, 1.2 * w)
        if span is None:
            continue
        dst[i, 0] = min(dst[i, 0], span[0] - 0.08 * w)
        dst[i + 1, 0] = max(dst[i + 1, 0], span[1] + 0.08 * w)
    return dst


def _within_outline(person: Person, frame: BodyFrame, dst: np.ndarray, i: int, y: int, cx: float,
                    hips: float, body: np.ndarray) -> None:
    """Trousers' corners at row y where no gap shows between the legs: at the thighs (i == 2) centred on the
    outline there and at least as wide as it, but never wider than the hips (a flared dress is not her thighs);
    at the hem (i == 4) out over the legs' outline (two feet together, one leg the pose put beside the other)."""
    w = frame.width
    run = central_run(body if i == 2 else person.mask, y, cx)
    if not run or run[1] - run[0] >= 1.5 * w:
        return
    c = (run[0] + run[1]) / 2
    if i == 2:
        dst[i:i + 2, 0] += float(np.clip(c - (dst[i, 0] + dst[i + 1, 0]) / 2, -0.15 * w, 0.15 * w))
        half = min((run[1] - run[0]) / 2, hips)
    else:
        half = (run[1] - run[0]) / 2 + 0.05 * w
    if half < 0.6 * w:
        dst[i, 0], dst[i + 1, 0] = min(dst[i, 0], c - half), max(dst[i + 1, 0], c + half)


def legs_apart(person: Person, frame: BodyFrame) -> bool:
    """Whether the old lower garment has two legs (the backdrop shows between them above the knees), not a dress
    or a skirt whose outline closes the gap. Where the gap opens under a short dress's hem (below halfway from the
    hips to the knees, lower than a crotch) and the legs beside it are her bare skin, not two trouser legs: that is
    a dress too."""
    return person.derived(("legs_apart", float(frame.width)), lambda: _legs_apart(person, frame))


def _legs_apart(person: Person, frame: BodyFrame) -> bool:
    H, W = person.mask.shape
    w = frame.width
    hip_y = float(min(frame.lh[1], frame.rh[1]))
    cx = int(np.clip((frame.lh[0] + frame.rh[0]) / 2, 0, W - 1))
    apart = np.flatnonzero(~person.mask[int(hip_y):, cx])
    if not len(apart) or hip_y + apart[0] > max(frame.lk[1], frame.rk[1]):
        return False
    y = int(hip_y + apart[0])
    if y < hip_y + 0.5 * (max(frame.lk[1], frame.rk[1]) - hip_y):
        return True  # the crotch (bare legs below a leotard or shorts), not a dress's hem above the knees
    legs = np.zeros((H, W), bool)  # the legs just below where the gap opens
    legs[y:int(min(H, y + 0.25 * w)), max(0, int(cx - 0.6 * w)):int(cx + 0.6 * w)] = True
    legs &= person.mask
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    bare = (legs & skin & smooth(lab, skin, frame)).sum() / max(int(legs.sum()), 1)
    return bool(bare < 0.5)


def extend_region(person: Person, frame: BodyFrame, region: np.ndarray, waist: float | None,
                  alpha: np.ndarray | None = None) -> np.ndarray:
    """The trousers' region from the waist (the top's hem above it stays in front) to just over the ankles,
    never the hands. With the warped trousers' alpha: all of their own silhouette below the waist too (over a
    dress or wider than the old garment they keep their shape; what of the old garment is left beside them goes
    in reveal.hide_old_lower), bare arms beside the hips staying in front."""
    H, W = region.shape
    w = frame.width
    region = region.copy()
    if alpha is not None:
        worn = alpha > 0.5
        worn[:int(max(0, waist if waist is not None else min(frame.lh[1], frame.rh[1]) - 0.25 * w))] = False
        lab = person_lab(person)
        region |= worn & ~hands_and_forearms(person, frame, lab)  # (a skin-coloured dress beside them is not)
    hip_y = float(min(frame.lh[1], frame.rh[1]))
    x0 = float(min(frame.rh[0], frame.lh[0]) - 0.45 * w)
    x1 = float(max(frame.rh[0], frame.lh[0]) + 0.45 * w)
    if waist is not None:
        top = int(max(0, waist))
        band = np.zeros((H, W), bool)
        band[top:int(hip_y) + 1, int(max(0, x0)):int(min(W, x1))] = True
        region |= band & person.mask
        region[:top] = False
    # The legs out to the old garment's outline (the pose polygon sits inside it); the warp decides what is painted.
    legs = np.zeros((H, W), bool)
    low = (frame.la, frame.ra) if frame.long else (frame.lk, frame.rk)
    xs = [p[0] for p in (frame.lh, frame.rh, *low)]
    legs[int(hip_y):int(max(p[1] for p in low)), int(max(0, min(xs) - 0.5 * w)):int(min(W, max(xs) + 0.5 * w))] = True
    if not legs_apart(person, frame):
        # Over a dress or a skirt (the legs apart only below the knees): its outline is not the legs'.
        legs &= ~person.mask[:, int(np.clip((frame.lh[0] + frame.rh[0]) / 2, 0, W - 1))][:, None]
    region |= legs & person.mask
    if frame.long:
        ay = float(max(frame.la[1], frame.ra[1]))
        band = np.zeros((H, W), bool)
        band[int(ay - 0.1 * w):int(min(H, ay + 0.1 * w))] = True
        below = region.any(axis=1)
        xs = np.flatnonzero(region[int(ay - 0.1 * w):int(ay)].any(axis=0)) if below.any() else []
        if len(xs):
            band[:, :max(0, xs.min() - int(0.05 * w))] = False
            band[:, xs.max() + int(0.05 * w) + 1:] = False
            region |= band & person.mask
    return _hands_out(person, frame, region, waist)


def _hands_out(person: Person, frame: BodyFrame, region: np.ndarray, waist: float | None) -> np.ndarray:
    """The hands stay in front: their skin, and a sleeve over the forearm above the wrist; below the wrist what is
    not skin is the old garment, which the new one covers (no backdrop disc round the hand). Bare skin is put back
    as shot after (front.put_back), so a bare forearm keeps nothing round it (a dress beside the arm goes)."""
    H, W = region.shape
    w = frame.width
    lab = person_lab(person)
    skin = cv2.dilate(own_skin(lab, person, frame).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    hands = hands_and_forearms(person, frame, lab)  # her skin only (a beige dress round the hand is not)
    arms = limb_capsules(person, frame, (H, W))
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            x, y = person.point(f"{side}_wrist")
            disc = np.zeros((H, W), np.uint8)
            cv2.circle(disc, (int(x), int(y)), int(0.18 * w), 1, -1)
            keep = disc > 0
            region |= keep & person.mask & ~hands & (np.arange(H)[:, None] >= max(int(y), int(waist or 0)))
            keep[int(y):] &= hands[int(y):]
            keep[:int(y)] &= arms[:int(y)] if _sleeved(person, side, skin) else False
            region &= ~keep
    return region


def _sleeved(person: Person, side: str, skin: np.ndarray) -> bool:
    """Whether a sleeve covers the forearm (under half of the elbow -> wrist line is her skin)."""
    if not person.visible(f"{side}_elbow"):
        return True
    e, wr = np.asarray(person.point(f"{side}_elbow"), np.float32), np.asarray(person.point(f"{side}_wrist"), np.float32)
    H, W = skin.shape
    pts = [e + t * (wr - e) for t in np.linspace(0.2, 0.8, 13)]
    on = [skin[int(np.clip(p[1], 0, H - 1)), int(np.clip(p[0], 0, W - 1))] for p in pts]
    return float(np.mean(on)) < 0.5


def clear_beside(person: Person, frame: BodyFrame, out: np.ndarray, alpha: np.ndarray,
                 waist: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Trousers over a dress or a skirt: all of the old garment outside the new trousers from their waistband to
    above the feet gives way to the backdrop (its flare, the gap between the legs); her skin, arms and hands stay.
    out is the image in 0..1. Returns (image, the pixels changed)."""
    H, W = alpha.shape
    w = frame.width
    on = alpha > 0.5
    ys = np.flatnonzero(on.any(axis=1))
    if not len(ys):
        return out, np.zeros((H, W), bool)
    top = int(max(0, waist if waist is not None else ys.min()))
    feet = int(min(frame.la[1], frame.ra[1]) - 0.12 * w) if frame.ankles_seen else H
    rows = np.zeros((H, W), bool)
    rows[top:max(top, feet)] = True
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    # Her skin where her limbs are (a dress's check in her skin's colour beside them is not her); her hands and
    # forearms as the photo shows them (the dress round them goes: hands_and_forearms puts them back after).
    keep = (skin & smooth(lab, skin, frame) & leg_shapes(person, w)) | hands_and_forearms(person, frame, lab)
    bare = skin & smooth(lab, skin, frame)
    arms = bare & limb_capsules(person, frame, (H, W), 1.6)  # her arms beside a high waist
    for _ in range(max(1, int(0.08 * w))):  # out to their own outline where the pose's capsule falls short of it
        arms |= (cv2.dilate(arms.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & bare
    keep |= arms
    # Her limbs' own soft outline against the backdrop (half skin, half backdrop: not the dress) stays as shot.
    k5 = np.ones((5, 5), np.uint8)
    keep |= (cv2.dilate(keep.astype(np.uint8), k5) > 0) & (cv2.dilate((~person.mask).astype(np.uint8), k5) > 0) & ~on
    gone = person.mask & rows & ~on & ~keep
    gone = cv2.morphologyEx(gone.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    if not gone.any():
        return out, gone
    # The old garment's anti-aliased edge just outside the person's outline goes with it (no faint line of it).
    gone |= (cv2.dilate(gone.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0) & ~person.mask & ~on & rows & ~keep
    return backdrop_fill(out, gone, person.mask | on), gone  # the backdrop from the backdrop, not the new trousers


def _sleeves(person: Person, frame: BodyFrame, skin: np.ndarray) -> np.ndarray:
    """Her sleeved forearms (the capsule along elbow -> wrist, on each side whose forearm is not bare skin)."""
    H, W = skin.shape
    out = np.zeros((H, W), bool)
    arms = limb_capsules(person, frame, (H, W))
    cx = float(frame.lh[0] + frame.rh[0]) / 2
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist") and person.visible(f"{side}_elbow") and _sleeved(person, side, skin):
            half = np.zeros((H, W), bool)  # this arm's side of the body, out from halfway to the wrist
            x = float(person.point(f"{side}_wrist")[0])
            mid = int(np.clip(cx + (x - cx) / 2, 0, W))
            if x >= cx:
                half[:, mid:] = True
            else:
                half[:, :mid] = True
            out |= arms & half
    return out


def hide_old(person: Person, frame: BodyFrame, out: np.ndarray, alpha: np.ndarray, region: np.ndarray,
             waist: float | None, own: bool) -> tuple[np.ndarray, np.ndarray]:
    """After the trousers are laid on (out: uint8): the old garment beside and below them (a skirt, a wider
    trouser leg; over a dress all of it), and the old garment's soft rim just outside the person's outline along
    them, give way. Returns (image, region grown by what changed)."""
    steps = []
    if frame.long:
        steps.append(lambda img: hide_old_lower(person, frame, img, alpha * region))
    if own:
        steps.append(lambda img: clear_beside(person, frame, img, alpha * region, waist))
    steps.append(lambda img: outline_rim(person, img, ((alpha * region) > 0.5) | grown, waist))
    grown = np.zeros(region.shape, bool)
    for step in steps:
        res, changed = step(out.astype(np.float32) / 255.0)
        if changed.any():
            out = np.where(changed[..., None], np.clip(np.rint(res * 255), 0, 255), out).astype(np.uint8)
            grown |= changed
    # Her hands, bare forearms and what she holds stay in front, exactly as shot.
    keep = in_front(person, frame, person_lab(person), below=waist)
    # Her bare arms beside the trousers (their skin, as smooth as hers), where no trouser is painted: a high
    # waistband leaves her elbows beside it, which no clean-up takes for the old garment.
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    arms = skin & smooth(lab, skin, frame) & limb_capsules(person, frame, region.shape, 1.6)
    arms &= ~((alpha * region) > 0.5)
    arms |= _sleeves(person, frame, skin)  # a long sleeve down to the wrist stays in front
    if waist is not None:
        arms[:max(0, int(waist))] = False
    return put_back(person, out, keep | arms), region | grown


def outline_rim(person: Person, out: np.ndarray, painted: np.ndarray,
                waist: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The old garment's anti-aliased edge just outside the person's outline beside the new trousers or what was
    repainted (a dotted line of the old print along the outer leg): the backdrop there."""
    grown = cv2.dilate((painted | ~person.mask).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    near = cv2.dilate(painted.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    rim = near & ~person.mask & ~painted & (cv2.dilate(person.mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    rim &= grown
    if waist is not None:
        rim[:int(waist)] = False
    if not rim.any():
        return out, rim
    filled = backdrop_fill(out, rim, person.mask)
    rim &= np.abs(filled - out).max(axis=2) > 0.08  # only what is not backdrop already (the backdrop stays as shot)
    return filled, rim
