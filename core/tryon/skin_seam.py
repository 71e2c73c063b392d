"""Where drawn skin meets her real skin inside the replaced zone (a tank top's strap drawn between her bare shoulder
and the new halter band), the seam sat on the old garment's own edge: her real skin there carries the old top's
contact shadow (a dark line along its armhole) and the drawn patch began at full strength beside it, a hard-edged
pale patch. Here the drawn skin is painted a few pixels past that seam into her real skin (inside the zone only:
nothing outside it changes) and faded out over them, so the drawn patch melts into her own skin and the old edge's
shadow goes with it."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon import reveal, skin_join
from core.tryon.arm_outline import own_arm, side_shade

SEAM_REACH = 0.03  # how far past the seam the drawn skin fades out into her real skin, in shoulder widths
JOIN_ROWS = 0.35  # its broad colour is carried from her skin along the seams down to this far below the shoulders


def seam_band(area: np.ndarray, real: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """(band, alpha): her real skin within SEAM_REACH of the drawn area, and the drawn skin's weight there (1 at the
    seam, 0 at the band's far side, eased)."""
    reach = max(2.0, SEAM_REACH * width)
    dist = cv2.distanceTransform((~area).astype(np.uint8), cv2.DIST_L2, 3)
    band = real & ~area & (dist <= reach)
    t = np.clip(dist / reach, 0.0, 1.0)
    alpha = (1.0 - t * t * (3.0 - 2.0 * t)).astype(np.float32)
    return band, np.where(band, alpha, 0.0).astype(np.float32)


def paint_skin_blended(base: np.ndarray, area: np.ndarray, skin: np.ndarray, face: np.ndarray, body, real: np.ndarray,
                       **kw) -> np.ndarray:
    """reveal.paint_skin over the area and, faded, over her real skin (`real`: inside the zone) beside it."""
    if not area.any():
        return base.copy()
    band, alpha = seam_band(area, real & ~face, body.width)
    shade = None
    if kw.get("limbs") is not None:  # her arm's outline where she shows it, not the capsule's (no ghost armhole)
        caps = kw["limbs"]
        kw["limbs"] = own_arm(caps, area | band, skin, float(body.neck_x), body.width)
        shade = side_shade(kw["limbs"], caps & ~kw["limbs"], area | band, body.width)
    drawn = reveal.paint_skin(base, area | band, skin, face, body, **kw)
    if shade is not None:  # the chest's side turning away into her arm, from her arm's own outline
        drawn = drawn * shade[..., None]
    # its broad colour carried from her real skin just past the band, all along the seam (skin_join)
    painted = skin_join.join(base, drawn, area | band,
                             skin & ~face, body.width, int(max(body.ls[1], body.rs[1]) + JOIN_ROWS * body.width))
    if not band.any():
        return painted
    a = alpha[..., None]
    out = np.where(area[..., None], painted, base)
    return np.where(band[..., None], painted * a + base * (1.0 - a), out)
