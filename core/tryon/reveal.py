"""What a new top leaves bare, painted from the person's own photo: arms, midriff and neck get her own skin (its
colour from her visible skin, its fine texture sampled from her own skin, its light and form from the photo's
shading), and loose old clothing outside the body gives way to the backdrop (OpenCV inpainting). Never a flat
painted block.

Also the masks this needs: her own skin (by colour, against her face), the colours of the clothing being replaced,
a rough body (torso and arm capsules from the pose), and what is in front of the body (hair falling over the
shoulders, a held object) that must stay in front."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.cloth_shading import cloth_form
from core.tryon.form import limb_form, seam_match
from core.tryon.pixels import NBINS, ellipse_mask, fine_texture, quantise, skin_like, skin_model, to_lab
from core.tryon.pose import Person
from core.tryon.skinramp import her_ramp, on_ramp
from core.tryon.shade import body_shading, light_side, shoulder_ramp


def lab_of(rgb01: np.ndarray) -> np.ndarray:
    return to_lab(np.clip(np.rint(rgb01 * 255), 0, 255).astype(np.uint8))


def own_skin(lab: np.ndarray, person: Person, body: BodyFrame) -> np.ndarray:
    """The person's visible skin (face included), by colour against the lower face."""
    model = skin_model(lab, body.face, person.mask)
    if model is None:
        return np.zeros(person.mask.shape, bool)
    return skin_like(lab, model) & person.mask


def smooth(lab: np.ndarray, skin: np.ndarray, body: BodyFrame) -> np.ndarray:
    """Where the photo is as smooth as her face's skin (a skin-coloured print, a leopard's or a lace's, is not):
    fine texture under three times the face's, and at least 4 lightness units."""
    tex = fine_texture(lab[..., 0])
    face = skin & ellipse_mask(skin.shape, body.face)
    ref = float(np.median(tex[face])) if face.sum() > 50 else 2.0
    out = (tex < max(4.0, 3.0 * ref)).astype(np.uint8)
    return cv2.dilate(out, np.ones((5, 5), np.uint8)) > 0  # skin's own rim next to a dark garment stays skin


def limb_capsules(person: Person, body: BodyFrame, shape, scale: float = 1.0) -> np.ndarray:
    """The arms as tapered capsules shoulder -> elbow -> wrist (about an arm's width from the pose, times `scale`)."""
    m = np.zeros(shape, np.uint8)
    w = body.width
    for side in ("l", "r"):
        pts = [person.point(f"{side}_shoulder")]
        for j in ("elbow", "wrist"):
            if person.landmarks[{"l": {"elbow": 13, "wrist": 15}, "r": {"elbow": 14, "wrist": 16}}[side][j], 2] < 0.1:
                break
            pts.append(person.point(f"{side}_{j}"))
        radii = [0.13 * w * scale, 0.10 * w * scale, 0.08 * w * scale]
        for k in range(len(pts) - 1):
            a, b = np.asarray(pts[k], np.float32), np.asarray(pts[k + 1], np.float32)
            n = max(2, int(np.linalg.norm(b - a) / 3))
            for t in np.linspace(0, 1, n):
                p = a + t * (b - a)
                r = radii[k] + t * (radii[k + 1] - radii[k])
                cv2.circle(m, (int(p[0]), int(p[1])), max(1, int(r)), 1, -1)
    return m > 0


