"""Issue 22 (a dress's long sleeves): long sleeves laid down a dress's sides with no gap to the bodice are taken whole,
from their head at the shoulder to their cuff, cut where their seam runs (never a narrow outer strip that starts
below the shoulder); the bodice left keeps its waist; short sleeves apart from the chest are left to the usual
reading."""
import cv2
import numpy as np

from core.tryon.dress import central_runs, measure_flat
from core.tryon.dress_fused import fused_long_sleeves, seam_half
from core.tryon.dress_parts import cuff_step, flat_sleeves

CX, HALF, SLEEVE = 192, 40, 38  # the centre, the seams' half-distance, a sleeve's width
HEAD, CUFF = 75, 243  # a sleeve's top (at its seam) and its cuff's bottom


def _shot():
    """A maxi dress's mask: a collar, a bodice between the seams, long sleeves laid along it to cuffs beside the top
    of a skirt that flares from under them (no gap between sleeve and bodice anywhere)."""
    m = np.zeros((512, 384), np.uint8)
    cv2.rectangle(m, (CX - 14, 45), (CX + 14, 75), 1, -1)  # the collar
    cv2.fillPoly(m, [np.array([(CX - 14, 60), (CX - HALF, 72), (CX + HALF, 72), (CX + 14, 60)], np.int32)], 1)
    cv2.rectangle(m, (CX - HALF, 72), (CX + HALF, CUFF), 1, -1)  # the bodice down past the waist
    for s in (-1, 1):
        inner, outer = CX + s * HALF, CX + s * (HALF + SLEEVE)
        cv2.fillPoly(m, [np.array([(inner, HEAD), (outer, HEAD + 12), (outer, CUFF), (inner, CUFF)], np.int32)], 1)
    cv2.fillPoly(m, [np.array([(CX - 48, CUFF), (CX + 48, CUFF), (CX + 75, 470), (CX - 75, 470)], np.int32)], 1)
    return m > 0


def _print(mask: np.ndarray, seam: bool) -> np.ndarray:
    """A busy print (short scattered blobs) over the mask; with `seam`, the print cut along the sleeves' seams (a
    thin dark line down each, as a seam's shadow shows in a product shot)."""
    rng = np.random.default_rng(3)
    tex = np.full(mask.shape + (3,), 0.7, np.float32)
    for _ in range(400):
        x, y = int(rng.integers(0, 384)), int(rng.integers(40, 480))
        cv2.circle(tex, (x, y), int(rng.integers(2, 5)), tuple(float(v) for v in rng.uniform(0.2, 0.9, 3)), -1)
    if seam:
        for s in (-1, 1):
            cv2.line(tex, (CX + s * HALF, HEAD + 10), (CX + s * HALF, CUFF - 5), (0.05, 0.05, 0.05), 1)
    return tex * mask[..., None]


def _sleeves(mask, tex=None):
    flat = measure_flat(mask, "dress")
    runs = central_runs(flat.mask, flat.cx)
    return flat, runs, flat_sleeves(flat.mask, runs, flat.y_top, flat.y_waist, flat.cx, flat.waist_w, tex=tex)


def test_fused_long_sleeves_are_taken_whole_from_head_to_cuff():
    mask = _shot()
    _, _, sleeves = _sleeves(mask, _print(mask, seam=True))
    assert sorted(s for _, s in sleeves) == [-1, 1]
    for m, side in sleeves:
        ys, xs = np.nonzero(m)
        assert ys.min() <= HEAD + 6, "the sleeve's head at the shoulder is part of it"
        assert ys.max() >= CUFF - 3, "its cuff too"
        for y in range(HEAD + 30, CUFF - 10, 20):  # its whole width, down its length
            row = np.flatnonzero(m[y])
            assert len(row) >= 0.85 * SLEEVE, f"only {len(row)} of {SLEEVE} px of the sleeve on row {y}"
        # ... and no more than a sliver of the bodice with it.
        assert np.abs(xs - CX).min() >= HALF - 3


def test_the_seam_is_found_in_the_print_and_the_bodice_keeps_its_waist():
    mask = _shot()
    flat = measure_flat(mask, "dress")
    runs = central_runs(flat.mask, flat.cx)
    step = cuff_step(runs, flat.y_top)
    assert step is not None
    found = seam_half(_print(mask, seam=True), mask, flat.cx, (HEAD + 40, step[0]), step[1])
    assert abs(found - HALF) <= 1.5
    plain = seam_half(_print(mask, seam=False), mask, flat.cx, (HEAD + 40, step[0]), step[1])
    assert abs(plain - HALF) <= 0.15 * HALF + 2  # no seam shown: a little inside the skirt's width
    sleeves, _ = fused_long_sleeves(flat.mask, runs, flat.y_top, flat.y_waist, flat.cx, step,
                                    _print(mask, seam=True))
    bodice = flat.mask.copy()
    for m, _ in sleeves:
        bodice &= ~m
    # The waist of what is left lies well down the bodice, not on its first straight row under the shoulders.
    waist = measure_flat(bodice, "dress").y_waist
    assert HEAD + 0.45 * (CUFF - HEAD) <= waist <= CUFF


def test_short_sleeves_apart_from_the_chest_are_not_read_as_fused():
    m = np.zeros((512, 384), np.uint8)
    cv2.rectangle(m, (CX - 45, 60), (CX + 45, 200), 1, -1)  # a bodice
    for s in (-1, 1):  # short sleeves standing out from the shoulders, ending above the waist
        cv2.fillPoly(m, [np.array([(CX + s * 45, 60), (CX + s * 100, 90), (CX + s * 85, 130), (CX + s * 45, 120)],
                                  np.int32)], 1)
    cv2.fillPoly(m, [np.array([(CX - 45, 200), (CX + 45, 200), (CX + 80, 470), (CX - 80, 470)], np.int32)], 1)
    flat = measure_flat(m > 0, "dress")
    runs = central_runs(flat.mask, flat.cx)
    assert fused_long_sleeves(flat.mask, runs, flat.y_top, flat.y_waist, flat.cx, cuff_step(runs, flat.y_top)) is None
