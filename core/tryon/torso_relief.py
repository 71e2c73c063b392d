"""The soft relief of a bare midriff and chest, for skin drawn where a long top was (a bandeau or a crop top on a
person photographed in a sweatshirt or a tee).

A real bare torso is never one smooth cylinder: at a few hundredths of the shoulders its light changes almost
everywhere (the breastbone's and the belly's soft middle line, the two long belly muscles either side of it, the
ribcage's lower edge arching out to the sides, the navel, the waist turning away). A drawn torso with only the
cylinder's side shading reads as a tan slab in its middle. Here that relief is placed from the pose (the torso's
middle line and half-width per row, shoulder line to hip line), as a factor of a few hundredths either way to
multiply her skin's tone by: hints of form, never drawn features."""
from __future__ import annotations

import numpy as np

GAIN = 1.6  # the relief's strength: a real bare torso's light changes about this much at a few hundredths of the shoulders


def _g(d: np.ndarray, s: float) -> np.ndarray:
    return np.exp(-0.5 * (d / max(s, 1.0)) ** 2)


def _window(f: np.ndarray, lo: float, hi: float, soft: float = 0.08) -> np.ndarray:
    """1 between lo and hi (shares of the torso's length), easing to 0 over `soft` either side."""
    return np.clip((f - lo) / soft + 1.0, 0, 1) * np.clip((hi - f) / soft + 1.0, 0, 1)


def torso_relief(body, shape, rows: tuple[np.ndarray, np.ndarray, int, int]) -> np.ndarray:
    """A factor near 1 (H, W) over the torso (1 elsewhere): the middle line's soft valley (breastbone down to the
    belly), the belly muscles' two soft ridges beside it, the ribcage's lower edge (lit above, a soft shadow
    below, arching out and down to the sides), the navel's small shadow and the lower belly turning to the hips.
    `rows`: the torso's middle x and half-width per row and the rows it spans (core.tryon.shade's)."""
    H, W = shape
    out = np.ones((H, W), np.float32)
    if body is None or body.lh is None or body.rh is None:
        return out
    cx, hw, y0, y1 = rows
    if y1 <= y0:
        return out
    w = body.width
    top_y = float((body.ls[1] + body.rs[1]) / 2)
    span = max(float(body.torso_len), 1.0)
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    dx = np.arange(W, dtype=np.float32)[None, :] - cx[y0:y1, None]  # pixels from the middle line
    half = np.maximum(hw[y0:y1, None], 1.0)
    u = np.clip(np.abs(dx) / half, 0, 1.5)
    f = (ys - top_y) / span  # 0 at the shoulder line, 1 at the hip line
    inside = np.clip((1.05 - u) / 0.15, 0, 1)  # fades out at the torso's sides (the cylinder's there)
    rel = -0.04 * _g(dx, 0.035 * w) * _window(f, 0.12, 1.0)  # breastbone and belly's middle line
    rel += 0.04 * _g(np.abs(dx) - 0.12 * w, 0.05 * w) * _window(f, 0.5, 0.98)  # the belly muscles either side
    # the chest's lower edge, from beside the breastbone out and up towards the armpit: its plane lit above it
    pec = ys - top_y - (0.4 - 0.08 * u) * span
    rel += (0.025 * _g(pec + 0.05 * w, 0.05 * w) - 0.03 * _g(pec - 0.015 * w, 0.025 * w)) * _g(u - 0.45, 0.25)
    # the chest's two soft domes either side of the breastbone, their upper slopes turning up to the light
    dome = np.hypot(np.abs(dx) - 0.22 * w, ys - top_y - 0.24 * span)
    rel += 0.075 * _g(dome, 0.15 * w) * _window(f, -0.1, 0.5)
    # the soft hollow under each collarbone's outer half, where the chest meets the shoulder's front
    rel -= 0.03 * _g(ys - top_y - 0.01 * w, 0.035 * w) * _g(np.abs(dx) - 0.3 * w, 0.1 * w)
    arch = (0.52 + 0.2 * u ** 1.4) * span  # the ribcage's lower edge, from the breastbone out and down
    d = ys - top_y - arch
    rel += (0.025 * _g(d + 0.03 * w, 0.035 * w) - 0.045 * _g(d - 0.035 * w, 0.04 * w)) * np.clip((0.95 - u) / 0.2, 0, 1)
    navel = np.hypot(dx / (0.022 * w), (ys - top_y - 0.86 * span) / (0.03 * w))
    rel += -0.07 * np.exp(-0.5 * navel ** 2) + 0.02 * np.exp(-0.5 * ((navel - 1.6) / 0.6) ** 2) * (ys < top_y + 0.86 * span)
    rel += -0.05 * np.clip((f - 0.9) / 0.3, 0, 1) * (0.4 + 0.6 * u)  # the lower belly and the hips turning away
    out[y0:y1] = (1.0 + GAIN * rel * inside).astype(np.float32)
    return out
