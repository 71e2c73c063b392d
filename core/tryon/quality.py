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

import time
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from core.tryon.held import held_objects
from core.tryon.pixels import (NBINS, ellipse_mask, fine_texture, local_std, quantise, skin_like,  # noqa: F401
                                skin_model, to_lab)
from core.tryon.quality_fringe import old_fringe
from core.tryon.quality_sleeves import dress_checks
from core.tryon.quality_slivers import sliver_mask, sliver_place
from core.tryon.quality_checks import (between_legs, plain_backdrop, detail_kept, face_ellipse, flat_fill_mask, garment_holes,  # noqa: F401
                                       forearms_covered, hands_mask, invented_skin, light_slivers, old_edges_left,
                                       old_garment_left, short_sleeved, shoulder_width, skin_texture_level,
                                       sleeve_length)
from core.tryon.quality_shape import backdrop_spikes, cuffs_low, outline_painted, ragged_outline, skin_tone_gap, sleeves_kept, torn_hem
from core.tryon.quality_shoulders import shoulder_gap
from core.tryon.quality_silhouette import silhouette_gap
from core.tryon.quality_skin import own_shading_level, seam_steps, unshaded_mask
from core.tryon.quality_words import ADVICE, NAMES
from core.tryon.quality_worn import hem_kept, old_cuff_left

# Limits: a result passes a check below these (shares, 0..1).
LIMITS = {"arms_covered": 0.2, "flat_fill": 0.02, "holes": 0.01, "old_garment": 0.03, "old_edges": 0.12, "old_fringe": 0.03, "slivers": 0.004,
          "face_changed": 0.01, "hands_changed": 0.15, "detail_kept": 0.45, "skin_tone": 10.0, "spikes": 0.01,
          "ragged": 0.01, "sleeves_kept": 0.5, "invented_skin": 0.12, "skin_shading": 0.05, "skin_seam": 0.15, "old_cuff": 0.25,
          "hem_kept": 0.3, "silhouette": 0.1, "shoulders": 0.04, "torn_hem": 0.15, "torn_edge": 0.03, "held_cut": 0.08, "sleeve_detail": 0.9,
          "outline_painted": 0.2}
# Over this many times its limit (4 where not named) a failure alone makes a result poor.
_SEVERE = {"skin_tone": 1.3, "spikes": 2.0, "ragged": 2.0, "invented_skin": 1.75, "skin_seam": 10.0}  # a fifth of the figure drawn in
_AT_LEAST = ("detail_kept", "sleeves_kept", "hem_kept", "sleeve_detail")  # checks that pass at or above their limit


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


def unavailable(reason: str) -> Quality:
    return Quality(0, "unknown", f"The quality check could not run on this result ({reason}).")


def assess(before, after, region: np.ndarray, garment_alpha: np.ndarray, kind: str, person=None,
           garment: Image.Image | None = None, garment_mask: np.ndarray | None = None,
           garment_scale: float | None = None, torso: np.ndarray | None = None) -> Quality:
    """Score one try-on result (before: the person photo at working size, after: the result)."""
    t0 = time.perf_counter()
    # 1. the two pictures in Lab, what changed, where the new garment lies, the person's skin
    v = _compare(before, after, garment_alpha, person)
    # 2. what a client would notice, one check each
    checks = _flat_fill(v) + [_holes(v, region, kind, torso, person), _old_garment(v, region, kind, person),
              _old_edges(v, region, kind, person), _slivers(v, kind, person), _invented(v),
              _check("old_fringe", *old_fringe(v.labB, v.labA, v.dE, v.on, v.pmask, v.skinB, v.width, kind, person))]
    checks += _face_and_hands(v, person) + [_check(*c) for c in dress_checks(v, person, kind, garment, garment_mask)]
    checks += _arms(v, person, kind, garment_mask)
    # 3. the garment's print and texture, worn against the product shot's
    checks += _detail(v, garment, garment_mask, garment_alpha, garment_scale)
    # 4. what the eye catches at once: bare skin in a tone not hers, backdrop spikes, a ragged outline, lost sleeves
    checks += _shape(v, person, kind, garment, garment_mask, garment_scale) + _ends(v, person, kind, garment_mask)
    # 5. a score, a verdict and what to try
    return _verdict(checks, kind, time.perf_counter() - t0)


