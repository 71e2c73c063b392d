"""Pixel helpers the try-on modules share (a leaf: numpy and OpenCV only): Lab colour and its coarse
quantisation, fine texture, the person's skin by colour, broad photo shading and the flat-lay's inner texture."""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from core.tryon.body import BodyFrame
    from core.tryon.pose import Person


def to_lab(rgb: np.ndarray) -> np.ndarray:
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


def local_mean(img: np.ndarray, where: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(the mean colour of `where` in a k x k window, the share of the window it fills)."""
    share = cv2.blur(where.astype(np.float32), (k, k))
    return cv2.blur(img * where[..., None], (k, k)) / np.maximum(share, 1e-6)[..., None], share


def ellipse_mask(shape, face) -> np.ndarray:
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


NBINS = 8 * 6 * 6


def quantise(lab: np.ndarray) -> np.ndarray:
    L = np.clip(lab[..., 0] / 12.5, 0, 7).astype(np.int32)
    a = np.clip((lab[..., 1] + 60) / 20, 0, 5).astype(np.int32)
    b = np.clip((lab[..., 2] + 60) / 20, 0, 5).astype(np.int32)
    return (L * 6 + a) * 6 + b


def lab_l(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(rgb * 255, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)


def low_frequency_shading(base: np.ndarray, zone: np.ndarray, width: float) -> np.ndarray:
    """The person's broad light and shadow over the zone, as a factor near 1: badges, buttons, lapels and prints are
    removed first (a median over a tenth of the shoulder width), then only what survives a wide blur is kept."""
    L = lab_l(base)
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
    """Rounded form: without the body's centre line, a narrow darkening along the silhouette's edge; with it
    (a top), the torso as a cylinder about that line (darker towards its sides) and no darkening along the zone's
    edge: a top's zone runs out along the new garment's own outline (a sleeve's, a loose side's), and a tenth darker
    there on top of the cylinder drew a grey rim round a white tee on a light backdrop (its outline soft and dull
    where the product shot's is crisp and white)."""
    if centre_x is None:
        dist = cv2.distanceTransform(np.pad(zone.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 3)[1:-1, 1:-1]
        return 0.9 + 0.1 * np.clip(dist / max(0.04 * width, 1.0), 0, 1)
    x = (np.arange(zone.shape[1], dtype=np.float32) - centre_x) / max(0.9 * width, 1.0)
    # The cylinder ends at the torso's sides (0.7 of the way out): the sleeves beyond are not the torso turning away
    # (at the full 12% a white sleeve was as grey as a light backdrop, its outline lost in it).
    return np.broadcast_to((1.0 - 0.12 * np.clip(x * x, 0, 0.5))[None, :], zone.shape).astype(np.float32)


def skin_colour(person: "Person", body: "BodyFrame") -> np.ndarray:
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


def inner_texture(garment_img: Image.Image, gmask: np.ndarray) -> np.ndarray:
    """The flat-lay with its dark product-shot outline replaced by the cloth just inside it (a worn garment has no
    drawn outline), and the light halo a soft product-shot edge blends in from the backdrop (a pale line under a
    dark tee's hem) taken back to the cloth's colour, as float RGB. The cloth comes from the nearest pixel well
    inside the garment, never from the backdrop around it."""
    orig = np.asarray(garment_img.convert("RGB"))
    m8 = gmask.astype(np.uint8)
    ring = (m8 - cv2.erode(m8, np.ones((5, 5), np.uint8))) > 0
    interior = cv2.erode(m8, np.ones((9, 9), np.uint8)) > 0
    if not ring.any() or not interior.any():
        return orig.astype(np.float32) / 255.0
    # The nearest interior pixel of every pixel (labels number the interior pixels in raster order).
    dist, labels = cv2.distanceTransformWithLabels((~interior).astype(np.uint8), cv2.DIST_L2, 5,
                                                   labelType=cv2.DIST_LABEL_PIXEL)
    iy, ix = np.nonzero(interior)
    near = orig[iy[labels - 1], ix[labels - 1]]
    rgb = orig.copy()
    ring &= dist <= 6  # a thin strap far from any interior keeps its own colour (a black strap on a white top)
    rgb[ring] = near[ring]
    edge = gmask & ~interior & ~ring
    if (~gmask).any() and edge.any():
        backdrop = np.median(orig[~gmask], axis=0).astype(np.float32)
        px = orig.astype(np.float32)
        # How much of the backdrop is blended into each edge pixel (0: the cloth inside, 1: the backdrop).
        span = backdrop - near.astype(np.float32)
        span2 = np.einsum("ijk,ijk->ij", span, span)
        t = np.einsum("ijk,ijk->ij", px - near, span) / np.maximum(span2, 1.0)
        halo = edge & (span2 > 30.0 ** 2) & (t > 0.25)
        rgb[halo] = near[halo]
    return rgb.astype(np.float32) / 255.0
