"""Quality measures of how a top's ends are worn: its hem against the product shot's (a rounded or curved hem cut
straight across reads as a block, not the garment), and the old sleeve's end below a new long sleeve's cuff (a band
of the old cuff, or skin painted where it was). Each compares the result with the photo (and the product shot's
outline); a few array passes, a few ms."""
from __future__ import annotations

import numpy as np

BAND = 0.07  # how far below the new cuff the old sleeve's end is looked for, in shoulder widths


def hem_sag(mask: np.ndarray, cx: float, half: float) -> float | None:
    """How far the hem's middle hangs below its sides, as a share of the width between them: the garment's lowest
    row per column at cx and at cx +- half (the middle 15% of that span against its two ends)."""
    H, W = mask.shape
    cols = np.clip(np.round([cx - half, cx, cx + half]).astype(int), 0, W - 1)
    if cols[2] - cols[0] < 10:
        return None

    def bottom(x0: int, x1: int) -> float | None:
        sub = mask[:, max(0, x0):max(x0 + 1, x1)]
        ys = [H - 1 - int(np.argmax(c[::-1])) for c in sub.T if c.any()]
        return float(np.median(ys)) if ys else None

    w = max(2, int(0.15 * half))
    mid, left, right = bottom(cols[1] - w, cols[1] + w), bottom(cols[0], cols[0] + w), bottom(cols[2] - w, cols[2])
    if mid is None or left is None or right is None:
        return None
    return (mid - (left + right) / 2) / float(cols[2] - cols[0])


def hem_kept(garment_mask: np.ndarray, on: np.ndarray, person) -> float | None:
    """The worn hem's curve against the product shot's (1: as curved, 0: cut straight), over the middle 60% of each
    garment's width at its hem; None where the shot's hem is straight (a tee) or the hips are not seen."""
    ys, xs = np.nonzero(garment_mask)
    if not len(ys):
        return None
    rows = garment_mask[int(ys.min() + 0.85 * (ys.max() - ys.min()))]
    run = np.flatnonzero(rows)
    if len(run) < 10:
        return None
    shot = hem_sag(garment_mask, float(run.mean()), 0.3 * (run.max() - run.min()))
    if shot is None or shot < 0.06:
        return None
    try:
        if not (person.visible("l_hip") and person.visible("r_hip")):
            return None
        lh, rh = person.point("l_hip"), person.point("r_hip")
    except Exception:
        return None
    y = int(min(on.shape[0] - 1, max(lh[1], rh[1])))
    run = np.flatnonzero(on[y])
    cx = float((lh[0] + rh[0]) / 2)
    run = run[np.abs(run - cx) < 2.0 * abs(lh[0] - rh[0]) + 1]  # the body's run at the hips, not a hanging sleeve
    if len(run) < 10:
        return None
    worn = hem_sag(on, float(run.mean()), 0.3 * (run.max() - run.min()))
    return None if worn is None else float(np.clip(worn / shot, 0.0, 1.0))


def old_cuff_left(labB: np.ndarray, labA: np.ndarray, dE: np.ndarray, on: np.ndarray, skinB: np.ndarray,
                  skinA: np.ndarray, person, width: float) -> float | None:
    """Share of the band just below a new long sleeve's end, on the forearm, that is the old sleeve's colour left
    unchanged or skin painted where the photo shows the old sleeve; None where no new sleeve reaches a wrist."""
    shares = []
    H, W = on.shape
    for e_name, w_name in (("l_elbow", "l_wrist"), ("r_elbow", "r_wrist")):
        try:
            if not (person.visible(e_name) and person.visible(w_name)):
                continue
            e, w = person.point(e_name).astype(np.float32), person.point(w_name).astype(np.float32)
        except Exception:
            continue
        length = float(np.linalg.norm(w - e))
        if length < 10:
            continue
        d = (w - e) / length
        n = np.array([-d[1], d[0]], np.float32)

        def at(p):
            x, y = int(round(p[0])), int(round(p[1]))
            return (y, x) if 0 <= x < W and 0 <= y < H else None

        fore = [at(e + d * t * length) for t in np.linspace(0.5, 0.8, 6)]
        fore = [p for p in fore if p is not None]
        if len(fore) < 3 or not all(on[p] for p in fore) or np.mean([skinB[p] for p in fore]) > 0.5:
            continue  # no new long sleeve down this forearm, or it was bare
        ref = np.median([labB[p] for p in fore], axis=0)
        s = 0.8 * length
        while s < length + 0.4 * width and (p := at(e + d * s)) is not None and on[p]:
            s += 1.0  # down the forearm to the new sleeve's end
        band = [at(e + d * (s + u) + n * v) for u in np.arange(1, BAND * width + 1)
                for v in np.linspace(-0.06 * width, 0.06 * width, 7)]
        band = [p for p in band if p is not None]
        if len(band) < 10:
            continue
        old = [(dE[p] <= 3.0 and not skinB[p] and float(np.linalg.norm(labB[p] - ref)) < 14.0)
               or (dE[p] > 3.0 and skinA[p] and not skinB[p]) for p in band]
        shares.append(float(np.mean(old)))
    return max(shares) if shares else None