def skin_texture(L: np.ndarray, skin: np.ndarray, shape, rng: np.random.Generator, patch: int = 16) -> np.ndarray:
    """A field of fine lightness texture (zero mean) quilted from patches of the person's own skin (lightness
    minus its blur): the pores, grain and noise of her photo, not a painted block. Patches come from her smoothest
    skin (never across an eye, a lip or a skin edge) and overlap by half under a cosine window, so no grid shows."""
    H, W = shape
    hp = L - cv2.GaussianBlur(L, (0, 0), 1.2)  # grain, not creases
    inner = cv2.erode(skin.astype(np.uint8), np.ones((patch + 1, patch + 1), np.uint8)) > 0
    if inner.sum() >= 40:
        tex = fine_texture(L)
        inner &= tex <= np.percentile(tex[inner], 35)  # her plainest skin: grain, not features
    ys, xs = np.nonzero(inner)
    if len(ys) < 10:
        # Too little skin to sample from: the photo's own grain (its noise level) on a neutral field.
        sigma = float(np.median(np.abs(hp))) * 1.4826
        return rng.normal(0, max(sigma, 0.4), (H, W)).astype(np.float32)
    patches = []
    for k in rng.integers(0, len(ys), 64):
        y, x = ys[k] - patch // 2, xs[k] - patch // 2
        p = hp[y:y + patch, x:x + patch]
        if p.shape == (patch, patch):
            patches.append(p - p.mean())
    stack = np.stack(patches + [p[:, ::-1] for p in patches])  # each patch and its mirror image
    win = np.outer(*(2 * [np.sin(np.pi * (np.arange(patch) + 0.5) / patch) ** 2])).astype(np.float32)
    out = np.zeros((H + 3 * patch, W + 3 * patch), np.float32)
    wsum = np.full_like(out, 1e-6)
    ny, nx = H // patch + 2, W // patch + 2
    for oy in (0, patch // 2):  # four grids of side-by-side patches, offset by half a patch: a half overlap
        for ox in (0, patch // 2):
            tiles = stack[rng.integers(0, len(stack), (ny, nx))] * win  # (ny, nx, patch, patch)
            out[oy:oy + ny * patch, ox:ox + nx * patch] += tiles.transpose(0, 2, 1, 3).reshape(ny * patch, nx * patch)
            wsum[oy:oy + ny * patch, ox:ox + nx * patch] += np.tile(win * win, (ny, nx))
    # Divided by the root of the summed squared weights: overlapping patches keep their grain's strength.
    return (out / np.sqrt(wsum))[patch:patch + H, patch:patch + W]


def form_shading(area: np.ndarray, width: float) -> np.ndarray:
    """Darker towards the silhouette of a limb or torso (round form), 1 in the middle."""
    d = cv2.distanceTransform(np.pad(area.astype(np.uint8), 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    return (0.84 + 0.16 * np.sqrt(np.clip(d / max(0.07 * width, 1.0), 0, 1))).astype(np.float32)


def photo_shading(L: np.ndarray, area: np.ndarray, width: float) -> np.ndarray:
    """The broad light and shadow of the photo over the area (the old clothing's folds and prints removed by a
    median, then a blur over a fifth of the shoulders: a sweatshirt's folds are not her body's form), as a factor
    near 1."""
    h, w = L.shape
    small = cv2.resize(L, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    zs = cv2.resize(area.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    if zs.sum() < 20:
        return np.ones((h, w), np.float32)
    fill = np.where(zs, small, np.median(small[zs])).astype(np.float32)
    k = max(3, int(0.08 * width) | 1)
    med = cv2.medianBlur(np.clip(fill * 2.55, 0, 255).astype(np.uint8), min(k, 255)).astype(np.float32) / 2.55
    sigma = max(2.0, 0.1 * width)
    num = cv2.GaussianBlur(med * zs, (0, 0), sigma)
    den = cv2.GaussianBlur(zs.astype(np.float32), (0, 0), sigma)
    smooth = num / np.maximum(den, 1e-3)
    ref = float(np.percentile(smooth[zs], 70))
    ratio = np.clip(smooth / max(ref, 1.0), 0.85, 1.06)
    return cv2.resize(ratio, (w, h), interpolation=cv2.INTER_LINEAR)


def skin_tone(rgb: np.ndarray, skin: np.ndarray, face: np.ndarray, near: np.ndarray) -> np.ndarray:
    """The colour to paint skin with: the person's own skin near the revealed area (arms, hands, neck), else her
    whole visible skin outside the face, else the face; mid-tones only."""
    lum_all = rgb.mean(2)
    ref = float(np.median(lum_all[skin & face])) if (skin & face).sum() > 50 else None
    # Skin seen through a sheer sleeve or in deep shadow is not her tone: at least 0.65 of her face's lightness.
    bright = lum_all >= 0.65 * ref if ref is not None else np.ones(skin.shape, bool)
    for pool in (skin & near & ~face & bright, skin & ~face & bright, skin):
        if pool.sum() > 150:
            px = rgb[pool]
            lum = px.mean(1)
            keep = (lum > np.quantile(lum, 0.2)) & (lum < np.quantile(lum, 0.9))
            return np.median(px[keep] if keep.any() else px, 0).astype(np.float32)
    return np.array([0.8, 0.65, 0.55], np.float32)


def paint_skin(base: np.ndarray, area: np.ndarray, skin: np.ndarray, face: np.ndarray, body: BodyFrame,
               seed: int = 0, limbs: np.ndarray | None = None, neck: tuple[float, float] | None = None) -> np.ndarray:
    """Base with the area painted as the person's own skin (colour, texture, light and form; `limbs`: the arms or
    legs over the body, each rounded on its own with a contact shadow beside it; `neck`: her neck's middle and
    half-width, rounded on its own down to the collarbones)."""
    out = base.copy()
    if not area.any():
        return out
    lab = lab_of(base)
    L = lab[..., 0]
    w = body.width
    near = cv2.dilate(area.astype(np.uint8), np.ones((int(0.5 * w) | 1,) * 2, np.uint8)) > 0
    tone = skin_tone(base, skin, face, near)
    # Her body's form: the area with her own skin beside it as rounded cylinders, lit from the photo's light
    # (taken from her face and neck), never one flat tone.
    form = body_shading(area, area | (skin & near & ~face), limbs, body, w, light_side(L, skin, face | near), neck)
    form = form / float(np.clip(np.median(form[area]), 0.85, 1.0))  # her tone on the drawn skin's middle light
    shade = photo_shading(L, area, w) * cloth_form(lab, area, w) * form  # the old garment's light at two scales
    if limbs is not None:  # each limb's own form, not over the shoulder (the torso's there)
        shade = shade * (1.0 + (limb_form(area, limbs, w) - 1.0) * shoulder_ramp(body, area.shape))
    pool = skin & ~face
    if (cv2.erode(pool.astype(np.uint8), np.ones((17, 17), np.uint8)) > 0).sum() < 10:
        pool = skin  # little bare skin below the face (long sleeves, a high neck): her cheeks' grain
    tex = skin_texture(L, pool, area.shape, np.random.default_rng(seed))
    # Quilted patches average out a little: the grain is brought up to her own skin's level (never down).
    # (Patches come from her plainest skin, so this lifts their grain, never adds features.)
    inner = cv2.erode(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() > 100:
        want = float(np.median(fine_texture(L)[inner]))
        got = float(np.median(fine_texture(tex)[area]))
        tex = tex * float(np.clip(want / max(got, 1e-3), 1.0, 3.0))
    # Texture in lightness units (0..100) -> RGB 0..1, scaled with the tone's own lightness.
    paint = tone[None, None, :] * shade[..., None]
    paint = on_ramp(paint, area, her_ramp(lab, skin, face))  # her own colour in light and shadow, never grey
    paint = paint + seam_match(base, paint, area, skin & ~face, w) + (tex / 100.0)[..., None]
    out[area] = np.clip(paint[area], 0, 1)
    return out


def backdrop_fill(base: np.ndarray, area: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """Base with the area replaced by the backdrop around the person: a normalised convolution of the backdrop
    pixels only (a studio backdrop's smooth light carried across), at quarter size, plus the backdrop's own grain."""
    out = base.copy()
    if not area.any():
        return out
    h, w = area.shape
    known = ~(area | cv2.dilate(person_mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool))
    sw, sh = max(1, w // 4), max(1, h // 4)
    small = cv2.resize(base.astype(np.float32), (sw, sh), interpolation=cv2.INTER_AREA)
    km = cv2.resize(known.astype(np.float32), (sw, sh), interpolation=cv2.INTER_AREA)
    km = (km > 0.99).astype(np.float32)
    est = np.zeros_like(small)
    got = np.zeros((sh, sw), bool)
    for sigma in (4.0, 12.0, 40.0):  # near backdrop first, wider where the person is wide
        num = cv2.GaussianBlur(small * km[..., None], (0, 0), sigma)
        den = cv2.GaussianBlur(km, (0, 0), sigma)
        ok = (den > 0.05) & ~got
        est[ok] = num[ok] / den[ok][:, None]
        got |= ok
    if not got.all():
        est[~got] = small[km > 0].mean(0) if km.any() else np.array([0.9, 0.9, 0.9], np.float32)
    big = cv2.resize(est, (w, h), interpolation=cv2.INTER_LINEAR)
    L = base.mean(2)
    grain = L - cv2.GaussianBlur(L, (0, 0), 1.5)
    sigma = float(np.std(grain[known])) if known.any() else 0.0
    noise = np.random.default_rng(1).normal(0, sigma, (h, w)).astype(np.float32)
    out[area] = np.clip(big[area] + noise[area][:, None], 0, 1)
    return out


def clothing_colours(lab: np.ndarray, core: np.ndarray, share: float = 0.03) -> np.ndarray | None:
    """A lookup of the quantised colours that make up the clothing in `core` (each at least `share` of it)."""
    if core.sum() < 200:
        return None
    q = quantise(lab)
    hist = np.bincount(q[core], minlength=NBINS).astype(np.float32)
    hist /= hist.sum()
    keep = (hist >= share).reshape(8, 6, 6)
    # Neighbouring bins too (the same cloth in shadow or light, a brighter sleeve of the same colour).
    pad = np.pad(keep, 1)
    lut = np.zeros_like(keep)
    for dz in range(3):
        for dy in range(3):
            for dx in range(3):
                lut |= pad[dz:dz + 8, dy:dy + 6, dx:dx + 6]
    return lut.reshape(-1)


def in_front(lab: np.ndarray, person: Person, body: BodyFrame, zone: np.ndarray, old: np.ndarray | None,
             skin: np.ndarray) -> np.ndarray:
    """Hair falling over the shoulders and chest: pixels in the zone in the hair's colours (the head's crown, above
    the face), joined to the hair above the neck. Kept in front of the new garment."""
    H, W = zone.shape
    cx, cy, rx, ry = body.face
    top = int(max(0, cy - 1.6 * ry))
    crown = np.zeros((H, W), bool)
    crown[top:int(max(0, cy - 0.6 * ry)), int(max(0, cx - 1.3 * rx)):int(min(W, cx + 1.3 * rx))] = True
    crown &= person.mask & ~skin
    if crown.sum() < 100:
        return np.zeros((H, W), bool)
    q = quantise(lab)
    hist = np.bincount(q[crown], minlength=NBINS).astype(np.float32)
    hist /= hist.sum()
    hair_lut = hist >= 0.05
    if old is not None:
        hair_lut &= ~old  # a colour the old top shares with the hair cannot be told apart: the top wins
    hairish = hair_lut[q] & person.mask & ~skin
    hairish = cv2.morphologyEx(hairish.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels = cv2.connectedComponents(hairish, connectivity=8)
    neck = int(body.neck_y)
    seeds = np.unique(labels[max(0, top):max(1, neck)][hairish[max(0, top):max(1, neck)] > 0])
    seeds = seeds[seeds > 0]
    if not len(seeds):
        return np.zeros((H, W), bool)
    joined = np.isin(labels, seeds)
    hair = joined & zone
    # Hair over the body hangs from the head: a thin stray run along a dark seam is not hair.
    hair = cv2.morphologyEx(hair.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    # More "hair" on the body than on the head is a top in the hair's colour (a black top, dark hair): none kept.
    on_head = (joined & ~zone)[:max(1, neck)].sum()
    if hair.sum() > on_head or hair[int(body.neck_y + 1.2 * body.width):].any():
        return np.zeros((H, W), bool)
    return hair


def leg_capsules(person: Person, width: float, shape) -> np.ndarray:
    """The legs as tapered capsules hip -> knee -> ankle (where the pose finds them)."""
    m = np.zeros(shape, np.uint8)
    idx = {"l": (23, 25, 27), "r": (24, 26, 28)}
    for side, joints in idx.items():
        pts = []
        for j in joints:
            if person.landmarks[j, 2] < 0.1:
                break
            pts.append(np.asarray(person.landmarks[j, :2], np.float32))
        radii = [0.22 * width, 0.14 * width, 0.10 * width]
        for k in range(len(pts) - 1):
            a, b = pts[k], pts[k + 1]
            n = max(2, int(np.linalg.norm(b - a) / 3))
            for t in np.linspace(0, 1, n):
                p = a + t * (b - a)
                cv2.circle(m, (int(p[0]), int(p[1])), max(1, int(radii[k] + t * (radii[k + 1] - radii[k]))), 1, -1)
    return m > 0


def hide_old_lower(person: Person, body: BodyFrame, out: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trousers over a skirt (or a dress's skirt): the old garment's pixels beside and below the new one, from
    the waist down to above the feet, joined to what the new garment covers. On the legs they become the
    person's skin, off the legs the backdrop. Returns (image, the pixels changed)."""
    H, W = alpha.shape
    lab = lab_of(np.asarray(person.image, np.float32) / 255.0)  # the photo: under the new garment is the old one
    skin = own_skin(lab, person, body)
    on = alpha > 0.5
    # 1. the rows from the waist to above the feet, and the old garment's colours under the new one
    rows = _waist_to_feet(body, (H, W), on)
    lut = _old_lower_colours(lab, on & person.mask & rows, skin)
    if lut is None:
        return out, np.zeros((H, W), bool)
    q = quantise(lab)
    # 2. its pixels beside the new garment, joined to it
    old = _old_beside(person, body, lab, q, lut, on, rows, skin)
    if not old.any():
        return out, old
    # 3. whole rows of it out to its farthest pixel (a print's specks are not left as strips)
    old = _widen_to_old_edge(person, body, q, lut, on, rows, skin, old, alpha)
    old &= ~(limb_capsules(person, body, (H, W)) & skin)  # bare arms hanging beside the waist stay
    # 4. bare legs only below the new garment's hem (shorts over a long skirt); beside it, the backdrop
    legs = leg_capsules(person, body.width, (H, W)) & person.mask
    legs[:int(np.flatnonzero(on.any(axis=1)).max()) + 1] = False
    res = paint_skin(out, old & legs, skin & ~lut[q], np.zeros((H, W), bool), body)
    res = backdrop_fill(res, old & ~legs, person.mask | on)  # from the backdrop, never the new garment
    return res, old


def _waist_to_feet(frame: BodyFrame, shape, on: np.ndarray) -> np.ndarray:
    H, W = shape
    w = frame.width
    hip_y = float(min(frame.lh[1], frame.rh[1]))
    rows = np.zeros((H, W), bool)
    ys = np.flatnonzero(on.any(axis=1))
    # From the new garment's waistband (it sits where the old garment starts: the top's hem above stays).
    top = int(max(0, ys.min() if len(ys) else hip_y - 0.25 * w))
    feet = min(float(frame.la[1]), float(frame.ra[1])) - 0.12 * w if frame.ankles_seen else H
    rows[top:int(max(top, feet))] = True
    return rows


def _old_lower_colours(lab: np.ndarray, under: np.ndarray, skin: np.ndarray) -> np.ndarray | None:
    core = under & ~skin
    if core.sum() < 0.3 * under.sum():  # a cream or beige skirt reads as skin: take what the garment covers
        core = under
    core = cv2.erode(core.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    return clothing_colours(lab, core, share=0.05)


def _hands_skin(person: Person, w: float, skin: np.ndarray) -> np.ndarray:
    """The hands beside the hips (skin within reach of a wrist): they stay in front."""
    H, W = skin.shape
    out = np.zeros((H, W), bool)
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            disc = np.zeros((H, W), np.uint8)
            x, y = person.point(f"{side}_wrist")
            cv2.circle(disc, (int(x), int(y)), int(0.2 * w), 1, -1)
            out |= (disc > 0) & skin
    return out


def _old_beside(person: Person, body: BodyFrame, lab, q, lut, on, rows, skin) -> np.ndarray:
    # A print's colours are closed into the cloth they make up (a pattern is one garment, not specks).
    old = cv2.morphologyEx((lut[q] & person.mask & rows).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8)) > 0
    old &= person.mask & rows & ~on
    # The hands beside the hips stay in front (a bag held there is not in the old garment's colours).
    old &= ~_hands_skin(person, body.width, skin)
    old &= ~(skin & ~lut[q])
    old = cv2.morphologyEx(old.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels = cv2.connectedComponents(old, connectivity=8)
    touch = np.unique(labels[cv2.dilate(on.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0])
    return np.isin(labels, touch[touch > 0])


def _widen_to_old_edge(person: Person, body: BodyFrame, q, lut, on, rows, skin, old, alpha) -> np.ndarray:
    """A patterned garment's light or dark specks read as backdrop to the person's outline and as skin: in each row,
    everything from the new garment's edge out to the old garment's farthest pixel goes (no strips of pattern)."""
    H, W = on.shape
    w = body.width
    keep = _hands_skin(person, w, skin) | (skin & ~lut[q])  # the hands and bare skin beside the hips stay
    span = np.zeros((H, W), bool)
    cols = np.arange(W)
    # The old garment's colours on (or just off: a ragged outline) the person, beside the new garment.
    cand = old | (lut[q] & (cv2.dilate(person.mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0) & rows & ~on)
    reach = int(0.3 * w)
    for y in np.flatnonzero(cand.any(axis=1) & on.any(axis=1)):
        xs_on = np.flatnonzero(on[y])
        xs_old = np.flatnonzero(cand[y])
        gl, gr = xs_on.min(), xs_on.max()
        left = xs_old[(xs_old < gl) & (xs_old >= gl - reach)]
        right = xs_old[(xs_old > gr) & (xs_old <= gr + reach)]
        if len(left):
            span[y] |= (cols >= max(0, left.min() - 2)) & (cols < gl)
        if len(right):
            span[y] |= (cols > gr) & (cols <= min(W - 1, right.max() + 2))
    span = cv2.morphologyEx(span.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 1), np.uint8)) > 0  # no row skipped
    old = old | (span & ~keep & ~on & person.mask)  # the backdrop itself is never repainted
    old |= (cv2.dilate(old.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~keep & (alpha < 0.5) & rows & person.mask
    return old