@dataclass
class _Compared:
    """The result against the photo it came from."""

    labB: np.ndarray
    labA: np.ndarray
    dE: np.ndarray  # colour difference per pixel
    changed: np.ndarray
    on: np.ndarray  # the new garment
    pmask: np.ndarray  # the person
    face: tuple | None
    width: float  # shoulder width
    skinB: np.ndarray  # the person's skin in the photo
    base: np.ndarray  # a croquis figure's bodysuit (skin to the checks, not her real skin)


def _compare(before, after, garment_alpha: np.ndarray, person) -> _Compared:
    B = np.asarray(before.convert("RGB") if isinstance(before, Image.Image) else before, np.uint8)
    A = np.asarray(after.convert("RGB") if isinstance(after, Image.Image) else after, np.uint8)
    H, W = B.shape[:2]
    labB, labA = to_lab(B), to_lab(A)
    d = labA - labB
    dE = np.sqrt(np.einsum("ijk,ijk->ij", d, d))
    pmask = person.mask if person is not None and getattr(person, "mask", None) is not None else np.ones((H, W), bool)
    face = face_ellipse(person) if person is not None else None
    width = shoulder_width(person, W)
    skinB = skin_like(labB, skin_model(labB, face, pmask))
    pmask = pmask & ~held_objects(labB, person)  # a helmet or a bag held in front is not her old clothing
    base = getattr(person, "base_layer", None)
    if base is not None and base.shape == skinB.shape:  # a croquis figure's bodysuit is its body, like skin
        skinB = skinB | base
    base = base if base is not None and base.shape == skinB.shape else np.zeros_like(skinB)
    return _Compared(labB, labA, dE, dE > 3.0, garment_alpha > 0.5, pmask, face, width, skinB, base)


def _check(name: str, value: float, bad: str, good: str) -> Check:
    limit = LIMITS[name]
    passed = value >= limit if name in _AT_LEAST else value <= limit
    return Check(name, value, limit, passed, good if passed else bad)


