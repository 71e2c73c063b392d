"""The classic backend: no learned weights. Tops are worn (clothing zone from the neck base down, body and sleeves
placed separately, skin where the new garment leaves the old one bare, low-frequency shading only); lower garments
and dresses are warped with a thin-plate spline onto the legs and torso."""
from __future__ import annotations

import logging
import time

import cv2
import numpy as np
from PIL import Image

from core.tryon import dress, fringe, hip_strip, lower_fit, lower_legs, lower_slivers, reveal, waist
from core.tryon.dress_outline import clean_outline
from core.tryon.base import Progress, TryOnBackend, TryOnResult
from core.tryon.body import BodyFrame
from core.tryon.flatlay import close_flat_lay, solid_garment  # noqa: F401  (imported from here by callers)
from core.tryon.pixels import (inner_texture, low_frequency_shading, skin_colour,  # noqa: F401  (idem)
                               volume_shading)
from core.tryon.pose import Person, analyse_person
from core.tryon.regions import garment_mask, region_for_garment
from core.tryon.top import wear_top
from core.tryon.warp import body_landmarks, garment_landmarks, tps_remap

log = logging.getLogger(__name__)


def _clear_old(person: Person, frame: BodyFrame, out: np.ndarray, alpha: np.ndarray, region: np.ndarray,
               at: float | None, own: bool, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, alpha, region) with what of the old garment shows beside and below new trousers gone."""
    out, region = waist.hide_old(person, frame, out, alpha, region, at, own)
    out, closed = hip_strip.close_to_arms(person, frame, out, (alpha * region) > 0.5, at,
                                          lower_fit.old_colours(person, frame), own)
    out, above = hip_strip.close_above(person, frame, out, (alpha * region) > 0.5, at,
                                       lower_fit.old_colours(person, frame))
    closed |= above
    alpha, region = np.where(closed, 1.0, alpha), region | closed  # (the trousers go on under her arm)
    out = lower_fit.waist_shadow(out, (alpha > 0.5) & region, person, at, frame.width)
    out, alpha = lower_fit.worn(person, out, alpha, region)  # not the waistband above her waist, the backdrop
    out, alpha = lower_slivers.close_slivers(person, frame, out, alpha, at, keep)  # no old garment's thread
    return out, alpha, region | (alpha > 0.5)


def compose(person: Person, warped_rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray,
            hard: np.ndarray | None = None) -> np.ndarray:
    """Paste a warped garment inside the region only, with low-frequency shading and a soft inner seam (lower
    garments and dresses); none against `hard` either (her hands and arms: the seam let the old garment's edge
    against them show through, a dotted line down her side)."""
    base = np.asarray(person.image, np.float32) / 255.0
    paint = (alpha > 0.5) & region
    width = float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    shade = (low_frequency_shading(base, paint, width) * volume_shading(paint, width))[..., None]
    garment = np.clip(warped_rgb * shade, 0, 1)
    # The seam is soft only where the garment meets what stays of the person: along the person's outline it is
    # opaque (no thin line of the old print left at the outer edge of a leg).
    edge = paint | ~person.mask if hard is None else paint | ~person.mask | hard
    dist = cv2.distanceTransform(edge.astype(np.uint8), cv2.DIST_L2, 3)
    a = (np.clip(dist / 2.5, 0, 1) * paint)[..., None]
    out = base * (1 - a) + garment * a
    out = np.where(paint[..., None], out, base)  # outside the painted area: exactly the original
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def _fit_trousers(person: Person, frame: BodyFrame, gmask: np.ndarray, src: np.ndarray, dst: np.ndarray,
                  at: float | None, own: bool, natural: bool) -> tuple[np.ndarray, np.ndarray]:
    """Trousers' landmarks moved to this photo: waist, outline and hem (waist.fit_lower), the waistband on her
    natural waist's outline, their own cut (lower_fit.keep_cut), the hem over the old trousers' hem, and a pair
    at her hips."""
    dst = waist.fit_lower(person, frame, dst, at)
    dst = lower_fit.keep_cut(src, lower_fit.at_waist(person, frame, dst, at) if natural else dst)
    if not own and frame.long:
        hem = lower_fit.old_hem(person, frame, dst)
        if hem is not None:
            dst[4:6, 1] = np.maximum(dst[4:6, 1], min(hem + 0.03 * frame.width,
                                                      float(max(frame.la[1], frame.ra[1])) + 0.3 * frame.width))
    return lower_fit.hip_points(person, frame, gmask, src, dst, over_trousers=not own)


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
            return fringe.cleared(self._wear_top(person, garment_img, gmask, torso, frame, t))
        if kind == "dress" or dress.is_skirt(gmask):  # dresses and skirts keep their silhouette (core/tryon/dress.py)
            return fringe.cleared(dress.wear(person, garment_img, gmask, kind, frame, torso, t, self.name))
        t0 = time.perf_counter()
        shape = solid_garment(gmask)  # trousers keep the gap between their legs (the hull below fills it)
        garment_img, gmask = close_flat_lay(garment_img, gmask)
        src = garment_landmarks(gmask, kind)
        dst = body_landmarks(frame, kind, person.image.size)
        # Over trousers the new legs take the old legs' places (the hull covers the old garment between them);
        # over a dress or a skirt the trousers keep their own two legs and what is left of it beside them goes.
        own = kind == "lower" and not waist.legs_apart(person, frame)
        if kind == "lower":  # trousers sit at her waist and cover the old garment out to its outline and hem
            at = waist.find_waist(person, frame)
            natural = at is None and own  # a dress: the trousers go up to her natural waist, its bodice the top
            at = lower_fit.natural_waist(person, frame) if natural else at
            src, dst = _fit_trousers(person, frame, shape, src, dst, at, own, natural and at is not None)
        warped, alpha = self.warp(garment_img, shape if own else gmask, src, dst, person, kind)
        if kind == "lower":  # a smooth outline in their own cloth, not the product shot's pale backdrop rim (the
            warped, alpha = clean_outline(warped, alpha, frame.width)  # inner legs' too, before they meet below)
        if own:  # over a dress: the legs' gap no wider than hers (no strip of her leg down the inside)
            warped, alpha = lower_legs.close_gap(person, frame, warped, alpha)
        if kind == "lower":  # the trousers' own silhouette (a flare past the old legs' outline) is theirs too
            cut = alpha if own else None
            if not own and lower_fit.flares(shape):
                cut = lower_fit.flare_rows(person, np.clip(tps_remap(shape.astype(np.float32), src, dst,
                                                                     person.image.size), 0, 1), frame.width,
                                           float(min(frame.lk[1], frame.rk[1])))
            region = waist.extend_region(person, frame, region, at, cut)
        t["warp"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        keep = lower_slivers.protected(person, frame) if kind == "lower" else None  # her hands and limbs, as shot
        hard = None if keep is None else lower_slivers.hard_seam(person, frame, at, keep)
        out = compose(person, warped, alpha, region, hard)
        if kind == "lower":  # what of the old garment shows beside and below the new trousers goes
            out, alpha, region = _clear_old(person, frame, out, alpha, region, at, own, keep)
        t["compose"] = time.perf_counter() - t0
        names = ["garment_top_left", "garment_top_right", "garment_mid_left", "garment_mid_right", "garment_hem_left",
                 "garment_hem_right"]
        lms = {n: p for n, p in zip(names, dst)}
        lms.update({"l_shoulder": frame.ls, "r_shoulder": frame.rs, "l_hip": frame.lh, "r_hip": frame.rh})
        return fringe.cleared(TryOnResult(Image.fromarray(out), self.name, kind, person, region, torso,
                                          Image.fromarray((warped * alpha[..., None] * 255).astype(np.uint8)), alpha,
                                          lms, t, [], garment_image=garment_img, garment_mask=gmask))

    def warp(self, garment_img, gmask, src, dst, person, kind):
        stack = np.concatenate([np.asarray(garment_img.convert("RGB"), np.float32) / 255.0,
                                gmask[..., None].astype(np.float32)], 2)
        out = tps_remap(stack, src, dst, person.image.size)
        return out[..., :3], np.clip(out[..., 3], 0, 1)

    def _wear_top(self, person: Person, garment_img: Image.Image, gmask: np.ndarray, torso: np.ndarray, frame: BodyFrame,
                  t: dict) -> TryOnResult:
        return wear_top(person, garment_img, gmask, torso, frame, t, self.name, None if self.drape_parts else self.warp)
