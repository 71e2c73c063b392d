"""New trousers meet her arm: no strip of the old garment between their outer edge and a forearm or hand hanging
against the hip. Beside the hip the old trousers went on under her arm; the new ones, cut a little narrower, ended a
few pixels short of it, and the old print's light patches next to the arm read as her skin (hands_and_forearms took
them for her arm's rim and put them back as shot): a thin stripe of the old print showed down her side. Each row,
between the trousers' edge and her arm (no backdrop between), the old garment, and the old garment's colours at the
arm's edge that are not her arm's own tone, become the trousers (their own cloth stretched out from their edge): they
go on under her arm. Her arm's own pixels stay exactly as shot."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.front import hands_and_forearms, person_lab
from core.tryon.pixels import quantise
from core.tryon.pose import Person
from core.tryon.quality_fringe import off_backdrop
from core.tryon.reveal import clothing_colours, limb_capsules, own_skin, smooth

ENABLED = True  # off: results as they were (to measure before and after)
REACH = 0.12  # the widest strip closed, a share of the shoulders
RUN = 4  # her arm starts where this many pixels in a row are in her arm's own tone
TONE = 10.0  # colour difference (Lab) from her arm's own tone in that row past which a pixel is not her arm
CLEAR = 18.0  # ...or past which her arm's shaded rim is not taken for it beyond the arm test's own
CHROMA = 12.0  # hue and saturation (a, b) this far from her arm's tone: not her skin in shade (that only darkens)
SEAM = 3  # the trousers' soft seam at their edge, in pixels


def arm_pixels(person: Person, frame: BodyFrame) -> np.ndarray:
    """Her hands, bare forearms and bare arms (smooth skin in the arms' capsules)."""
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    return hands_and_forearms(person, frame, lab) | (skin & smooth(lab, skin, frame)
                                                      & limb_capsules(person, frame, skin.shape, 1.6))


def _tones(lab: np.ndarray, arm: np.ndarray, w: float) -> np.ndarray:
    """Her arm's own tone on each row: the median of its pixels well inside it, over a few rows around."""
    H = arm.shape[0]
    deep = cv2.distanceTransform(arm.astype(np.uint8), cv2.DIST_L2, 3) >= 3
    tones = np.full((H, 3), np.nan, np.float32)
    half = max(2, int(0.05 * w))
    ys = np.flatnonzero(deep.any(axis=1))
    for y in ys:
        sel = deep[max(0, y - half):y + half + 1]
        tones[y] = np.median(lab[max(0, y - half):y + half + 1][sel], axis=0)
    return tones


def close_to_arms(person: Person, frame: BodyFrame, out: np.ndarray, painted: np.ndarray,
                  waist: float | None, lut: np.ndarray | None, own: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """out (uint8) with the strip between the trousers (painted) and her arm closed. lut: the old garment's
    colours (quantised Lab). own: the trousers keep their own legs over a dress or a skirt: left as they are (her
    arm hangs free of them; the backdrop drawn into a strip beside a hand took the hand's pale rim with it).
    Returns (image, the pixels the trousers cover now)."""
    H, W = painted.shape
    w = frame.width
    if not ENABLED or own or lut is None or not painted.any():
        return out, np.zeros((H, W), bool)
    lab = person_lab(person)
    q = quantise(lab)
    arm = arm_pixels(person, frame)
    skin = own_skin(lab, person, frame)
    tones = _tones(lab, arm, w)
    old = lut[q] & person.mask
    ys = np.flatnonzero(painted.any(axis=1))
    top = int(max(ys.min(), waist if waist is not None else 0))
    wrists = [person.point(f"{s}_wrist")[1] for s in ("l", "r") if person.visible(f"{s}_wrist")]
    bottom = int(min(ys.max(), max(wrists) + 0.4 * w)) if wrists else -1
    # Beside the trousers, as shot: what the clean-up drew there (the backdrop where a wider dress was) is no strip.
    shot = np.abs(out.astype(np.int16) - np.asarray(person.image.convert("RGB"), np.int16)).max(axis=2) <= 8
    # ...and not in the backdrop's colour (a pale dress's shaded edge reads as the gap beside her arm; a white
    # patch of a print between two rows with the strip is closed with them below).
    shot &= off_backdrop(lab, lab, person.mask, w)
    return close_rows(out, painted, Scene(lab, arm, skin, old, person.mask, shot, tones), (top, bottom), w)


@dataclass
class Scene:
    """The photo as the strip finder reads it: Lab, her arms (hands_and_forearms and bare arms), her skin, the old
    garment's colours, her outline, what beside the trousers is as shot, and her arm's tone on each row."""

    lab: np.ndarray
    arm: np.ndarray
    skin: np.ndarray
    old: np.ndarray
    pmask: np.ndarray
    shot: np.ndarray
    tones: np.ndarray


def close_rows(out: np.ndarray, painted: np.ndarray, sc: Scene, rows: tuple[int, int],
               w: float) -> tuple[np.ndarray, np.ndarray]:
    """close_to_arms on the rows given (top, bottom), the photo read into `sc`."""
    H, W = painted.shape
    top, bottom = rows
    lab, arm, skin, old, tones = sc.lab, sc.arm, sc.skin, sc.old, sc.tones
    done = np.zeros((H, W), bool)
    reach, gap = max(3, int(REACH * w)), max(4, int(0.15 * w))
    res = out.copy()
    for side, step in ((0, 1), (1, -1)):
        found = {}
        for y in range(top, bottom + 1):
            xs = np.flatnonzero(painted[y])
            if not len(xs):
                continue
            edge = int(xs.max()) if step > 0 else int(xs.min())
            start = _strip(y, edge, step, arm, old, skin, sc.pmask, sc.shot, lab, tones[y], reach)
            if start is not None:
                found[y] = (edge, start[0], start[1])
        # The strip out to the deepest the old garment shows on the rows around, never into her arm's own tone: the
        # print's pink patches next to her arm read as her skin one row, as the print the next.
        found = {y: (e, max(d, min(a - 1, max(found[v][1] for v in range(y - 2, y + 3) if v in found))))
                 for y, (e, d, a) in found.items()}
        for y in range(top, bottom + 1):
            # A row between two with a strip (a patch of the print as light as the backdrop, or as her skin): the
            # shallower of the two (no ragged line where the trousers go under her arm).
            if y in found:
                edge, depth = found[y]
            elif y - 1 in found and any(v in found for v in range(y + 1, y + gap + 1)):
                xs = np.flatnonzero(painted[y])
                edge = int(xs.max()) if step > 0 else int(xs.min())
                after = found[min(v for v in range(y + 1, y + gap + 1) if v in found)][1]
                depth = min(found[y - 1][1], after)
                found[y] = (edge, depth)
            else:
                continue
            if not sc.pmask[y, int(np.clip(edge + step * depth, 0, W - 1))]:
                continue
            # The trousers' own cloth stretched out from their edge: the band of them as wide as the strip and the
            # soft seam (where the old print showed through: against her arm there is no seam to soften), drawn
            # twice as wide, their outer edge at her arm.
            n = depth + SEAM
            a = edge - step * (SEAM + n)
            for i in range(n + 1, 2 * n + 1):
                x = a + step * i
                src = int(np.clip(a + step * (i // 2), 0, W - 1))
                if not 0 <= x < W:
                    break
                res[y, x] = out[y, src] if painted[y, src] else out[y, edge - step * SEAM]
                done[y, x] = True
    return res, done


def _strip(y: int, edge: int, step: int, arm, old, skin, pmask, shot, lab, tone, reach: int) -> tuple[int, int] | None:
    """How far past the trousers' edge on row y the old garment clearly shows (its colours, far from her arm's own
    tone: her arm's shaded rim is not it), and where her arm starts (RUN pixels in a row in her arm's tone); None
    where none does, no arm is within reach, or the backdrop lies between."""
    if np.isnan(tone[0]):
        return None
    W = pmask.shape[1]
    last, run = 0, 0
    for k in range(1, reach + RUN + 1):
        x = edge + step * k
        if not 0 <= x < W or not pmask[y, x] or not shot[y, x]:
            return None  # the backdrop between: not a strip against her arm
        d = _tone(lab[y, x], tone)
        run = run + 1 if d <= TONE or (arm[y, x] and d <= CLEAR) else 0  # (her arm's shaded rim)
        if run == RUN:
            return (last, k - RUN + 1) if last else None
        if old[y, x] and d > TONE and (not skin[y, x] or _chroma(lab[y, x], tone) > CHROMA):
            last = k
    return None


def _tone(px: np.ndarray, tone: np.ndarray) -> float:
    return float("inf") if np.isnan(tone[0]) else float(np.linalg.norm(px - tone))


def _chroma(px: np.ndarray, tone: np.ndarray) -> float:
    return float(np.hypot(px[1] - tone[1], px[2] - tone[2]))


def close_above(person: Person, frame: BodyFrame, out: np.ndarray, painted: np.ndarray, waist: float | None,
                lut: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """out (uint8) with the old garment's rows just above the new waistband (the waist found a row or two under
    where the old print starts) and the waistband's soft top seam (it let the old print show through: a dotted line
    along its top) covered by the waistband, drawn up over them column by column. Only what is not her top's
    colours nor her arms (her top's hem stays in front). lut: the old garment's colours (unused where her top's
    colours just above its hem cannot be read). Returns (image, the pixels painted now)."""
    H, W = painted.shape
    w = frame.width
    done = np.zeros((H, W), bool)
    top_lut = _top_colours(person, frame, waist) if waist is not None else None
    if not ENABLED or lut is None or top_lut is None:
        return out, done
    q = quantise(person_lab(person))
    # Not her top's colours nor her arms: the old garment (the print's light patches in the top's colours between)
    old = ~top_lut[q] & person.mask & ~arm_pixels(person, frame)
    t = int(waist)
    reach = max(2, int(0.05 * w))
    if not 0 < t - reach or t + 2 * reach + SEAM >= H:
        return out, done
    depth = np.zeros(W, np.int32)
    for x in np.flatnonzero(painted[t] & painted[t + 2 * reach + SEAM]):
        gap, k = 0, 0
        for i in range(1, reach + 1):
            if old[t - i, x]:
                k, gap = i, 0
            elif not person.mask[t - i, x] or (gap := gap + 1) > 2:
                break
        depth[x] = k
    depth = np.minimum(depth, cv2.dilate(cv2.erode(depth.astype(np.float32)[None], np.ones((1, 5))), np.ones((1, 5)))[0]
                       .astype(np.int32))  # no lone column drawn up (a thread of the print)
    res = out.copy()
    for x in np.flatnonzero(painted[t] & painted[t + 2 * reach + SEAM]):  # the seam too, where no old row shows
        n = int(depth[x]) + SEAM
        a = t + SEAM + n  # the band of the waistband under its seam, drawn twice as tall up to the old print's top
        for i in range(n + 1, 2 * n + 1):
            y = a - i
            res[y, x] = out[a - i // 2, x]
            done[y, x] = True
    return res, done


def _top_colours(person: Person, frame: BodyFrame, waist: float) -> np.ndarray | None:
    """Her top's colours just above its hem (a lookup over quantised Lab; not a logo on her chest), between the
    hips' columns."""
    H, W = person.mask.shape
    w = frame.width
    x0, x1 = sorted((int(frame.rh[0]), int(frame.lh[0])))
    y0, y1 = int(waist - 0.2 * w), int(waist - 0.07 * w)
    if y0 < 0 or y1 - y0 < 4 or x1 - x0 < 4:
        return None
    core = np.zeros((H, W), bool)
    core[y0:y1, max(0, x0):min(W, x1 + 1)] = True
    return clothing_colours(person_lab(person), core & person.mask, share=0.05)
