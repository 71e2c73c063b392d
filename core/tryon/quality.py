"""A try-on's quality check: what a person looking at the result would notice, scored with reasons.

Every measure compares the result with the person photo it came from (no reference picture is needed), so the
same check runs on every backend's result, in the app, the CLI and the benchmark:

* flat fill: what the new garment leaves bare (arms, midriff, neck) painted as an untextured block: revealed
  pixels whose fine texture is far below the person's own skin texture, in blobs (real skin is never flat over
  a patch);
* backdrop holes: gaps inside the worn garment's outline (the product shot's backdrop taken for cloth's absence);
* old garment left: the colours of what the person wore, unchanged, outside the new garment where it should cover;
* face or hands changed: pixels of the face (from the pose landmarks) or of the hands that moved;
* garment detail lost: the print's and weave's fine detail, worn, against the product shot's (a smeared print).

Each check has a limit; a result that fails one says so plainly and what to try instead. The whole check costs
well under 0.3 s on a 576x768 photo (box filters and one connected-components pass on 2 cores)."""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

# Limits: a result passes a check below these (shares, 0..1).
LIMITS = {"flat_fill": 0.02, "holes": 0.01, "old_garment": 0.03, "face_changed": 0.01, "hands_changed": 0.15,
          "detail_kept": 0.45}


@dataclass
class Check:
    name: str
    value: float
    limit: float
    passed: bool
    reason: str

    def summary(self) -> dict:
        return {"name": self.name, "value": round(float(self.value), 4), "limit": self.limit, "passed": self.passed,
                "reason": self.reason}


@dataclass
class Quality:
    score: int  # 0..100
    verdict: str  # "good", "check", "poor"
    headline: str  # one plain sentence for the stylist
    checks: list[Check] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def markdown(self) -> str:
        """The checks and suggestions as a short Markdown list for the page."""
        lines = [f"- {'✓' if c.passed else '✗'} {c.reason}" for c in self.checks]
        if self.suggestions:
            lines += ["", "**What to try:**"] + [f"- {s}" for s in self.suggestions]
        return "\n".join(lines)

    def summary(self) -> dict:
        return {"score": self.score, "verdict": self.verdict, "passed": self.passed, "headline": self.headline,
                "checks": [c.summary() for c in self.checks], "suggestions": self.suggestions,
                "seconds": round(self.seconds, 3)}


def _lab(rgb: np.ndarray) -> np.ndarray:
    """Lab with L in 0..100 and a, b centred on 0 (float32)."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb, np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100 / 255
    lab[..., 1:] -= 128
    return lab


def local_std(L: np.ndarray, k: int = 7) -> np.ndarray:
    m = cv2.boxFilter(L, -1, (k, k))
    m2 = cv2.boxFilter(L * L, -1, (k, k))
    return np.sqrt(np.maximum(m2 - m * m, 0))


def fine_texture(L: np.ndarray, k: int = 7) -> np.ndarray:
    """Local spread of the lightness after removing its smooth shading (a gradient is shading, not texture)."""
    return local_std(L - cv2.GaussianBlur(L, (0, 0), 1.5), k)


def face_ellipse(person) -> tuple[float, float, float, float] | None:
    try:
        from core.tryon.drape import body_of

        return body_of(person).face
    except Exception:  # a person without face landmarks (an odd drawing): no face check
        return None


def _ellipse_mask(shape, face) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cx, cy, rx, ry = face
    cv2.ellipse(m, (int(cx), int(cy)), (max(1, int(rx)), max(1, int(ry))), 0, 0, 360, 1, -1)
    return m > 0


def skin_model(lab: np.ndarray, face, person_mask: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(median a,b of the skin, spread) from the lower face (cheeks and chin: no hair, no eyes)."""
    if face is None:
        return None
    cx, cy, rx, ry = face
    H, W = person_mask.shape
    y0, y1 = int(max(0, cy)), int(min(H, cy + 0.7 * ry))
    x0, x1 = int(max(0, cx - 0.55 * rx)), int(min(W, cx + 0.55 * rx))
    if y1 <= y0 or x1 <= x0:
        return None
    patch = lab[y0:y1, x0:x1].reshape(-1, 3)
    keep = person_mask[y0:y1, x0:x1].reshape(-1)
    patch = patch[keep] if keep.sum() > 20 else patch
    if len(patch) < 20:
        return None
    L = patch[:, 0]
    mid = patch[(L > np.quantile(L, 0.2)) & (L < np.quantile(L, 0.95))]
    ab = np.median(mid[:, 1:], 0)
    spread = float(np.clip(np.median(np.linalg.norm(mid[:, 1:] - ab, axis=1)) * 2.5, 5.0, 14.0))
    return ab, spread


def skin_like(lab: np.ndarray, model) -> np.ndarray:
    if model is None:
        return np.zeros(lab.shape[:2], bool)
    ab, spread = model
    chroma = np.linalg.norm(ab)
    da, db = lab[..., 1] - ab[0], lab[..., 2] - ab[1]
    lim = spread + 0.25 * chroma
    return (da * da + db * db < lim * lim) & (lab[..., 0] > 15)


