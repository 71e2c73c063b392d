"""The classic backend: no learned weights. Tops are worn (clothing zone from the neck base down, body and sleeves
placed separately, skin where the new garment leaves the old one bare, low-frequency shading only); lower garments
and dresses are warped with a thin-plate spline onto the legs and torso."""
from __future__ import annotations

import logging
import time

import cv2
import numpy as np
from PIL import Image

from core.images import foreground_mask
from core.tryon import quality, reveal
from core.tryon.base import Progress, TryOnBackend, TryOnResult
from core.tryon.drape import (Body, arm_direction, arm_path, body_of, sleeve_points, body_targets, clothing_zone, face_mask, garment_parts,
                              sleeve_scale, sleeve_transform)
from core.tryon.pose import Person, analyse_person
from core.tryon.regions import garment_mask, region_for_garment, torso_outline
from core.tryon.warp import body_landmarks, fit_sides, garment_landmarks, tps_remap

log = logging.getLogger(__name__)


def _lab_l(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(rgb * 255, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)


def low_frequency_shading(base: np.ndarray, zone: np.ndarray, width: float) -> np.ndarray:
    """The person's broad light and shadow over the zone, as a factor near 1: badges, buttons, lapels and prints are
    removed first (a median over a tenth of the shoulder width), then only what survives a wide blur is kept."""
    L = _lab_l(base)
    h, w = L.shape
    small = cv2.resize(L, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    zs = cv2.resize(zone.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    if not zs.any():
        return np.ones((h, w), np.float32)
    fill = np.where(zs, small, np.median(small[zs])).astype(np.uint8)
    k = max(3, int(0.08 * width) | 1)
    med = cv2.medianBlur(fill, min(k, 255)).astype(np.float32)
    sigma = max(2.0, 0.08 * width)
    num = cv2.GaussianBlur(med * zs, (0, 0), sigma)
    den = cv2.GaussianBlur(zs.astype(np.float32), (0, 0), sigma)
    smooth = num / np.maximum(den, 1e-3)
    ref = float(np.median(smooth[zs]))
    ratio = np.clip(smooth / max(ref, 1.0), 0.94, 1.04)
    return cv2.resize(ratio, (w, h), interpolation=cv2.INTER_LINEAR)


def volume_shading(zone: np.ndarray, width: float, centre_x: float | None = None) -> np.ndarray:
    """Rounded form: the torso as a cylinder about its centre line (darker towards its sides), and a narrow
    darkening along the silhouette's edge."""
    dist = cv2.distanceTransform(np.pad(zone.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    edge = 0.9 + 0.1 * np.clip(dist / max(0.04 * width, 1.0), 0, 1)
    if centre_x is None:
        return edge
    x = (np.arange(zone.shape[1], dtype=np.float32) - centre_x) / max(0.9 * width, 1.0)
    return edge * (1.0 - 0.12 * np.clip(x * x, 0, 1))[None, :]


def skin_colour(person: Person, body: Body) -> np.ndarray:
    """The person's skin tone from the lower face (cheeks and chin, below the eyes: glasses and hair stay out)."""
    arr = np.asarray(person.image, np.float32) / 255.0
    cx, cy, rx, ry = body.face
    y0, y1 = int(cy), int(cy + 0.6 * ry)
    x0, x1 = int(cx - 0.5 * rx), int(cx + 0.5 * rx)
    patch = arr[max(0, y0):max(y0 + 1, y1), max(0, x0):max(x0 + 1, x1)].reshape(-1, 3)
    if person.mask is not None:
        pm = person.mask[max(0, y0):max(y0 + 1, y1), max(0, x0):max(x0 + 1, x1)].reshape(-1)
        patch = patch[pm] if pm.any() else patch
    if not len(patch):
        return np.array([0.8, 0.65, 0.55], np.float32)
    lum = patch.mean(1)
    keep = (lum > np.quantile(lum, 0.3)) & (lum < np.quantile(lum, 0.9))  # not shadows, not highlights
    return np.median(patch[keep] if keep.any() else patch, axis=0).astype(np.float32)


def compose(person: Person, warped_rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Paste a warped garment inside the region only, with low-frequency shading and a soft inner seam (lower
    garments and dresses)."""
    base = np.asarray(person.image, np.float32) / 255.0
    paint = (alpha > 0.5) & region
    width = float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    shade = (low_frequency_shading(base, paint, width) * volume_shading(paint, width))[..., None]
    garment = np.clip(warped_rgb * shade, 0, 1)
    dist = cv2.distanceTransform(paint.astype(np.uint8), cv2.DIST_L2, 3)
    a = (np.clip(dist / 2.5, 0, 1) * paint)[..., None]
    out = base * (1 - a) + garment * a
    out = np.where(paint[..., None], out, base)  # outside the painted area: exactly the original
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def _enclosed_backdrop(garment_img: Image.Image, gmask: np.ndarray, min_width: int = 0) -> np.ndarray:
    """Backdrop that the garment mask swallowed: the slit between a hanging sleeve and the body. It is backdrop by
    colour and joined to the backdrop outside the garment; a print in the backdrop's colour inside the garment's
    outline is not, so it is kept."""
    bg = (~foreground_mask(garment_img)).astype(np.uint8)
    n, labels = cv2.connectedComponents(bg, connectivity=4)
    outside = np.setdiff1d(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])), [0])
    found = np.isin(labels, outside) & gmask
    if min_width:  # only wide gaps (a sleeve's slit), not the edges of white stripes the mask left out
        found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_OPEN, np.ones((min_width, min_width), np.uint8)) > 0
    return cv2.dilate(found.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0 if found.any() else found


def close_flat_lay(garment_img: Image.Image, gmask: np.ndarray,
                   enclosed: np.ndarray | None = None) -> tuple[Image.Image, np.ndarray]:
    """Fill the gaps of a flat-lay (between sleeve and body) with the garment's own texture (OpenCV inpainting),
    so the warped garment covers the torso without holes."""
    pts = cv2.findNonZero(gmask.astype(np.uint8))
    hull = np.zeros(gmask.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    if not ((hull > 0) & ~gmask).any():
        return garment_img, gmask
    rgb = np.asarray(garment_img.convert("RGB"))
    # Product shots outline the garment: inpaint from inside that outline, not from its dark edge.
    # Everything else counts as unknown, so the backdrop cannot bleed into the fill.
    inner = cv2.erode(gmask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    inner &= ~(_enclosed_backdrop(garment_img, gmask) if enclosed is None else enclosed)
    # At half resolution (the fill is smooth anyway): 4x fewer pixels to march over.
    h, w = inner.shape
    small = cv2.resize(rgb, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    known = cv2.resize(inner.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    filled = cv2.resize(cv2.inpaint(small, (1 - known) * 255, 3, cv2.INPAINT_TELEA), (w, h), interpolation=cv2.INTER_LINEAR)
    filled = np.where(((hull > 0) & ~inner)[..., None], filled, rgb)
    return Image.fromarray(filled), hull > 0


def _inner_texture(garment_img: Image.Image, gmask: np.ndarray) -> np.ndarray:
    """The flat-lay with its dark product-shot outline replaced by the cloth just inside it (a worn garment has no
    drawn outline), as float RGB."""
    rgb = np.asarray(garment_img.convert("RGB"))
    inner = cv2.erode(gmask.astype(np.uint8), np.ones((5, 5), np.uint8))
    ring = (gmask.astype(np.uint8) - inner) > 0
    if ring.any():
        rgb = cv2.inpaint(rgb, (ring * 255).astype(np.uint8), 3, cv2.INPAINT_TELEA)
    return rgb.astype(np.float32) / 255.0


def solid_garment(gmask: np.ndarray) -> np.ndarray:
    """The product shot's garment without its inner holes: white stripes, a white print or a light panel that the
    backdrop test took for backdrop are cloth when the garment's outline closes around them (a closing of about a
    stripe's height seals the notches where they reach the edge). The wide gap between a hanging sleeve and the
    body stays open."""
    ys, xs = np.nonzero(gmask)
    if not len(xs):
        return gmask
    k = max(5, int(0.035 * (np.ptp(xs) + 1)) | 1)
    closed = cv2.morphologyEx(gmask.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    filled = closed.copy()
    cnts, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, cnts, -1, 1, -1)
    # Keep the original outline where the closing only rounded it off (no bridging of the sleeve gaps' mouths).
    holes = (filled > 0) & ~gmask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), 8)
    out = gmask.copy()
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] >= 4:
            out |= labels == i
    return out


class ClassicTryOn(TryOnBackend):
    name = "classic"
    drape_parts = True  # tops: body and sleeves placed separately (the GMM warps the whole flat-lay instead)

    def run(self, person_img: Image.Image, garment_img: Image.Image, kind: str = "upper", person: Person | None = None,
            seed: int = 0, progress: Progress | None = None) -> TryOnResult:
        t = {}
        t0 = time.perf_counter()
        person = person or analyse_person(person_img)
        t["pose_and_segmentation"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        gmask = garment_mask(garment_img)
        region, torso, frame = region_for_garment(person, kind, gmask)
        t["masks"] = time.perf_counter() - t0
        if kind == "upper":
            return self._wear_top(person, garment_img, gmask, torso, frame, t)
        from core.tryon import dress

        if kind == "dress" or dress.is_skirt(gmask):  # dresses and skirts keep their silhouette (core/tryon/dress.py)
            return dress.wear(person, garment_img, gmask, kind, frame, torso, t, self.name)
        t0 = time.perf_counter()
        garment_img, gmask = close_flat_lay(garment_img, gmask)
        src = garment_landmarks(gmask, kind)
        dst = body_landmarks(frame, kind, person.image.size)
        warped, alpha = self.warp(garment_img, gmask, src, dst, person, kind)
        t["warp"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = compose(person, warped, alpha, region)
        if kind == "lower" and frame.get("long"):
            # Trousers hide a skirt: what of the old garment shows beside and below them goes.
            res, hidden = reveal.hide_old_lower(person, body_of(person), out.astype(np.float32) / 255.0,
                                                alpha * region, frame)
            if hidden.any():
                out = np.where(hidden[..., None], np.clip(np.rint(res * 255), 0, 255), out).astype(np.uint8)
                region = region | hidden
        t["compose"] = time.perf_counter() - t0
        names = ["garment_top_left", "garment_top_right", "garment_mid_left", "garment_mid_right", "garment_hem_left",
                 "garment_hem_right"]
        lms = {n: p for n, p in zip(names, dst)}
        lms.update({"l_shoulder": frame["ls"], "r_shoulder": frame["rs"], "l_hip": frame["lh"], "r_hip": frame["rh"]})
        return TryOnResult(Image.fromarray(out), self.name, kind, person, region, torso,
                           Image.fromarray((warped * alpha[..., None] * 255).astype(np.uint8)), alpha, lms, t, [],
                           garment_image=garment_img, garment_mask=gmask)

    def warp(self, garment_img, gmask, src, dst, person, kind):
        stack = np.concatenate([np.asarray(garment_img.convert("RGB"), np.float32) / 255.0,
                                gmask[..., None].astype(np.float32)], 2)
        out = tps_remap(stack, src, dst, person.image.size)
        return out[..., :3], np.clip(out[..., 3], 0, 1)

    def _wear_top(self, person: Person, garment_img: Image.Image, gmask: np.ndarray, torso: np.ndarray, frame: dict,
                  t: dict) -> TryOnResult:
        t0 = time.perf_counter()
        body = body_of(person)
        zone = clothing_zone(person, body)
        H, W = zone.shape
        # White stripes or a white print that the backdrop test left out are cloth.
        solid = solid_garment(gmask)
        # The garment's own pixels are all known (a white tee on white is cloth, not backdrop to paint over).
        closed_img, closed = close_flat_lay(garment_img, solid, enclosed=np.zeros_like(solid))
        gmask = solid
        lm = garment_landmarks(closed, "upper")
        parts = garment_parts(gmask, lm)
        tex = _inner_texture(closed_img, closed)
        src, dst, sx, sy = body_targets(parts, body)
        # Below the new top's hem the person's own clothes stay (trousers, a skirt): the zone ends at the hem.
        hem_y = float(max(dst[-5:, 1])) + 0.04 * body.width
        zone[int(min(H, max(0, hem_y))):] = False
        body_mask = parts.body if self.drape_parts else closed
        # The body of the garment: matching rows keep its horizontal lines straight.
        if self.drape_parts:
            stack = np.concatenate([tex, body_mask[..., None].astype(np.float32)], 2)
            # The flat-lay's own size keeps the map in its pixels; the spline is fitted in normalised coordinates.
            warped = tps_remap(stack, src, dst, (W, H))
            body_rgb, body_a = warped[..., :3], np.clip(warped[..., 3], 0, 1)
        else:
            body_rgb, body_a = self.warp(Image.fromarray((tex * 255).astype(np.uint8)), body_mask, src, dst, person,
                                         "upper")
        row_y = dst[:5, 1]
        fit = fit_sides(body_a, torso_outline(frame), (float(row_y[0]), float(row_y[-1])), 0.15 * body.width)
        body_rgb, body_a = fit.apply(body_rgb, body_a)
        layers = []
        if self.drape_parts:
            re, le = body.shoulder_edges
            for mask, side in parts.sleeves:
                corner = np.array([parts.top[0] if side < 0 else parts.top[1], parts.y_top], np.float32)
                along = sleeve_scale(person, side, body, mask, corner, sy)
                path = arm_path(person, side, body)
                if path is not None:
                    # Along the arm, bending at the elbow: a long sleeve follows the forearm, a bent arm too.
                    s_pts, d_pts = sleeve_points(mask, side, corner, path, along, sx)
                    stack = np.concatenate([tex, mask[..., None].astype(np.float32)], 2)
                    out = tps_remap(stack, s_pts, d_pts, (W, H))
                    rgb, a = out[..., :3], out[..., 3]
                else:
                    M = sleeve_transform(mask, side, corner, re if side < 0 else le, arm_direction(person, side, body),
                                         sx, along)
                    rgb = cv2.warpAffine(tex, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
                    a = cv2.warpAffine(mask.astype(np.float32), M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
                layers.append((rgb, np.clip(a, 0, 1)))
        layers.append((body_rgb, body_a))
        # Above the neck-base line the garment still covers what it lies on (the slope of the shoulders up to the
        # collar), never the face.
        lies_on = np.max([a for _, a in layers], axis=0) > 0.5
        lies_on[: max(0, int(body.neck_y - 0.12 * body.width))] = False
        lies_on[int(min(H, max(0, hem_y))):] = False
        zone |= lies_on & person.mask & ~face_mask(body, zone.shape)
        t["warp"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        base = np.asarray(person.image, np.float32) / 255.0
        lab = reveal.lab_of(base)
        fm = face_mask(body, zone.shape)
        skin = reveal.own_skin(lab, person, body)
        # The old top's colours (the middle of the torso, not skin): its cuffs at the wrists are replaced too,
        # while the hands and what they hold stay.
        core = cv2.erode((torso & zone & ~skin).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        old_lut = reveal.clothing_colours(lab, core)
        q = quality._quantise(lab)
        old_px = old_lut[q] if old_lut is not None else ~skin
        # Below the new hem only the arms' old sleeves go, down to the hands (the trousers or skirt there stay:
        # their colours, from just below the hem, are never replaced).
        caps = reveal.limb_capsules(person, body, zone.shape)
        hem_row = int(min(H, max(0, hem_y)))
        lower = np.zeros((H, W), bool)
        lower[hem_row + int(0.1 * body.width):hem_row + int(0.6 * body.width)] = True
        lower &= person.mask & ~caps & ~skin
        lower_lut = reveal.clothing_colours(lab, lower, share=0.12)  # its main colours (not a leopard's spots)
        not_lower = ~lower_lut[q] if lower_lut is not None else np.ones((H, W), bool)
        arms_below = caps & person.mask & ~skin & not_lower & (old_px | ~(cv2.dilate(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0))
        # A cropped top over a longer one: the old top's torso below the new hem goes too (midriff, her skin).
        arms_below |= torso & person.mask & old_px & ~skin & not_lower
        arms_below[:hem_row] = False
        for side in ("l", "r"):  # the old cuff at the wrist (the hand, skin, stays)
            if person.visible(f"{side}_wrist"):
                disc = np.zeros((H, W), np.uint8)
                x, y = person.point(f"{side}_wrist")
                cv2.circle(disc, (int(x), int(y)), int(0.16 * body.width), 1, -1)
                arms_below |= (disc > 0) & caps & person.mask & old_px & ~skin & not_lower
        zone[hem_row:] = False
        zone |= arms_below
        fringe = cv2.dilate(zone.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        fringe &= old_px & ~skin & ~fm & ~zone & person.mask
        fringe[:max(0, int(body.neck_y))] = False
        zone |= fringe
        # The hands stay in front (a hand on the stomach or in a pocket is not covered by the new top).
        for side in ("l", "r"):
            if person.visible(f"{side}_wrist"):
                disc = np.zeros((H, W), np.uint8)
                x, y = person.point(f"{side}_wrist")
                cv2.circle(disc, (int(x), int(y)), int(0.2 * body.width), 1, -1)
                zone &= ~(cv2.dilate(((disc > 0) & skin).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
        # Hair falling over the shoulders stays in front of the new top.
        zone &= ~reveal.in_front(lab, person, body, zone, old_lut, skin)
        light = low_frequency_shading(base, zone, body.width)
        vol = volume_shading(zone, body.width, body.neck_x)
        covered = np.max([a for _, a in layers], axis=0) > 0.98
        # What the new top leaves bare: on the body, the person's own skin (tone from her visible skin, texture
        # from her skin, light from the photo); off the body (a loose old garment), the backdrop.
        bare = zone & ~skin & ~covered
        body_est = (caps | torso) & person.mask
        # Her skin to sample from: the upper body's (a beige skirt or the legs are not her arms' skin).
        upper_skin = skin & (caps | torso | (np.arange(H)[:, None] < body.neck_y + 0.3 * body.width))
        upper_skin[hem_row:] &= ~(torso[hem_row:] | ~caps[hem_row:])  # below the hem only the arms and hands
        low = min(H, hem_row + int(0.1 * body.width))
        upper_skin[hem_row:low] = False
        canvas = reveal.paint_skin(base, bare & body_est, upper_skin, fm, body)
        canvas = reveal.backdrop_fill(canvas, bare & ~body_est, person.mask)
        garment_alpha = np.zeros((H, W), np.float32)
        for rgb, a in layers:
            a = cv2.GaussianBlur(a, (0, 0), 0.8)  # soft cloth edges
            canvas = canvas * (1 - a[..., None]) + rgb * (light * vol)[..., None] * a[..., None]
            garment_alpha = np.maximum(garment_alpha, a)
        garment_alpha *= zone
        # A soft seam where the zone meets what stays (neck, face, background), inside the zone only.
        feather = np.clip(cv2.distanceTransform(zone.astype(np.uint8), cv2.DIST_L2, 3) / 2.0, 0, 1)[..., None]
        out = np.where(zone[..., None], base * (1 - feather) + canvas * feather, base)
        t["compose"] = time.perf_counter() - t0
        re, le = body.shoulder_edges
        lms = {"shoulder_edge_right": re, "shoulder_edge_left": le, "neck_base": np.array([body.neck_x, body.neck_y]),
               "garment_hem_left": dst[-5], "garment_hem_right": dst[-1],
               "l_shoulder": frame["ls"], "r_shoulder": frame["rs"], "l_hip": frame["lh"], "r_hip": frame["rh"]}
        notes = [] if frame["hips_seen"] else ["hips are outside the photo: the garment's length runs out of the frame"]
        warped = np.clip(sum(rgb * a[..., None] for rgb, a in layers), 0, 1) * zone[..., None]
        return TryOnResult(Image.fromarray(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)), self.name, "upper",
                           person, zone, torso, Image.fromarray((warped * 255).astype(np.uint8)), garment_alpha, lms,
                           t, notes, side_fit=fit, garment_image=garment_img, garment_mask=gmask, garment_scale=sx)
