"""Try-on backends behind one interface: classic (TPS warp + compositing), gmm (learned warp), diffusion."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from core.images import foreground_mask
from core.tryon.pose import Person, TryOnInputError, analyse_person
from core.tryon.regions import garment_mask, region_for_garment, torso_outline
from core.tryon.warp import SideFit, body_landmarks, fit_sides, garment_landmarks, map_points, tps_warp

log = logging.getLogger(__name__)
BACKENDS = ("classic", "gmm", "diffusion", "catvton")


@dataclass
class TryOnResult:
    image: Image.Image
    backend: str
    kind: str
    person: Person
    region: np.ndarray  # what may change
    torso: np.ndarray
    warped: Image.Image  # the garment after warping, on black
    garment_alpha: np.ndarray
    landmarks: dict  # names -> [x, y] used
    timings: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    side_fit: SideFit | None = None  # the per-row widening to the torso outline after the warp (tops)

    def summary(self) -> dict:
        return {"backend": self.backend, "kind": self.kind, "size": list(self.image.size),
                "landmarks": {k: [round(float(v[0]), 1), round(float(v[1]), 1)] for k, v in self.landmarks.items()},
                "openpose18": self.person.openpose18().round(1).tolist(),
                "region_share": round(float(self.region.mean()), 4), "torso_coverage": round(torso_coverage(self), 4),
                "timings_s": {k: round(v, 3) for k, v in self.timings.items()}, "notes": self.notes}


def torso_coverage(r: TryOnResult) -> float:
    t = r.torso
    return float((r.garment_alpha[t] > 0.5).mean()) if t.any() else 0.0


def compose(person: Person, warped_rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Paste the warped garment inside the region only, carrying the person's shading, with a soft inner seam."""
    base = np.asarray(person.image, np.float32) / 255.0
    paint = (alpha > 0.5) & region
    # Shading: the person's lightness relative to its smooth local mean (folds, shadows), applied to the garment.
    L = cv2.cvtColor((base * 255).astype(np.uint8), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    smooth = cv2.GaussianBlur(L, (0, 0), 15)
    shade = np.clip(L / np.maximum(smooth, 1.0), 0.75, 1.25)[..., None]
    garment = np.clip(warped_rgb * (0.75 + 0.25 * shade), 0, 1)
    dist = cv2.distanceTransform(paint.astype(np.uint8), cv2.DIST_L2, 3)
    a = (np.clip(dist / 3.0, 0, 1) * paint)[..., None]
    out = base * (1 - a) + garment * a
    out = np.where(paint[..., None], out, base)  # outside the painted area: exactly the original
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def _enclosed_backdrop(garment_img: Image.Image, gmask: np.ndarray) -> np.ndarray:
    """Backdrop that the garment mask swallowed: the slit between a hanging sleeve and the body. It is backdrop by
    colour and joined to the backdrop outside the garment; a print in the backdrop's colour inside the garment's
    outline is not, so it is kept."""
    bg = (~foreground_mask(garment_img)).astype(np.uint8)
    n, labels = cv2.connectedComponents(bg, connectivity=4)
    outside = np.setdiff1d(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])), [0])
    found = np.isin(labels, outside) & gmask
    return cv2.dilate(found.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0 if found.any() else found


def close_flat_lay(garment_img: Image.Image, gmask: np.ndarray) -> tuple[Image.Image, np.ndarray]:
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
    inner &= ~_enclosed_backdrop(garment_img, gmask)
    # At half resolution (the fill is smooth anyway): 4x fewer pixels to march over.
    h, w = inner.shape
    small = cv2.resize(rgb, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    known = cv2.resize(inner.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    filled = cv2.resize(cv2.inpaint(small, (1 - known) * 255, 3, cv2.INPAINT_TELEA), (w, h), interpolation=cv2.INTER_LINEAR)
    filled = np.where(((hull > 0) & ~inner)[..., None], filled, rgb)
    return Image.fromarray(filled), hull > 0


class ClassicTryOn:
    name = "classic"

    def run(self, person_img: Image.Image, garment_img: Image.Image, kind: str = "upper",
            person: Person | None = None) -> TryOnResult:
        t = {}
        t0 = time.perf_counter()
        person = person or analyse_person(person_img)
        t["pose_and_segmentation"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        gmask = garment_mask(garment_img)
        region, torso, frame = region_for_garment(person, kind, gmask)
        t["masks"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        garment_img, gmask = close_flat_lay(garment_img, gmask)
        src = garment_landmarks(gmask, kind)
        dst = body_landmarks(frame, kind, person.image.size)
        warped, alpha = self.warp(garment_img, gmask, src, dst, person, kind)
        fit = None
        if kind == "upper":
            # The shoulder corners stay put; from just below the shoulder joints the sides reach the torso outline.
            fit = fit_sides(alpha, torso_outline(frame), (float(dst[0, 1]), float(dst[1, 1])), 0.15 * frame["width"])
            warped, alpha = fit.apply(warped, alpha)
        t["warp"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = compose(person, warped, alpha, region)
        t["compose"] = time.perf_counter() - t0
        names = ["garment_top_left", "garment_top_right", "garment_mid_left", "garment_mid_right", "garment_hem_left",
                 "garment_hem_right"]
        lms = {n: p for n, p in zip(names, dst)}
        lms.update({"l_shoulder": frame["ls"], "r_shoulder": frame["rs"], "l_hip": frame["lh"], "r_hip": frame["rh"]})
        notes = [] if frame["hips_seen"] else ["hips are outside the photo: the garment is fitted to the visible torso"]
        return TryOnResult(Image.fromarray(out), self.name, kind, person, region, torso,
                           Image.fromarray((warped * alpha[..., None] * 255).astype(np.uint8)), alpha, lms, t, notes,
                           side_fit=fit)

    def warp(self, garment_img, gmask, src, dst, person, kind):
        return tps_warp(garment_img, gmask, src, dst, person.image.size)


def warped_shoulder_corners(result: TryOnResult, garment_img: Image.Image, kind: str = "upper") -> np.ndarray:
    """Where the garment's own shoulder corners land on the person (for the 5% check)."""
    garment_img, gmask = close_flat_lay(garment_img, garment_mask(garment_img))
    src = garment_landmarks(gmask, kind)
    dst = np.array([result.landmarks[k] for k in ("garment_top_left", "garment_top_right", "garment_mid_left",
                                                   "garment_mid_right", "garment_hem_left", "garment_hem_right")],
                   np.float32)
    corners = map_points(src, dst, garment_img.size, result.image.size, src[:2])
    return result.side_fit.map_points(corners) if result.side_fit is not None else corners


def load_backend(name: str, gmm_checkpoint: str | Path | None = None, inpaint_model: str | None = None,
                 device: str = "auto", catvton_attention: str | None = None, catvton_base: str | None = None,
                 steps: int | None = None, size: tuple[int, int] | None = None):
    """A backend by name; steps (diffusion, catvton) and the working size WxH (catvton) default to the models'."""
    if name == "classic":
        return ClassicTryOn()
    if name == "gmm":
        from core.tryon.gmm import GmmTryOn

        return GmmTryOn(gmm_checkpoint, device=device)
    if name == "diffusion":
        from core.tryon.diffusion import DiffusionTryOn

        return DiffusionTryOn(inpaint_model, device=device, **({"steps": steps} if steps else {}))
    if name == "catvton":
        from core.tryon.catvton import CATVTON_ATTENTION, CATVTON_BASE, CatVtonTryOn

        opts = ({"steps": steps} if steps else {}) | ({"size": tuple(size)} if size else {})
        return CatVtonTryOn(catvton_attention or CATVTON_ATTENTION, catvton_base or CATVTON_BASE, device=device, **opts)
    raise TryOnInputError(f"Unknown try-on backend {name!r}; use one of {', '.join(BACKENDS)}.")


def sample_people() -> dict[str, Path]:
    """Public-domain person photos that ship inside installed packages."""
    out = {}
    try:
        import matplotlib.cbook as cb

        out["Grace Hopper (matplotlib)"] = Path(cb.get_sample_data("grace_hopper.jpg", asfileobj=False))
    except Exception:
        pass
    try:
        import skimage

        p = Path(skimage.__file__).parent / "data" / "astronaut.png"
        if p.exists():
            out["Astronaut (scikit-image)"] = p
    except Exception:
        pass
    return out


def sample_person(name: str) -> Path:
    """A bundled person photo by a word of its name ("grace", "astronaut")."""
    people = sample_people()
    hits = [p for label, p in people.items() if name.strip().lower() in label.lower()]
    if len(hits) != 1 or not name.strip():
        raise TryOnInputError(f"No single sample person matches {name!r}; the bundled ones are: {', '.join(people)}.")
    return hits[0]