def skin_texture_level(lab: np.ndarray, own: np.ndarray, face, on: np.ndarray) -> float:
    """The person's own skin texture (median fine texture) on her upper body and cheeks: inner skin only (its
    edges against cloth or hair are not texture), above the new garment's hem (a beige skirt is not skin)."""
    H, W = own.shape
    ys = np.flatnonzero(on.any(axis=1))
    pool = own.copy()
    if len(ys):
        pool[ys.max() + 1:] = False
    if face is not None:
        pool &= ~_ellipse_mask((H, W), face)
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


def unavailable(reason: str) -> Quality:
    return Quality(0, "unknown", f"The quality check could not run on this result ({reason}).")


def assess(before, after, region: np.ndarray, garment_alpha: np.ndarray, kind: str, person=None,
           garment: Image.Image | None = None, garment_mask: np.ndarray | None = None,
           garment_scale: float | None = None, torso: np.ndarray | None = None) -> Quality:
    """Score one try-on result (before: the person photo at working size, after: the result)."""
    import time

    t0 = time.perf_counter()
    B = np.asarray(before.convert("RGB") if isinstance(before, Image.Image) else before, np.uint8)
    A = np.asarray(after.convert("RGB") if isinstance(after, Image.Image) else after, np.uint8)
    H, W = B.shape[:2]
    labB, labA = _lab(B), _lab(A)
    d = labA - labB
    dE = np.sqrt(np.einsum("ijk,ijk->ij", d, d))
    changed = dE > 3.0
    on = garment_alpha > 0.5
    pmask = person.mask if person is not None and getattr(person, "mask", None) is not None else np.ones((H, W), bool)
    face = face_ellipse(person) if person is not None else None
    width = _shoulder_width(person, W)
    skin = skin_model(labB, face, pmask)
    skinB = skin_like(labB, skin)
    checks: list[Check] = []

    # Flat fill: revealed pixels (changed, not the new garment) with no texture, against the person's own skin.
    n_changed = max(int(changed.sum()), 1)
    revealed = changed & ~cv2.dilate(on.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ref = skin_texture_level(labB, skinB & ~changed & pmask, face, on)
    flat = flat_fill_mask(labA, revealed, ref)
    v = float(flat.sum()) / n_changed
    checks.append(Check("flat_fill", v, LIMITS["flat_fill"], v <= LIMITS["flat_fill"],
                        f"{v:.1%} of the changed area is an untextured painted block" if v > LIMITS["flat_fill"] else
                        "what the garment leaves bare keeps a real texture"))

    # Backdrop holes: gaps inside the worn garment's own outline.
    holes_v = garment_holes(on, region, width, changed, torso if kind == "upper" else None)
    checks.append(Check("holes", holes_v, LIMITS["holes"], holes_v <= LIMITS["holes"],
                        f"holes inside the garment ({holes_v:.1%} of it): the product shot's backdrop was taken for "
                        "no cloth" if holes_v > LIMITS["holes"] else "no holes inside the garment"))

    # Old garment left: the old clothing's colours, unchanged, where the new garment should cover.
    old_v = old_garment_left(labB, labA, region, on, skinB, pmask, kind, person, width, dE)
    checks.append(Check("old_garment", old_v, LIMITS["old_garment"], old_v <= LIMITS["old_garment"],
                        f"{old_v:.0%} of the old clothing still shows where the new garment should cover it"
                        if old_v > LIMITS["old_garment"] else "the old clothing is covered"))

    # Face and hands unchanged.
    if face is not None:
        fm = _ellipse_mask((H, W), face)
        fv = float((changed & fm).sum()) / max(int(fm.sum()), 1)
        checks.append(Check("face_changed", fv, LIMITS["face_changed"], fv <= LIMITS["face_changed"],
                            f"{fv:.1%} of the face changed" if fv > LIMITS["face_changed"] else "the face is untouched"))
    hands = _hands(person, (H, W), width) & skinB
    if hands.sum() > 50:
        hv = float((hands & (dE > 8)).sum()) / float(hands.sum())
        checks.append(Check("hands_changed", hv, LIMITS["hands_changed"], hv <= LIMITS["hands_changed"],
                            f"{hv:.0%} of the hands were painted over" if hv > LIMITS["hands_changed"] else
                            "the hands stay in front"))

    # Garment detail: fine detail worn against the product shot's, at the same scale.
    if garment is not None and garment_mask is not None and on.sum() > 500:
        dv = detail_kept(garment, garment_mask, labA, garment_alpha, garment_scale)
        if dv is not None:
            checks.append(Check("detail_kept", dv, LIMITS["detail_kept"], dv >= LIMITS["detail_kept"],
                                f"the garment's print and texture are smeared (only {dv:.0%} of its detail is left)"
                                if dv < LIMITS["detail_kept"] else "the garment's print and texture are kept"))
    return _verdict(checks, kind, time.perf_counter() - t0)


def _shoulder_width(person, W: int) -> float:
    try:
        return float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    except Exception:
        return 0.25 * W


def _hands(person, shape, width: float) -> np.ndarray:
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
        t[:int(y0 + 0.15 * (y1 - y0))] = False
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


def old_garment_left(labB, labA, region, on, skinB, pmask, kind, person, width, dE=None) -> float:
    """Share of the old clothing (its dominant colours, from the middle of the area the new garment covers) that
    shows unchanged beside the new garment, between the new garment's top and hem, on the person."""
    H, W = on.shape
    core = cv2.erode((on & region & pmask & ~skinB).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    if core.sum() < 200:
        return 0.0
    # The old clothing's colours: a coarse colour histogram of what the new garment replaced.
    q = _quantise(labB)
    hist = np.bincount(q[core], minlength=_NBINS).astype(np.float32)
    hist /= hist.sum()
    main = hist >= 0.03  # colours that make up the old garment (a logo or a fleck does not count)
    y0, y1 = _clothing_rows(kind, person, on, H)
    rows = np.zeros((H, W), bool)
    rows[y0:y1 + (int(0.6 * width) if kind == "upper" else 0)] = True  # a cropped top: the old one below it
    # The new garment's span across the body: the old garment left at its sides, sleeves and hem.
    near = cv2.dilate(on.astype(np.uint8), np.ones((int(0.4 * width) | 1,) * 2, np.uint8)) > 0
    zone = pmask & rows & near
    if kind == "upper" and person is not None:
        try:
            from core.tryon.drape import body_of
            from core.tryon.reveal import limb_capsules

            zone |= limb_capsules(person, body_of(person), (H, W)) & pmask & ~_hands(person, (H, W), 0.8 * width)
        except Exception:
            pass
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


_NBINS = 8 * 6 * 6


def _quantise(lab: np.ndarray) -> np.ndarray:
    L = np.clip(lab[..., 0] / 12.5, 0, 7).astype(np.int32)
    a = np.clip((lab[..., 1] + 60) / 20, 0, 5).astype(np.int32)
    b = np.clip((lab[..., 2] + 60) / 20, 0, 5).astype(np.int32)
    return (L * 6 + a) * 6 + b


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
    e_g = _grad_energy(_lab(gs)[..., 0], ms)
    e_a = _grad_energy(labA[..., 0], wa)
    if e_g < 3.0:  # a plain garment (a fine weave at most): no print a person would miss
        return 1.0
    return float(min(1.5, e_a / e_g))


def _grad_energy(L: np.ndarray, m: np.ndarray) -> float:
    gx = cv2.Sobel(L, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(L, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.mean(np.sqrt(gx * gx + gy * gy)[m]))


_ADVICE = {
    "flat_fill": "use a photo where the person wears something close in length and sleeve to the new garment, or "
                 "the CatVTON backend on a GPU, which paints skin",
    "holes": "use a product shot on a plain backdrop with a clear edge around the garment (light garments: a "
             "grey or coloured backdrop)",
    "old_garment": "check the garment kind, or use a photo where the person wears a fitted garment, facing the "
                   "camera, arms away from the body",
    "face_changed": "use a straight front photo with the head upright",
    "hands_changed": "use a photo with the hands away from the body",
    "detail_kept": "use a flat front product shot, or the CatVTON backend on a GPU for prints",
}
_NAMES = {"flat_fill": "painted-over skin", "holes": "holes in the garment", "old_garment": "old clothing showing",
          "face_changed": "face changed", "hands_changed": "hands covered", "detail_kept": "print smeared"}


def _verdict(checks: list[Check], kind: str, seconds: float) -> Quality:
    weights = {"flat_fill": 30, "holes": 25, "old_garment": 30, "face_changed": 40, "hands_changed": 15,
               "detail_kept": 20}
    score = 100.0
    for c in checks:
        if c.name == "detail_kept":
            bad = np.clip((c.limit - c.value) / c.limit, 0, 1) if not c.passed else 0.0
            score -= weights[c.name] * (0.5 + 0.5 * bad) if not c.passed else 0.0
        elif not c.passed:
            over = min(1.0, c.value / max(c.limit * 4, 1e-6))
            score -= weights[c.name] * (0.5 + 0.5 * over)
    score = int(round(max(0.0, score)))
    failed = [c for c in checks if not c.passed]
    severe = [c for c in failed if (c.value < c.limit / 2 if c.name == "detail_kept" else c.value > 4 * c.limit)]
    if severe:
        score = min(score, 55)
    if not failed:
        verdict, headline = "good", "Looks worn, not pasted: nothing a client would notice was found."
    else:
        verdict = "poor" if score < 60 else "check"
        what = ", ".join(_NAMES[c.name] for c in failed)
        headline = (f"Not good enough to show a client: {what}." if verdict == "poor"
                    else f"Check before showing: {what}.")
    suggestions = [f"{_NAMES[c.name].capitalize()}: {_ADVICE[c.name]}." for c in failed]
    if failed:
        suggestions.append("A straight front photo (arms a little away from the body) gives the classic backend its "
                           "best results; the CatVTON backend on a GPU redraws the garment instead of placing it.")
    return Quality(score, verdict, headline, checks, suggestions, seconds)
