"""A hanging hand's fingertips past the disc that finds the hand.

`arms.hands` looks for the hand in a disc a little past the wrist; a long hand hanging beside the hips reaches past
it, and the fingertips left outside were taken for the old top: a new top's hem corners were painted over them (a
flap of cloth where her fingers were). The skin that continues the hand on along the forearm's direction, joined
to it, is the hand too (not a skin-like backdrop nor her thigh beside it: only what lies ahead of the wrist, within
about a hand's length more)."""
from __future__ import annotations

import cv2
import numpy as np


def beyond(hand: np.ndarray, skin: np.ndarray, outline: np.ndarray, wrist: np.ndarray, d: np.ndarray,
           width: float) -> np.ndarray:
    """The skin pieces joined to the hand ahead of the wrist (along unit direction d), up to 0.7 shoulder widths
    past it and at most 0.2 to each side of the forearm's line, within her outline (the shaded tips' gaps closed)."""
    H, W = hand.shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    rx, ry = xx - float(wrist[0]), yy - float(wrist[1])
    ahead = rx * d[0] + ry * d[1]
    aside = np.abs(rx * d[1] - ry * d[0])
    reach = (ahead > 0) & (ahead < 0.7 * width) & (aside < 0.2 * width) & outline
    cand = (skin & reach) | hand
    k = max(3, int(0.03 * width) | 1)
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((k, k), np.uint8)) > 0
    cand &= reach | hand
    n, labels = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    ids = np.unique(labels[hand & cand])
    return np.isin(labels, ids[ids > 0]) & ~hand
