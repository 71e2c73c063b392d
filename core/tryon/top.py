"""How the classic backend wears a top, as steps: the flat-lay split into its body and sleeves, each placed on the
person (the body on the torso's rows, each sleeve along its arm), the zone of the person the new top replaces (the
old top, its sleeves and cuffs; never the face, the hands or hair in front), then what it leaves bare painted from
her own photo (core/tryon/reveal.py) and the garment laid over it with the photo's broad light."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from core.tryon import anatomy, arm_side, armhole, hem_seam, bare_outline, cuffs, garment_outline, halter, reveal, shoulder_line, side_gaps, skin_join, skin_seam, straps, top_edges, uncover, waistband
from core.tryon.arms import bare_arm, hands, layer_over_arms, sleeve_across, sleeves_past_hem
from core.tryon.base import TryOnResult
from core.tryon.body import BodyFrame
from core.tryon.drape import (GarmentParts, arm_direction, arm_path, body_targets, clothing_zone,
                              face_mask, garment_parts, sleeve_points, sleeve_scale, sleeve_transform, worn_from,
                              collar_band, off_shoulder_along)
from core.tryon.flatlay import close_flat_lay, slit_backdrop, solid_garment
from core.tryon.held import held_in_front
from core.tryon.pixels import inner_texture, low_frequency_shading, quantise, volume_shading
from core.tryon.pose import Person
from core.tryon.regions import torso_outline
from core.tryon.warp import SideFit, fit_sides, garment_landmarks, tps_remap

# A whole-flat-lay warp (the GMM's): (garment image, mask, src, dst, person, kind) -> (rgb, alpha)
Warp = Callable[..., tuple[np.ndarray, np.ndarray]]


@dataclass
class FlatTop:
    """The product shot of a top, ready to wear: its mask, parts, inner texture and where its rows land."""

    gmask: np.ndarray  # the garment, white stripes and prints sealed in
    closed: np.ndarray  # the garment with the gaps between sleeves and body filled
    parts: GarmentParts
    tex: np.ndarray  # float RGB without the product shot's outline
    src: np.ndarray  # rows of the flat-lay's body ...
    dst: np.ndarray  # ... and where they land on the person
    sx: float
    sy: float
    hem_y: float  # the new top's hem on the person


def wear_top(person: Person, garment_img: Image.Image, gmask: np.ndarray, torso: np.ndarray, body: BodyFrame, t: dict,
             backend: str = "classic", warp: Warp | None = None) -> TryOnResult:
    """A top worn by the person. `warp`: a backend's own warp for the whole flat-lay (sleeves not placed apart)."""
    t0 = time.perf_counter()
    person = with_clothes_edge(person, body)
    zone = clothing_zone(person, body)
    H, W = zone.shape
    # 1. the flat-lay: body and sleeves, and where its rows land
    flat = lay_out(garment_img, gmask, body)
    body_rgb, body_a, fit = place_body(flat, person, body, warp)  # 2. its body on the torso, then each sleeve on its arm
    corners_y = flat.hem_y  # its hem's corners; a curved hem (a shirt tail) reaches lower in the middle
    flat = replace(flat, hem_y=halter.worn_hem(body_a, flat.hem_y, body.width))
    # Below the new top's hem the person's own clothes stay (trousers, a skirt): the zone ends at the hem.
    zone[int(min(H, max(0, flat.hem_y))):] = False
    zone[int(min(H, max(0, corners_y))):] &= body_a[int(min(H, max(0, corners_y))):] > 0.5  # under it: the cloth only
    base = np.asarray(person.image, np.float32) / 255.0
    lab = reveal.lab_of(base)
    skin = reveal.own_skin(lab, person, body)
    lower = lower_colours(person, body, skin, lab, int(min(H, max(0, flat.hem_y))))
    # A skin-coloured print (a leopard skirt) is not her skin where her arms or skin samples are concerned.
    bare_skin = skin & reveal.smooth(lab, skin, body)
    front = np.zeros((H, W), bool)
    if warp is None:
        sleeves = place_sleeves(flat, person, body, {k: cuffs.old_cuff_reach(lab, skin, person, k, body) for k in (-1, 1)})
        hole = armholes(sleeves + [(body_rgb, body_a)], person, body, body.neck_y if straps.strappy(flat.gmask) else flat.hem_y)
        # Below the sleeves' ends her own arms, in front of the garment; above, each sleeve over the body.
        layers, front = layer_over_arms(sleeves, [s for _, s in flat.parts.sleeves], (body_rgb, body_a), person, body, bare_skin,
                                        lab, lambda f: arm_side.not_arm(f, lab, skin, torso & zone & ~skin, person, body, body_a > 0.5))
        layers = [(hole[0], hole[1] * ~front)] + armhole.trim(layers, front, flat.parts, body, straps.strappy(flat.gmask))  # a cami's armhole
    else:
        layers = [(body_rgb, body_a)]
    layers = layers if flat.parts.off_shoulder or flat.parts.halter or straps.strappy(flat.gmask) else shoulder_line.lift(layers, person.mask, body)
    # 3. the zone grows to what the garment lies on (the shoulders' slope up to the collar), never the face
    zone |= lies_on(layers, flat.hem_y, body) & person.mask & ~face_mask(body, zone.shape)
    if flat.parts.off_shoulder or flat.parts.halter:  # nothing covers the old collar there: it goes, skin stays
        zone |= collar_band(person, body) & ~skin & ~skin_join.shaded_skin(lab, skin, collar_band(person, body) & ~skin)
    t["warp"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # 4. the old top's pixels the new one replaces; the hands and hair in front stay
    zone, skin, caps = zone_to_replace(person, body, zone, torso, flat.hem_y, lab, skin, lower, front)
    zone = skin_join.own_outline(base, zone & ~under_hem(layers, lower, corners_y - 0.2 * body.width), skin, person.mask, layers, body)
    zone |= garment_outline.own_edge(layers, flat.parts, zone, person, body) & ~face_mask(body, zone.shape)  # to its own edge
    if warp is None:  # a long sleeve past the hem (on a hanging arm) is worn there too, to its cuff, over the old rim by the hand
        layers[2:], rim = cuffs.cuff_to_hand(layers[2:], lab, skin, torso & zone & ~skin, person, body)
        zone |= rim | sleeves_past_hem(layers[2:], flat.hem_y, person, body, skin) & ~hands(person, body, skin, ~zone)
    # 5. what it leaves bare painted from her photo, the garment laid over it
    out, garment_alpha = hem_seam.soften(*paint(person, body, zone, torso, skin, caps, layers, flat.hem_y, base, bare_skin, front),
                                         base, zone, lower, person.mask, corners_y - 0.2 * body.width)  # her skirt below: no ruler line
    t["compose"] = time.perf_counter() - t0
    return _result(person, garment_img, flat, zone, torso, body, layers, out, garment_alpha, fit, t, backend)  # 6. the result


def with_clothes_edge(person: Person, body: BodyFrame) -> Person:
    """The person with the thin edge of her clothes that the segmentation left outside her outline (a pixel or two
    along a sleeve): the ring just outside the outline, from the shoulders' slope down, that is not the backdrop's colour
    (the backdrop measured a little further out). Left out, a narrower new sleeve showed a thin line of the old
    one down the arm's outer side. A drawn figure's outline is exact."""
    if person.base_layer is not None:
        return person
    m = person.mask.astype(np.uint8)
    k = max(3, int(0.012 * body.width) * 2 + 1)
    ring = (cv2.dilate(m, np.ones((k, k), np.uint8)) > 0) & ~person.mask
    far = (cv2.dilate(m, np.ones((3 * k, 3 * k), np.uint8)) > 0) & ~(cv2.dilate(m, np.ones((2 * k, 2 * k), np.uint8)) > 0)
    ring[:max(0, int(body.neck_y - 0.15 * body.width))] = False
    if not ring.any() or far.sum() < 50:
        return person
    lab = reveal.lab_of(np.asarray(person.image, np.float32) / 255.0)
    # The backdrop beside each ring pixel: the far band's colour smoothed across (a studio backdrop's light), 1/4 size.
    H, W = ring.shape
    size = (max(1, W // 4), max(1, H // 4))
    f = cv2.resize(far.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    num = cv2.GaussianBlur(cv2.resize(lab * far[..., None], size, interpolation=cv2.INTER_AREA), (0, 0), k / 2)
    den = cv2.GaussianBlur(f, (0, 0), k / 2)
    local = cv2.resize(num / np.maximum(den, 1e-6)[..., None], (W, H), interpolation=cv2.INTER_LINEAR)
    den = cv2.resize(den, (W, H), interpolation=cv2.INTER_LINEAR)
    edge = ring & (den > 0.05)
    edge[edge] = np.linalg.norm(lab[edge] - local[edge], axis=1) > 12.0
    return replace(person, mask=person.mask | edge) if edge.any() else person


def lay_out(garment_img: Image.Image, gmask: np.ndarray, body: BodyFrame) -> FlatTop:
    # White stripes or a white print that the backdrop test left out are cloth.
    solid = straps.thin_straps(garment_img, solid_garment(gmask))
    # The garment's own pixels are all known (a white tee on white is cloth, not backdrop to paint over), but for
    # the backdrop in the slits beside long sleeves.
    closed_img, closed = close_flat_lay(garment_img, solid, enclosed=slit_backdrop(garment_img, solid, gmask))
    lm = garment_landmarks(closed, "upper")
    parts = halter.at_chest(garment_parts(solid, lm))  # a halter is worn from its chest row, not its narrow neck
    tex = inner_texture(closed_img, closed)
    src, dst, sx, sy = body_targets(parts, body)
    if sy > sx:
        # A product shot shows the garment's own proportions: it is never stretched longer than its width's scale
        # (a waist-length tee stayed stretched to the hips, its print pulled tall).
        glen = max(float(parts.y_hem - parts.y_top), 1.0)
        f = (src[:, 1] - parts.y_top) / glen
        dst = dst + body.down[None, :] * (f * glen * (sx - sy))[:, None]
        sy = sx
    hem_y = float(max(dst[-5:, 1])) + 0.04 * body.width
    return FlatTop(solid, closed, parts, tex, src, dst, sx, sy, hem_y)


def place_body(flat: FlatTop, person: Person, body: BodyFrame, warp: Warp | None) -> tuple[np.ndarray, np.ndarray, SideFit]:
    """The body of the garment: matching rows keep its horizontal lines straight; its sides widen to the torso."""
    H, W = person.mask.shape
    if warp is None:
        stack = np.concatenate([flat.tex, flat.parts.body[..., None].astype(np.float32)], 2)
        # The flat-lay's own size keeps the map in its pixels; the spline is fitted in normalised coordinates.
        warped = tps_remap(stack, flat.src, flat.dst, (W, H))
        body_rgb, body_a = warped[..., :3], np.clip(warped[..., 3], 0, 1)
    else:
        body_rgb, body_a = warp(Image.fromarray((flat.tex * 255).astype(np.uint8)), flat.closed, flat.src, flat.dst,
                                person, "upper")
    row_y = flat.dst[:5, 1]
    fit = fit_sides(body_a, torso_outline(body), (float(row_y[0]), float(row_y[-1])), 0.15 * body.width)
    body_rgb, body_a = top_edges.clean_layer(*fit.apply(body_rgb, body_a), body.width, hem=True)  # no torn hem, no teeth
    return body_rgb, body_a, fit


def place_sleeves(flat: FlatTop, person: Person, body: BodyFrame,
                  reach: dict | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each sleeve along its arm, bending at the elbow (a long sleeve follows the forearm, a bent arm too); without
    the arm's joints, turned along the arm's direction. reach: per side, how far past the wrist the old sleeve
    ends (a long sleeve's cuff covers it)."""
    H, W = person.mask.shape
    parts = flat.parts
    re, le = worn_from(parts, body)
    layers = []
    for mask, side in parts.sleeves:
        corner = np.array([parts.top[0] if side < 0 else parts.top[1], parts.y_top], np.float32)
        along = sleeve_scale(person, side, body, mask, corner, flat.sy)
        at_wrist = along != flat.sy and not short_sleeve(mask, corner, parts)
        if short_sleeve(mask, corner, parts):
            # A short sleeve by the garment's own proportions stays short on a bent or foreshortened arm.
            along = min(along, flat.sy)
        along = off_shoulder_along(parts, body, mask, corner, along)
        path = arm_path(person, side, body)
        if path is not None:
            path[0] = re if side < 0 else le  # an off-shoulder sleeve starts lower on the arm
            extra = (reach or {}).get(side, 0.0) if at_wrist else 0.0
            if extra > 0:  # the cuff down over the old sleeve's end past the wrist
                arm = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
                along *= (arm + extra) / max(arm, 1.0)
                path[-1] += (path[-1] - path[-2]) / max(float(np.linalg.norm(path[-1] - path[-2])), 1e-6) * extra
            # A long sleeve is as wide as the arm it covers (the old sleeve's edge showed beside a narrower one).
            across = flat.sx if short_sleeve(mask, corner, parts) else sleeve_across(mask, corner, person, path, flat.sx)
            s_pts, d_pts = sleeve_points(mask, side, corner, path, along, across)
            stack = np.concatenate([flat.tex, mask[..., None].astype(np.float32)], 2)
            out = tps_remap(stack, s_pts, d_pts, (W, H))
            rgb, a = out[..., :3], out[..., 3]
        else:
            M = sleeve_transform(mask, side, corner, re if side < 0 else le, arm_direction(person, side, body),
                                 flat.sx, along)
            rgb = cv2.warpAffine(flat.tex, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
            a = cv2.warpAffine(mask.astype(np.float32), M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
        layers.append(top_edges.clean_layer(rgb, np.clip(a, 0, 1), body.width))
    return layers


def short_sleeve(sleeve: np.ndarray, corner: np.ndarray, parts: GarmentParts) -> bool:
    """Shorter than 0.65x the garment's length along its own axis (a tee's sleeve, not a sweater's)."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    length = float(np.sqrt(((pts - corner) ** 2).sum(1)).max())
    return length < 0.65 * max(float(parts.y_hem - parts.y_top), 1.0)


def armholes(layers: list, person: Person, body: BodyFrame, hem_y: float) -> tuple[np.ndarray, np.ndarray]:
    """The cloth between a sleeve and the body, as a layer: a sleeve laid down a hanging arm turns away from the
    body's side and opens a slit at the armhole, and an arm held against the body shows a strip of skin between
    sleeve and body, which a worn top never shows. Gaps narrower than a sixth of the shoulders are closed, on the
    person only (a real gap between the arm and the body shows the backdrop), coloured from the cloth around."""
    H, W = person.mask.shape
    cover = np.max([a for _, a in layers], axis=0) > 0.5
    k = max(3, int(0.16 * body.width) | 1)
    closed = cv2.morphologyEx(cover.astype(np.uint8), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    gap = (closed & ~cover & person.mask) | garment_outline.enclosed_backdrop(cover, person, body)  # a bite between them too
    gap[:max(0, int(body.neck_y))] = False
    gap[int(min(H, max(0, hem_y))):] = False
    alpha = np.zeros((H, W), np.float32)
    if not gap.any():
        return np.zeros((H, W, 3), np.float32), alpha
    total = np.maximum(sum(a for _, a in layers), 1e-6)
    rgb = np.clip(sum(c * a[..., None] for c, a in layers) / total[..., None], 0, 1)
    known = (cover & ~gap).astype(np.uint8)
    ys, xs = np.nonzero(gap)
    pad = int(0.1 * body.width) + 4
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
    u8 = np.clip(rgb[y0:y1, x0:x1] * 255, 0, 255).astype(np.uint8)
    fill = cv2.inpaint(u8, (1 - known[y0:y1, x0:x1]) * 255, 3, cv2.INPAINT_TELEA).astype(np.float32) / 255.0
    out = np.zeros((H, W, 3), np.float32)
    out[y0:y1, x0:x1] = fill
    alpha[gap] = 1.0
    return out, alpha


def lies_on(layers: list, hem_y: float, body: BodyFrame) -> np.ndarray:
    """Above the neck-base line the garment still covers what it lies on (the shoulders' slope), down to its hem."""
    out = np.max([a for _, a in layers], axis=0) > 0.5
    out[: max(0, int(body.neck_y - 0.12 * body.width))] = False
    out[int(min(out.shape[0], max(0, hem_y))):] = False
    return out


def under_hem(layers: list, lower: np.ndarray, from_y: float) -> np.ndarray:
    """Her trousers or skirt just below the new garment's drawn hem (a tilted hem, the margin under it), from row
    from_y down (not under a sleeve's end): they stay as they are, never repainted as backdrop."""
    cover = np.max([a for _, a in layers], axis=0) > 0.5
    H = cover.shape[0]
    last = np.where(cover.any(axis=0), H - 1 - np.argmax(cover[::-1], axis=0), H)
    rows = np.arange(H)[:, None]
    return lower & (rows > last[None, :]) & (rows >= from_y)


def _wrist_disc(person: Person, side: str, radius: float, shape) -> np.ndarray:
    disc = np.zeros(shape, np.uint8)
    x, y = person.point(f"{side}_wrist")
    cv2.circle(disc, (int(x), int(y)), int(radius), 1, -1)
    return disc > 0


def zone_to_replace(person: Person, body: BodyFrame, zone: np.ndarray, torso: np.ndarray, hem_y: float,
                    lab: np.ndarray, skin: np.ndarray, lower: np.ndarray,
                    front: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(zone, her skin, the arm capsules): the clothing zone down to the new hem, plus the old sleeves and cuffs
    below it and the old top's fringe, less her hands and the hair in front."""
    H, W = zone.shape
    fm = face_mask(body, zone.shape)
    # The old top's colours (the middle of the torso, not skin): its cuffs at the wrists are replaced too,
    # while the hands and what they hold stay.
    core = cv2.erode((torso & zone & ~skin).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    old_lut = reveal.clothing_colours(lab, core)
    q = quantise(lab)
    old_px = old_lut[q] if old_lut is not None else ~skin
    caps = reveal.limb_capsules(person, body, zone.shape)
    hem_row = int(min(H, max(0, hem_y)))
    # her lower garment starts at the old top's hem (the caller's `lower` is narrowed too)
    lower[:] = uncover.lower_below_old_hem(lower, lab, skin, person.mask, torso, body)
    zone[hem_row:] = False
    zone |= _old_below_hem(person, body, torso, skin, caps, old_px, ~lower, hem_row)
    zone |= uncover.fringe_and_collar(zone, lab, person, body, skin, fm, old_px, lower)
    end = waistband.old_top_end(old_px & person.mask & ~skin, torso & person.mask, body)  # her trousers from there
    front_of = (np.arange(H)[:, None] >= max(hem_row, end or 0)) & halter.hip_columns(body, W) & ~caps
    zone |= uncover.leftovers(zone, person.mask & ~skin & ~fm & ~lower & ~front_of, body)  # a logo, a collar, seams
    zone &= ~waistband.below_old_top(end, torso, body, old_px & person.mask & ~skin, caps, hem_row)
    if front is not None:  # her bare arm in front of the new top stays as it is (its shadows were painted over)
        zone &= ~bare_arm(lab, front, core)
    # The hands stay in front (a hand on the stomach or in a pocket is not covered by the new top).
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            disc = _wrist_disc(person, side, 0.2 * body.width, (H, W))
            zone &= ~(cv2.dilate((disc & skin).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    zone &= ~hands(person, body, skin, ~old_px)  # the whole hand past the wrist, its shaded fingers too
    # Hair falling over the shoulders stays in front of the new top.
    zone &= ~reveal.in_front(lab, person, body, zone, old_lut, skin)
    zone &= ~held_in_front(lab, person, body, zone, skin)  # a helmet, a bag held in front of the body
    return zone, skin, caps


def lower_colours(person: Person, body: BodyFrame, skin: np.ndarray, lab: np.ndarray, hem_row: int) -> np.ndarray:
    """The pixels in the main colours of what she wears below the new top's hem (trousers, a skirt), sampled on
    the thighs, below where her old top ends (arms and bare legs left out): just below a cropped new top is
    still her old top (a tee under a bandeau), which goes; a dress's skirt under a short top stays."""
    H, W = skin.shape
    lower = np.zeros((H, W), bool)
    hip_y = float(max(body.lh[1], body.rh[1])) if body.lh is not None and body.rh is not None else hem_row
    start = int(max(hem_row + 0.1 * body.width, hip_y + 0.35 * body.width))
    lower[max(0, start):max(0, start + int(0.5 * body.width))] = True
    lower &= person.mask & ~reveal.limb_capsules(person, body, (H, W)) & ~skin
    lower_lut = reveal.clothing_colours(lab, lower, share=0.12)  # its main colours (not a leopard's spots)
    return lower_lut[quantise(lab)] if lower_lut is not None else np.zeros((H, W), bool)


def _old_below_hem(person: Person, body: BodyFrame, torso: np.ndarray, skin: np.ndarray, caps: np.ndarray,
                   old_px: np.ndarray, not_lower: np.ndarray, hem_row: int) -> np.ndarray:
    """Below the new hem only the arms' old sleeves go, down to the hands (the trousers or skirt there stay: their
    colours, from just below the hem, are never replaced)."""
    H, W = skin.shape
    near_skin = cv2.dilate(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out = caps & person.mask & ~skin & not_lower & (old_px | ~near_skin)
    # The old sleeve out to its own outline (a sleeve is wider than the arm's capsule): no fringe of it is left.
    out |= reveal.limb_capsules(person, body, (H, W), 1.6) & person.mask & ~skin & not_lower & old_px
    # A cropped top over a longer one: the old top's torso below the new hem goes too (midriff, her skin).
    low = torso.copy()  # the torso a little past the hip joints (a longer old top's hem sits there)
    shift = int(0.25 * body.width)
    if shift:
        low[shift:] |= torso[:-shift]
    out |= low & person.mask & old_px & ~skin & not_lower
    out[:hem_row] = False
    for side in ("l", "r"):  # the old cuff at the wrist (the hand, skin, stays)
        if person.visible(f"{side}_wrist"):
            disc = _wrist_disc(person, side, 0.16 * body.width, (H, W))
            out |= disc & caps & person.mask & old_px & ~skin & not_lower
    return out


def paint(person: Person, body: BodyFrame, zone: np.ndarray, torso: np.ndarray, skin: np.ndarray, caps: np.ndarray,
          layers: list, hem_y: float, base: np.ndarray, bare_skin: np.ndarray,
          front: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(image 0..1, the garment's alpha): what the new top leaves bare, on the body, is the person's own skin (tone
    from her visible skin, texture from her skin, light from the photo); off the body (a loose old garment), the
    backdrop. The garment over it with the photo's broad light and a rounded form; a soft seam at the zone's edge."""
    H, W = zone.shape
    hem_row = int(min(H, max(0, hem_y)))
    light = low_frequency_shading(base, zone, body.width)
    vol = volume_shading(zone, body.width, body.neck_x)
    covered = np.max([a for _, a in layers], axis=0) > 0.98
    bare = uncover.collar_seam(zone & ~skin & ~covered, zone & ~covered, body)  # an old collar's edge drawn over too
    # Her arms are a little wider than their capsules: an old sleeve's edge there is arm, not backdrop.
    body_est = (reveal.limb_capsules(person, body, (H, W), 1.35) | uncover.body_outline(body, (H, W))) & person.mask
    neck = anatomy.neck_span(skin, body)  # her neck as wide as she shows it, her shoulders' slope; above, the backdrop
    body_est = (body_est | anatomy.neck_and_shoulders(skin, body, person.mask)) & anatomy.shoulder_outline(body, (H, W), neck)
    if front is not None:  # her arm in front of the garment is her arm (painted backdrop, it was a white halo)
        body_est |= front & person.mask
    # Her skin to sample from: the upper body's (a beige skirt or the legs are not her arms' skin).
    upper_skin = bare_skin & (caps | torso | (np.arange(H)[:, None] < body.neck_y + 0.3 * body.width))
    upper_skin[hem_row:] &= ~(torso[hem_row:] | ~caps[hem_row:])  # below the hem only the arms and hands
    low = min(H, hem_row + int(0.1 * body.width))
    upper_skin[hem_row:low] = False
    near_body = cv2.dilate(body_est.astype(np.uint8), np.ones((int(0.1 * body.width) | 1,) * 2, np.uint8)) > 0
    body_est, bare = bare_outline.clip(body_est | side_gaps.enclosed(bare & ~body_est, person.mask) & near_body, zone, bare, person, body, skin)  # not a loose top's width, nor its sleeves'
    canvas = skin_seam.paint_skin_blended(base, bare & skin_join.grown(body_est), upper_skin, face_mask(body, zone.shape), body,
                                          zone & skin, limbs=caps & person.mask, neck=neck)
    canvas = skin_join.soft_edge(canvas, reveal.backdrop_fill(canvas, bare & ~skin_join.shrunk(body_est), person.mask), bare, body_est, body.width)
    garment_alpha = np.zeros((H, W), np.float32)
    for rgb, a in layers:
        a = cv2.GaussianBlur(a, (0, 0), 0.8)  # soft cloth edges
        canvas = canvas * (1 - a[..., None]) + rgb * (light * vol)[..., None] * a[..., None]
        garment_alpha = np.maximum(garment_alpha, a)
    garment_alpha *= zone
    # A soft seam where the zone meets what stays (neck, face, background), inside the zone only.
    # Along her outline (the backdrop beside an old sleeve) and her arm in front it is opaque: no line of the old top.
    feather = np.clip(cv2.distanceTransform((zone | ~person.mask | (front if front is not None else zone)).astype(np.uint8), cv2.DIST_L2, 3) / 2.0, 0, 1)[..., None]
    out = np.where(zone[..., None], base * (1 - feather) + canvas * feather, base)
    return arm_side.soften_seam(out, base, zone, front, garment_alpha > 0.5), garment_alpha  # a soft edge against her arm, not a staircase


def _result(person: Person, garment_img: Image.Image, flat: FlatTop, zone: np.ndarray, torso: np.ndarray,
            body: BodyFrame, layers: list, out: np.ndarray, garment_alpha: np.ndarray, fit: SideFit, t: dict,
            backend: str) -> TryOnResult:
    re, le = body.shoulder_edges
    dst = flat.dst
    lms = {"shoulder_edge_right": re, "shoulder_edge_left": le, "neck_base": np.array([body.neck_x, body.neck_y]),
           "garment_hem_left": dst[-5], "garment_hem_right": dst[-1],
           "l_shoulder": body.ls, "r_shoulder": body.rs, "l_hip": body.lh, "r_hip": body.rh}
    notes = [] if body.hips_seen else ["hips are outside the photo: the garment's length runs out of the frame"]
    warped = np.clip(sum(rgb * a[..., None] for rgb, a in layers), 0, 1) * zone[..., None]
    return TryOnResult(Image.fromarray(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)), backend, "upper",
                       replace(person, mask=person.mask | zone), zone, torso, Image.fromarray((warped * 255).astype(np.uint8)),
                       garment_alpha, lms, t, notes, side_fit=fit, garment_image=garment_img, garment_mask=flat.gmask,
                       garment_scale=flat.sx)
