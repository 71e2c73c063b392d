"""A query photo made to look like a catalog shot before it is searched with.

A stylist's phone photo shows a garment laid on a table or a bed (a beige, textured surface), cropped close, turned
by a few degrees. The catalog shows garments upright on a plain light backdrop. Before the photo is encoded, it goes
through the same garment segmentation as the catalog (core/segmentation.py) and is brought into the catalog's frame:
cut out, turned upright by its principal axis (the minimum-area rectangle round its outline), cropped to the garment
and laid on the catalog's backdrop with the catalog's margin. A photo that already is a clean, upright product shot
is left as it is, so a catalog image used as a query still finds itself.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.images import analysis_view
from core.segmentation import GarmentNotFound, backdrop_of, garment_mask

log = logging.getLogger(__name__)

BACKDROP = (246, 246, 246)  # the light neutral backdrop of product shots
MARGIN = 0.08  # the catalog's space round a garment, as a share of the garment's longer side
MIN_TURN = 4.0  # degrees: less than this is how product shots stand anyway


@dataclass
class PreparedPhoto:
    image: Image.Image
    changed: bool  # False: the photo was already a product shot and is used as it is
    angle: float  # degrees the garment was turned to stand upright
    note: str  # what was done, for the UI and the CLI


def _light_neutral(rgb: np.ndarray) -> tuple[bool, bool]:
    """(light and neutral, plain too): a product shot's backdrop is one light, nearly neutral colour; plain where
    it is also even (a studio's light falloff or a garment running off one edge makes it uneven, not another kind
    of picture)."""
    bd = backdrop_of(rgb)
    L, a, b = (float(v) for v in bd.colour)
    light = not bd.busy and L > 215 and np.hypot(a - 128, b - 128) < 8
    return light, light and bd.noise < 6


def _upright_angle(mask: np.ndarray) -> float:
    """Degrees (counter-clockwise) the garment leans, from the minimum-area rectangle round its largest part: the
    rectangle's side nearest the vertical is taken as the garment's axis (within +-45 degrees)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if n <= 1:
        return 0.0
    biggest = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    contours, _ = cv2.findContours(biggest.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    (_, _), (rw, rh), angle = cv2.minAreaRect(max(contours, key=cv2.contourArea))
    # The angle of one of the rectangle's sides (OpenCV's range differs between versions): fold it to the smallest
    # turn, within +-45 degrees, that stands the rectangle on a side.
    angle = float(angle)
    while angle > 45:
        angle -= 90
    while angle <= -45:
        angle += 90
    return angle


def _turn(img: np.ndarray, angle: float, border, interp=cv2.INTER_LINEAR) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=interp, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def prepare_query_photo(img: Image.Image, backdrop: tuple[int, int, int] = BACKDROP) -> PreparedPhoto:
    """The photo as a catalog shot (see the module's doc). Never raises for a photo it cannot read a garment in:
    that photo is searched with as it is, and the note says so."""
    img = analysis_view(img)  # a phone photo's 12 MP (or a 20:1 strip) are never segmented at full size
    rgb = np.asarray(img.convert("RGB"))
    h, w = rgb.shape[:2]
    try:
        mask = garment_mask(Image.fromarray(rgb), min_share=0.03)
    except GarmentNotFound:
        return PreparedPhoto(img, False, 0.0, "no garment told apart from its surface: searched as it is")
    # One garment per query photo: its main part and any part a fifth its size (not flecks of the surface).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    mask = np.isin(labels, 1 + np.nonzero(areas >= 0.2 * areas.max())[0])
    share = float(mask.mean())
    if share > 0.92:
        return PreparedPhoto(img, False, 0.0, "the garment fills the photo: searched as it is")
    angle = _upright_angle(mask)
    light, plain = _light_neutral(rgb)
    turn = angle if abs(angle) >= MIN_TURN else 0.0
    # A product shot (a plain light backdrop), or an upright garment on a light neutral one: the catalog's own kind
    # of picture, used as it is, so it is read as ingest reads a catalog shot. Cutting it out would only change it
    # (a light garment on a light backdrop, cut out, loses what the mask missed: a white tee became its print).
    if plain or (light and not turn):
        return PreparedPhoto(img, False, 0.0, "a product shot already: searched as it is")
    # Cut out (a one-pixel soft edge), turn upright, crop to the garment, lay on the backdrop with the margin.
    alpha = cv2.GaussianBlur(mask.astype(np.float32), (3, 3), 0)
    if turn:
        rgb = _turn(rgb, turn, tuple(int(c) for c in backdrop))
        alpha = _turn(alpha, turn, 0.0)
    ys, xs = np.nonzero(alpha > 0.5)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    side = max(y1 - y0, x1 - x0)
    pad = int(round(MARGIN * side))
    H, W = (y1 - y0) + 2 * pad, (x1 - x0) + 2 * pad
    canvas = np.empty((H, W, 3), np.float32)
    canvas[:] = backdrop
    a = alpha[y0:y1, x0:x1, None]
    canvas[pad:pad + y1 - y0, pad:pad + x1 - x0] = rgb[y0:y1, x0:x1] * a + canvas[pad:pad + y1 - y0,
                                                                                  pad:pad + x1 - x0] * (1 - a)
    out = Image.fromarray(np.clip(np.rint(canvas), 0, 255).astype(np.uint8))
    what = ["cut out from its surface" if not plain else "cropped to the garment"]
    if turn:
        what.append(f"turned {abs(turn):.0f} degrees upright")
    log.debug("query photo %dx%d: %s", w, h, ", ".join(what))
    return PreparedPhoto(out, True, turn, ", ".join(what) + ", laid on a plain backdrop")
