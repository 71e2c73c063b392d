"""The old clothes' soft rims against her skin, for a dress (classic backend).

A photo's edge between old cloth and skin is a pixel or two of both blended: a white halter strap's edge on her
neck is a pale line a shade lighter than her skin, close enough to her tone to read as skin. Left there, the
straps' ghost lines stay on her neck when the strap itself is repainted. Here such blended pixels go with the
cloth they border (a pixel whose colour lies part of the way from the skin beside it to the cloth beside it); and a
hand's or forearm's anti-aliased rim over a place the new dress covers is the dress's, not a strip of the old one."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import local_mean


def cloth_rims(lab: np.ndarray, clothes: np.ndarray, own: np.ndarray, steps: int = 2,
               part: float = 0.3) -> np.ndarray:
    """Pixels of `own` (skin-like) at the edge of `clothes` paler than her skin (a strap; not her hair) whose Lab
    colour lies at least `part` of the way from the skin next to them to the cloth next to them: the blended rim,
    returned as a mask (grown `steps` pixels)."""
    lab = lab.astype(np.float32)
    out = np.zeros(clothes.shape, bool)
    cloth = clothes.copy()
    skin = own & ~clothes
    core = cv2.erode(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # skin clear of the rim
    s_mean, s_share = local_mean(lab, core, 9)
    for _ in range(steps):
        ring = (cv2.dilate(cloth.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & skin & ~cloth
        if not ring.any():
            break
        c_mean, c_share = local_mean(lab, cloth & ~out, 5)
        d = c_mean - s_mean
        t = ((lab - s_mean) * d).sum(2) / np.maximum((d * d).sum(2), 1e-6)
        far = (np.linalg.norm(d, axis=2) > 12) & (d[..., 0] > 10)  # a colour clearly not her skin's, and paler
        shadow = (t < -0.08) & (d[..., 0] > 10)  # a pale cloth's shadow on her skin
        new = ring & far & ((t > part) | shadow)  # blended with it, or its shadow
        new &= (s_share > 0.05) & (c_share > 0.05)
        if not new.any():
            break
        out |= new
        cloth |= new
    return out


def old_rims(lab: np.ndarray, clothes: np.ndarray, own: np.ndarray, neck_y: float, w: float,
             face: np.ndarray, person: np.ndarray) -> np.ndarray:
    """The blended rims on her skin of old clothes paler than her skin (a white strap's pale edge and its shadow;
    a dark cloth's rim reads as a shadow and stays), also up her neck (a halter's straps rise above its base),
    never the face's."""
    rows = np.arange(clothes.shape[0])[:, None]
    back = lab[~person].astype(np.float32)  # the backdrop inside her loose outline is not cloth
    if len(back):
        clothes = clothes & (np.linalg.norm(lab - np.median(back, 0), axis=2) > 6)
    out = cloth_rims(lab, clothes, own) & (rows >= neck_y - 0.15 * w) & ~face
    return out & (cv2.erode(person.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0)  # not her outline's soft edge


def up_the_neck(lab: np.ndarray, clothes: np.ndarray, own: np.ndarray, neck_y: float, w: float,
                face: np.ndarray, person: np.ndarray) -> np.ndarray:
    """A pale old garment that rises above the neck's base (a white halter's straps, a light high collar): pixels
    of `clothes` up to a third of the shoulders' width above it, paler and greyer than her skin (never hair, which
    is darker or coloured), joined to the old clothes just below; never the face or the backdrop. Left out, a
    halter's straps stayed on her neck as pale ghosts above the new dress."""
    H = clothes.shape[0]
    y0, y1 = int(max(0, neck_y - 0.33 * w)), int(np.clip(neck_y, 0, H))
    skin = lab[own & person]
    if y1 <= y0 or len(skin) < 50:
        return np.zeros_like(clothes)
    skin_l = float(np.median(skin[:, 0]))
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    pale = (lab[..., 0] > skin_l + 8) & (chroma < 15)
    back = lab[~person].astype(np.float32)  # the backdrop inside her loose outline beside the neck is not cloth
    if len(back):
        pale &= np.linalg.norm(lab - np.median(back, 0), axis=2) > 6
    below = clothes.copy()
    below[:y1] = False
    below[int(min(H, neck_y + 0.3 * w)):] = False
    cand = np.zeros_like(clothes)
    cand[y0:y1] = (clothes & pale & ~face)[y0:y1]
    n, labels = cv2.connectedComponents((cand | below).astype(np.uint8), connectivity=8)
    keep = np.unique(labels[below])
    return cand & np.isin(labels, keep[keep > 0])