def _flat_fill(v: _Compared) -> list[Check]:
    """Revealed pixels (changed, not the new garment) with no texture or none of the body's broad shading, against
    the person's own skin."""
    n_changed = max(int(v.changed.sum()), 1)
    revealed = v.changed & ~cv2.dilate(v.on.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ref = skin_texture_level(v.labB, v.skinB & ~v.changed & v.pmask, v.face, v.on)
    backdrop = plain_backdrop(v.labB, v.labA, v.pmask)
    flat = flat_fill_mask(v.labA, revealed, ref) & ~backdrop
    # Drawn skin with grain but none of the body's broad shading (a tan slab): flat to the eye too.
    drawn = revealed & v.pmask & skin_like(v.labA, skin_model(v.labB, v.face, v.pmask)) & ~backdrop
    own = v.skinB & ~v.changed & v.pmask & ~(ellipse_mask(v.on.shape, v.face) if v.face is not None else False)
    unshaded = unshaded_mask(v.labA, drawn, own_shading_level(v.labB, own, v.width), v.width)
    share = float((flat | unshaded).sum()) / n_changed
    checks = [_check("flat_fill", share, f"{share:.1%} of the changed area is an untextured painted block (no grain "
                     "or none of the body's shading)", "what the garment leaves bare keeps a real texture and shading")]
    if drawn.sum() > 0.02 * v.width ** 2:  # skin drawn in: shaded like her body over most of it (legs, a chest band)
        part = float(unshaded.sum()) / float(drawn.sum())
        checks.append(_check("skin_shading", part, f"{part:.0%} of the skin drawn in is one flat tone with none of the "
                             "body's shading (a painted block, not arms, a midriff or legs)",
                             "the skin drawn in is shaded like her body"))
    n, hard = seam_steps(v.labA, drawn, own & ~v.base, v.width)
    if n > 0.5 * v.width:  # a drawn patch beside her real skin: it melts into it, no hard edge
        checks.append(_check("skin_seam", hard / n, f"{hard / n:.0%} of the seam between drawn and real skin is a hard "
                             "step (a pasted patch)", "drawn skin blends into her own skin"))
    return checks


def _invented(v: _Compared) -> Check:
    share = invented_skin(v.labB, v.labA, v.changed, v.on, v.pmask, v.face)
    return _check("invented_skin", share, f"{share:.0%} of the figure is skin drawn in where the photo shows her "
                  "clothing (arms, midriff): it cannot look like her own", "little skin had to be drawn in")


def _holes(v: _Compared, region: np.ndarray, kind: str, torso: np.ndarray | None, person=None) -> Check:
    """Backdrop holes: gaps inside the worn garment's own outline."""
    if kind == "lower" and person is not None:  # the gap between trouser legs (their hems may touch) is no hole
        region = region & ~between_legs(person, region.shape)
    share = garment_holes(v.on, region, v.width, v.changed, torso if kind == "upper" else None)
    return _check("holes", share, f"holes inside the garment ({share:.1%} of it): the product shot's backdrop was "
                  "taken for no cloth", "no holes inside the garment")


def _old_garment(v: _Compared, region: np.ndarray, kind: str, person) -> Check:
    """The old clothing's colours, unchanged, where the new garment should cover."""
    share = old_garment_left(v.labB, v.labA, region, v.on, v.skinB, v.pmask, kind, person, v.width, v.dE)
    return _check("old_garment", share, f"{share:.0%} of the old clothing still shows where the new garment should "
                  "cover it", "the old clothing is covered")


def _old_edges(v: _Compared, region: np.ndarray, kind: str = "", person=None) -> Check:
    """Old garment strips along the new garment's sides (trousers over wider patterned trousers): a thin band, so
    measured against the band beside the garment, not the old garment's whole area."""
    share = old_edges_left(v.labB, region, v.on, v.skinB, v.pmask, v.width, v.dE, kind, person)
    return _check("old_edges", share, f"strips of the old clothing show along the new garment's edges ({share:.0%} of "
                  "its sides)", "no old clothing along the garment's edges")


def _slivers(v: _Compared, kind: str = "", person=None) -> Check:
    """Light slivers inside the person's silhouette beside the garment (between an arm and the body, at the waist,
    a band below a hem): the old garment removed and backdrop-coloured light painted in its place."""
    sl = sliver_mask(v.labB, v.labA, v.on, v.pmask, v.width, v.face, kind)
    share = float(sl.sum()) / max(float(v.on.sum()), 1.0) if v.on.sum() >= 500 else 0.0
    where = sliver_place(sl, v.on, person, kind) if share > LIMITS["slivers"] else "beside the garment"
    return _check("slivers", share, f"white slivers inside the figure {where} ({share:.1%} of the "
                  "garment's area)", "no light slivers beside the garment")


def _face_and_hands(v: _Compared, person) -> list[Check]:
    out = []
    shape = v.on.shape
    if v.face is not None:
        fm = ellipse_mask(shape, v.face)
        fv = float((v.changed & fm).sum()) / max(int(fm.sum()), 1)
        out.append(_check("face_changed", fv, f"{fv:.1%} of the face changed", "the face is untouched"))
    hands = hands_mask(person, shape, v.width) & v.skinB & _smooth_as_face(v)  # (a beige print is not a hand)
    if hands.sum() > 50:
        hv = float((hands & (v.dE > 8)).sum()) / float(hands.sum())
        out.append(_check("hands_changed", hv, f"{hv:.0%} of the hands were painted over", "the hands stay in front"))
    return out


def _smooth_as_face(v: _Compared) -> np.ndarray:
    """Where the photo is as smooth as the face's skin (three times its fine texture): skin, not a skin-coloured print."""
    tex = fine_texture(v.labB[..., 0])
    face = v.skinB & ellipse_mask(v.skinB.shape, v.face) if v.face is not None else np.zeros_like(v.skinB)
    if face.sum() < 50:
        return np.ones_like(v.skinB)
    out = (tex < max(3.0 * float(np.median(tex[face])), 1e-3)).astype(np.uint8)
    return cv2.dilate(out, np.ones((5, 5), np.uint8)) > 0


def _arms(v: _Compared, person, kind: str, garment_mask) -> list[Check]:
    """A short-sleeved top leaves the forearms bare: a sleeve drawn down a bent arm covers them."""
    if kind != "upper" or person is None or garment_mask is None or not short_sleeved(garment_mask):
        return []
    share = forearms_covered(person, v.on, v.skinB, v.dE, v.width)
    return [_check("arms_covered", share, f"the short sleeves cover {share:.0%} of the bare forearms",
                   "the forearms stay bare under short sleeves")]


def _detail(v: _Compared, garment, garment_mask, garment_alpha, garment_scale) -> list[Check]:
    if garment is None or garment_mask is None or v.on.sum() <= 500:
        return []
    dv = detail_kept(garment, garment_mask, v.labA, garment_alpha, garment_scale)
    if dv is None:
        return []
    return [_check("detail_kept", dv, f"the garment's print and texture are smeared (only {dv:.0%} of its detail is "
                   "left)", "the garment's print and texture are kept")]


def _shape(v: _Compared, person, kind: str, garment, garment_mask, garment_scale) -> list[Check]:
    out = []
    gap, share = skin_tone_gap(v.labB, v.labA, v.changed, v.on, v.pmask, v.skinB)
    if share >= 0.005:
        out.append(_check("skin_tone", gap, f"the bare skin the garment leaves was painted in a tone that is not hers "
                          f"(colour difference {gap:.0f})", "bare skin matches her own skin tone"))
    spikes = backdrop_spikes(v.labA, v.on, v.width, garment, garment_mask, garment_scale)
    if spikes is not None:
        out.append(_check("spikes", spikes, f"white spikes or slivers of the product shot's backdrop show inside the "
                          f"garment ({spikes:.1%} of it)", "no backdrop slivers inside the garment"))
    rough = ragged_outline(v.on, v.width)
    out.append(_check("ragged", rough, f"the garment's outline is ragged: torn edges, splinters or blobs of something "
                      f"else inside it ({rough:.1%} of its area)", "the garment's outline is clean"))
    tear = torn_hem(v.on, v.width) if kind == "upper" else 0.0  # a top's hem (a skirt's flare is the dress's own)
    out.append(_check("torn_hem", tear, f"the garment's hem is torn: its lower edge zigzags ({tear:.2f} hundredths of "
                      "the shoulders a column)", "the hem is an even line"))
    if kind == "upper":  # her bare arms' and shoulders' own soft outline, not repainted with a hard edge
        op = outline_painted(v.dE, v.skinB, v.changed, v.pmask, v.on, v.width)
        out.append(_check("outline_painted", op, f"her bare outline was repainted with a hard edge and slivers "
                          f"({op:.2f} of the shoulders' width)", "her bare outline is kept as shot"))
    if kind == "dress" and garment_mask is not None:  # the skirt's outline as the shot's, not a box or a ledge
        sil = silhouette_gap(garment_mask, v.on & (v.changed | v.pmask), person, v.width, kind)
        if sil is not None:
            out.append(_check("silhouette", sil[0], f"the dress does not keep the product shot's outline (boxy, a "
                              f"straight cut or a ledge: {sil[0]:.0%} off its shape)", "the dress keeps its own outline"))
    if kind == "dress" and garment_mask is not None and person is not None and sleeve_length(garment_mask):
        gap = shoulder_gap(v.on, v.skinB, v.pmask, person, v.width)  # a sleeved dress hangs from her shoulders
        if gap is not None:
            out.append(_check("shoulders", gap, f"the dress does not hang from the shoulders: the old top or a band "
                              f"painted over it shows above its top edge ({gap:.2f} shoulder widths)",
                              "the dress hangs from the shoulders"))
    if kind in ("upper", "dress") and garment_mask is not None:
        long = cuffs_low(garment_mask) and (sleeve_length(garment_mask) or 0.0) >= 0.8  # the cheap test first
        kept = sleeves_kept(person, v.on, v.width, long)
        if kept is not None:
            out.append(_check("sleeves_kept", kept, f"the long sleeves were cut short: only {kept:.0%} of the forearms "
                              "is covered", "the long sleeves reach down the arms"))
    return out


def _ends(v: _Compared, person, kind: str, garment_mask) -> list[Check]:
    """A top's ends: its hem's own curve kept, no old cuff below a new long sleeve's (core/tryon/quality_worn.py)."""
    if kind != "upper" or person is None:
        return []
    out = []
    skinA = skin_like(v.labA, skin_model(v.labB, v.face, v.pmask))
    cuff = old_cuff_left(v.labB, v.labA, v.dE, v.on, v.skinB, skinA, person, v.width)
    if cuff is not None:
        out.append(_check("old_cuff", cuff, f"the old sleeve's end shows below the new cuff ({cuff:.0%} of the band "
                          "under it)", "the new cuffs hide the old sleeves"))
    hem = hem_kept(garment_mask, v.on, person) if garment_mask is not None else None
    if hem is not None:
        out.append(_check("hem_kept", hem, f"the garment's curved hem was cut straight across (only {hem:.0%} of its "
                          "curve is left): it reads as a block", "the hem keeps its own shape"))
    return out


def _verdict(checks: list[Check], kind: str, seconds: float) -> Quality:
    weights = {"arms_covered": 30, "flat_fill": 30, "holes": 25, "old_garment": 30, "old_edges": 30, "old_fringe": 30, "slivers": 30, "face_changed": 40, "hands_changed": 15,
               "detail_kept": 20, "skin_tone": 45, "spikes": 45, "ragged": 45, "sleeves_kept": 45, "invented_skin": 30, "skin_shading": 30, "skin_seam": 20,
               "old_cuff": 30, "hem_kept": 30, "silhouette": 40, "shoulders": 30, "torn_hem": 30, "torn_edge": 30, "held_cut": 30,
               "sleeve_detail": 20, "outline_painted": 20}
    score = 100.0
    for c in checks:
        if c.name in _AT_LEAST:
            bad = np.clip((c.limit - c.value) / c.limit, 0, 1) if not c.passed else 0.0
            score -= weights[c.name] * (0.5 + 0.5 * bad) if not c.passed else 0.0
        elif not c.passed:
            over = min(1.0, c.value / max(c.limit * 4, 1e-6))
            score -= weights[c.name] * (0.5 + 0.5 * over)
    score = int(round(max(0.0, score)))
    failed = [c for c in checks if not c.passed]
    severe = [c for c in failed if (c.value < c.limit / 2 if c.name in _AT_LEAST
                                    else c.value > _SEVERE.get(c.name, 4.0) * c.limit)]
    if severe:
        score = min(score, 55)
    if not failed:
        verdict, headline = "good", "Looks worn, not pasted: nothing a client would notice was found."
    else:
        verdict = "poor" if score < 60 else "check"
        what = ", ".join(NAMES[c.name] for c in failed)
        headline = (f"Not good enough to show a client: {what}." if verdict == "poor"
                    else f"Check before showing: {what}.")
    suggestions = [f"{NAMES[c.name].capitalize()}: {ADVICE[c.name]}." for c in failed]
    if failed:
        suggestions.append("A straight front photo (arms a little away from the body) gives the classic backend its "
                           "best results; the CatVTON backend on a GPU redraws the garment instead of placing it.")
    return Quality(score, verdict, headline, checks, suggestions, seconds)


# The names bench/ still reads (moved to core.tryon.pixels; follow-up in /work/coord/arch-followups.md).
