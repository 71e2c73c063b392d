"""The Home page's map of the catalog: 2-D positions in which what a stylist sees as alike sits together.

A plain PCA of the encoder's vectors spreads each category over the whole map (the largest directions of a
general-purpose encoder are lighting, colour and backdrop, not kind). The layout here is supervised: the two
directions that best separate the catalog's categories (Fisher's linear discriminants over the encoder vectors),
then each piece drawn part of the way towards its category's centre until most of its nearest neighbours on the
map are of its kind, while the spread within a category still follows the encoder (similar colours and shapes of
one kind stay close). `neighbour_agreement` is the measure: the share of each item's k nearest neighbours on the
map that share its category.
"""
from __future__ import annotations

import numpy as np

TARGET_AGREEMENT = 0.8  # the pull towards the category centres stops once this share of neighbours agree
PULLS = (0.0, 0.2, 0.35, 0.5, 0.6, 0.7)


def neighbour_agreement(xy: np.ndarray, cats: list[str], k: int = 5) -> float:
    """Mean share of each point's k nearest neighbours (on the map, itself excluded) with its category."""
    n = len(xy)
    if n <= k:
        return 1.0
    labels = np.asarray(cats)
    xy = np.asarray(xy, np.float64)
    agree = 0.0
    for start in range(0, n, 1000):  # 1000 rows at a time: 3000 points are 9 million distances at once otherwise
        d = ((xy[start:start + 1000, None, :] - xy[None, :, :]) ** 2).sum(-1)
        d[np.arange(d.shape[0]), np.arange(start, start + d.shape[0])] = np.inf
        near = np.argpartition(d, k, axis=1)[:, :k]
        agree += float((labels[near] == labels[start:start + 1000, None]).sum())
    return agree / (n * k)


def _discriminants(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The two directions that best separate the classes (regularised Fisher LDA); PCA when fewer than 3 classes."""
    classes = np.unique(labels)
    x = x - x.mean(0)
    if len(classes) < 3:
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        return vt[:2].T
    # Work in the data's 64 strongest directions: the discriminants barely change, the cost stops growing with
    # the encoder's width (and stays a fraction of a second at 3,000 points).
    cov_vals, cov_vecs = np.linalg.eigh(x.T @ x)  # d x d: cheaper than the SVD of n x d at thousands of points
    order = np.argsort(-cov_vals)
    keep = order[(cov_vals[order] > 1e-8 * cov_vals[order[0]]) & (np.arange(len(order)) < 64)]
    basis = cov_vecs[:, keep]
    z = x @ basis
    means = np.stack([z[labels == c].mean(0) for c in classes])
    counts = np.array([(labels == c).sum() for c in classes], np.float64)
    within = sum(((z[labels == c] - m).T @ (z[labels == c] - m)) for c, m in zip(classes, means))
    within = within + 1e-3 * np.trace(within) / len(within) * np.eye(len(within))
    between = (means * counts[:, None]).T @ means
    # Symmetric form: whiten the within-class scatter, then the largest between-class directions (eigh, not eig).
    w_vals, w_vecs = np.linalg.eigh(within)
    white = w_vecs / np.sqrt(w_vals)
    vals, vecs = np.linalg.eigh(white.T @ between @ white)
    return basis @ (white @ vecs[:, np.argsort(-vals)[:2]])


def _standard(a: np.ndarray) -> np.ndarray:
    return (a - a.mean(0)) / (a.std(0) + 1e-12)


def layout(x: np.ndarray, cats: list[str], k: int = 5) -> np.ndarray:
    """2-D positions for the rows of x (encoder vectors) with their categories."""
    x = np.asarray(x, np.float64)
    labels = np.asarray([str(c or "untagged") for c in cats])
    try:
        xy = (x - x.mean(0)) @ _discriminants(x, labels)
    except np.linalg.LinAlgError:  # a tiny or degenerate catalog (a dozen near-equal vectors): plain PCA instead
        xy = (x - x.mean(0)) @ _discriminants(x, labels[:1].repeat(len(labels)))
    xy = np.nan_to_num(xy)
    if xy.shape[1] < 2:  # no spread left in some direction (identical vectors): a flat axis
        xy = np.hstack([xy, np.zeros((len(xy), 2 - xy.shape[1]))])
    # Spread for the eye: half the position is the rank along each axis, so that one far-off kind (bags) does not
    # squeeze every other kind into a corner; the order along each axis, hence the neighbours, barely changes.
    ranks = np.argsort(np.argsort(xy, axis=0, kind="stable"), axis=0).astype(np.float64)
    xy = 0.5 * _standard(xy) + 0.5 * _standard(ranks)
    centres = {c: xy[labels == c].mean(0) for c in np.unique(labels)}
    centre = np.stack([centres[c] for c in labels])
    best = xy
    for pull in PULLS:
        best = (1 - pull) * xy + pull * centre
        if neighbour_agreement(best, list(labels), k) >= TARGET_AGREEMENT:
            break
    return best
