"""The offline editor's removal: the region filled with the garment's own fabric (a matching patch or its ground)."""
from __future__ import annotations

import cv2
import numpy as np

from core.design.fabric import garment_box, read_fabric, seam_lines, to_lab, to_rgb


def _best_patch(rgb: np.ndarray, region: np.ndarray, source: np.ndarray, pad: int = 3):
    """The offset (dy, dx) at which a copy of `source` pixels covers the region (plus a rim) and matches the rim best."""
    band = cv2.dilate(region.astype(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)).astype(bool)
    ring = band & ~region
    y0, y1, x0, x1 = garment_box(band)
    if not source.any():
        return None
    gy0, gy1, gx0, gx1 = garment_box(source)
    ry, rx = np.nonzero(ring)
    ring_px = rgb[ry, rx].astype(np.float32)
    shape = band[y0:y1, x0:x1]
    # Prefer quiet fabric: seams, hems and motifs inside the copy would show as a pasted rectangle.
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    energy = cv2.Sobel(grey, cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(grey, cv2.CV_32F, 0, 1) ** 2
    iy, ix = np.nonzero(region)
    step = max(2, max(gy1 - gy0, gx1 - gx0) // 50)
    best, best_cost = None, np.inf
    for sy in range(gy0 - y0, gy1 - y1 + 1, step):
        for sx in range(gx0 - x0, gx1 - x1 + 1, step):
            if (sy or sx) and source[y0 + sy:y1 + sy, x0 + sx:x1 + sx][shape].all():
                cost = float(((rgb[ry + sy, rx + sx].astype(np.float32) - ring_px) ** 2).mean())
                cost += 0.05 * float(energy[iy + sy, ix + sx].mean())
                if cost < best_cost:
                    best, best_cost = (sy, sx), cost
    return best


def _copy_patch(rgb: np.ndarray, out: np.ndarray, region: np.ndarray, offset) -> None:
    sy, sx = offset
    ys, xs = np.nonzero(region)
    patch = rgb[ys + sy, xs + sx].astype(np.float32)
    ring = cv2.dilate(region.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & ~region
    ry, rx = np.nonzero(ring)
    # Match the rim's shading (the copy may come from a lighter or darker part of the garment): the difference on the
    # rim, robustly clipped, spread smoothly over the hole.
    h, w = region.shape
    diff = np.zeros((h, w, 3), np.float32)
    diff[ry, rx] = np.clip(rgb[ry, rx].astype(np.float32) - rgb[ry + sy, rx + sx].astype(np.float32), -40, 40)
    wts = np.zeros((h, w), np.float32)
    wts[ry, rx] = (np.abs(diff[ry, rx]).max(1) < 40).astype(np.float32)
    sigma = max(3.0, np.sqrt(region.sum()) / 4)
    num = cv2.GaussianBlur(diff * wts[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(wts, (0, 0), sigma)[..., None]
    corr = np.where(den > 1e-4, num / np.maximum(den, 1e-4), 0.0)
    out[ys, xs] = np.clip(np.rint(patch + corr[ys, xs]), 0, 255).astype(np.uint8)


def remove(rgb: np.ndarray, region: np.ndarray, garment: np.ndarray, rng: np.random.Generator,
           depth: int = 0) -> np.ndarray:
    """Fill the region with the garment's own fabric: the unmasked patch whose rim matches best (plain ground when
    the garment has one, so a removed motif does not come back); a region too large for any patch is split."""
    out = rgb.copy()
    known = garment & ~cv2.dilate(region.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    if depth == 0 and known.sum() < region.sum():  # the thing to remove is most of the garment: fill from around it
        return cv2.inpaint(rgb, region.astype(np.uint8) * 255, 7, cv2.INPAINT_TELEA)
    lab = to_lab(rgb)
    fab = read_fabric(lab, region | known, rng)
    plain = known & (cv2.erode((fab.weight > 0.8).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if depth == 0 and (fab.weight[known] > 0.8).mean() >= 0.6:
        # A garment with a plain ground: fill with that ground as it runs round the hole, never a copied patch
        # that could bring a drawstring, a seam or a pocket's edge along.
        return fabric_fill(rgb, lab, region, plain, rng)
    if plain.sum() < 0.6 * known.sum():  # an all-over pattern (checks, stripes): it has no plain ground to prefer
        plain = known
    y0, y1, x0, x1 = garment_box(region)
    can_split = depth < 3 and max(y1 - y0, x1 - x0) > 12
    # Plain ground first, in smaller pieces if need be; any fabric only when no piece of plain ground fits.
    for source in ((plain,) if can_split else (plain, known)):
        offset = _best_patch(rgb, region, source)
        if offset is not None:
            _copy_patch(rgb, out, region, offset)
            return out
    if can_split:
        halves = np.zeros_like(region)
        if y1 - y0 >= x1 - x0:
            halves[: (y0 + y1) // 2] = True
        else:
            halves[:, : (x0 + x1) // 2] = True
        for part in (region & halves, region & ~halves):
            if part.any():
                out = remove(out, part, garment, rng, depth + 1)
        return out
    return cv2.inpaint(rgb, region.astype(np.uint8) * 255, 7, cv2.INPAINT_TELEA)


def fabric_fill(rgb: np.ndarray, lab: np.ndarray, region: np.ndarray, plain: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """The region filled with the garment's own plain ground: its colour and light as they run round the hole
    (spread in from the surrounding cloth, wider scales where the hole is wide), with the cloth's own grain. Only
    clear ground away from any seam or edge is read, so no structure is copied in."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(grey, (3, 3), 0), 30, 90) > 0
    edges |= seam_lines(lab) > 6
    source = plain & ~(cv2.dilate(edges.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0)
    if source.sum() < 50:
        source = plain
    ys, xs = np.nonzero(region)
    size = max(int(ys.max() - ys.min()), int(xs.max() - xs.min()), 4)
    fill = np.zeros_like(lab)
    done = np.zeros(region.shape, bool)
    w = source.astype(np.float32)
    sigma = max(2.0, size / 8)
    while not done[region].all() and sigma < 4 * max(region.shape):
        den = cv2.GaussianBlur(w, (0, 0), sigma)
        num = cv2.GaussianBlur(lab * w[..., None], (0, 0), sigma)
        ok = (den > 0.05) & ~done
        fill[ok] = num[ok] / den[ok][:, None]
        done |= ok
        sigma *= 2
    fill[~done] = np.median(lab[source], axis=0) if source.any() else lab[region].mean(axis=0)
    # The cloth's grain: the fine detail of the plain ground, as noise of the same strength.
    fine = lab[..., 0] - cv2.GaussianBlur(lab[..., 0], (0, 0), 1.5)
    grain = float(np.std(fine[source])) if source.any() else 0.0
    noise = cv2.GaussianBlur(rng.standard_normal(region.shape).astype(np.float32), (0, 0), 0.7)
    fill[..., 0] += grain * noise / (noise.std() + 1e-6)
    out = rgb.copy()
    out[region] = to_rgb(fill)[region]
    return out
