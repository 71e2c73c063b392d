"""A small tag head learnt from the catalog's own labelled items, to tag the ones without labels.

A real catalog often comes with partial metadata: some items have a category, colour and pattern, the rest
only a photo. `TagHead` is one multinomial logistic regression per field over the encoder's vectors (the
ones the index already holds, so training reads no image): trained on the items whose field is a label
(not a tag read from pixels), checked on held-out labelled items (tag accuracy and Recall@K: the true label
among the K most likely), saved and loaded like a model (`save_pretrained` / `from_pretrained`: a folder
with config.json and weights.npz), and applied to the items whose field was read from pixels, where its
probability becomes the tag's confidence when it is surer than the pixel reading.

    python -m core train-tagger [--out DIR] [--holdout 0.2] [--apply]
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import AtelierError

log = logging.getLogger(__name__)

FIELDS = ("category", "colour", "pattern")
MIN_PER_CLASS = 2  # a label seen once teaches nothing that generalises


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_logistic(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1e-2, steps: int = 300,
                 lr: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent with L2 (x: (n, d) float32, y: class ids)."""
    n, d = x.shape
    w = np.zeros((d, n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    # Balanced classes: a catalog with 300 t-shirts and 12 skirts still learns skirts.
    counts = np.bincount(y, minlength=n_classes).astype(np.float32)
    sample_w = (n / (n_classes * np.maximum(counts, 1)))[y][:, None]
    for _ in range(steps):
        p = _softmax(x @ w + b)
        g = (p - onehot) * sample_w / n
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(0)
    return w, b


@dataclass
class FieldHead:
    classes: list[str]
    w: np.ndarray
    b: np.ndarray

    def proba(self, x: np.ndarray) -> np.ndarray:
        return _softmax(np.asarray(x, np.float32) @ self.w + self.b)


@dataclass
class TagHead:
    encoder_slug: str
    dim: int
    heads: dict[str, FieldHead] = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def predict(self, x: np.ndarray, key: str) -> list[tuple[str, float]]:
        """(label, probability) per row for one field."""
        head = self.heads[key]
        p = head.proba(x)
        best = p.argmax(1)
        return [(head.classes[int(i)], float(p[n, i])) for n, i in enumerate(best)]

    def save_pretrained(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for key, head in self.heads.items():
            arrays[f"{key}.w"], arrays[f"{key}.b"] = head.w, head.b
        np.savez(folder / "weights.npz", **arrays)
        config = {"model_type": "atelier-tag-head", "encoder_slug": self.encoder_slug, "dim": self.dim,
                  "fields": {k: h.classes for k, h in self.heads.items()}, "metrics": self.metrics}
        (folder / "config.json").write_text(json.dumps(config, indent=2))
        return folder

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> "TagHead":
        folder = Path(folder)
        try:
            config = json.loads((folder / "config.json").read_text())
            weights = np.load(folder / "weights.npz")
        except (OSError, ValueError) as exc:
            raise AtelierError(f"No tag head in {folder} ({exc}); train one with `python -m core train-tagger`.") from exc
        if config.get("model_type") != "atelier-tag-head":
            raise AtelierError(f"{folder} holds no Atelier tag head (model_type {config.get('model_type')!r}).")
        heads = {k: FieldHead(list(classes), weights[f"{k}.w"], weights[f"{k}.b"])
                 for k, classes in config["fields"].items()}
        return cls(config["encoder_slug"], int(config["dim"]), heads, config.get("metrics", {}))


def labelled(meta: dict, key: str) -> str | None:
    """The item's label for `key` when the catalog gave it (a tag read from pixels is no label)."""
    value = str(meta.get(key) or "").strip().lower()
    if not value or f"{key}_confidence" in meta:
        return None
    return value


def _split(n: int, holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    k = int(round(n * holdout))
    return order[k:], order[:k]


def train_head(vectors: np.ndarray, metadatas: list[dict], encoder_slug: str, holdout: float = 0.2,
               seed: int = 0, ks: tuple[int, ...] = (1, 3)) -> TagHead:
    """One head per field with enough labelled items; metrics on the held-out share, then refit on all."""
    x = np.asarray(vectors, np.float32)
    head = TagHead(encoder_slug, int(x.shape[1]))
    for key in FIELDS:
        rows = [(n, v) for n, m in enumerate(metadatas) if (v := labelled(m, key))]
        counts: dict[str, int] = {}
        for _, v in rows:
            counts[v] = counts.get(v, 0) + 1
        classes = sorted(c for c, k in counts.items() if k >= MIN_PER_CLASS)
        if len(classes) < 2:
            continue
        index = {c: i for i, c in enumerate(classes)}
        rows = [(n, index[v]) for n, v in rows if v in index]
        xs, ys = x[[n for n, _ in rows]], np.array([c for _, c in rows])
        train, test = _split(len(rows), holdout, seed)
        metrics = {"labelled": len(rows), "classes": len(classes)}
        if len(test) and len(set(ys[train])) == len(classes):
            w, b = fit_logistic(xs[train], ys[train], len(classes))
            p = _softmax(xs[test] @ w + b)
            ranks = (p > p[np.arange(len(test)), ys[test]][:, None]).sum(1)  # 0 = the true label first
            metrics.update({"held_out": int(len(test)), "accuracy": float(np.mean(ranks == 0))})
            metrics.update({f"recall@{k}": float(np.mean(ranks < k)) for k in ks})
        w, b = fit_logistic(xs, ys, len(classes))
        head.heads[key] = FieldHead(classes, w, b)
        head.metrics[key] = metrics
    if not head.heads:
        raise AtelierError("No field has labelled items of at least two kinds to learn from: give some items a "
                           "category, colour or pattern in the catalog's metadata, then train again.")
    return head


def leave_one_out(vectors: np.ndarray, labels: list[str | None]) -> float:
    """Accuracy of the head predicting each labelled item from all the others (small catalogs, benches)."""
    x = np.asarray(vectors, np.float32)
    rows = [n for n, v in enumerate(labels) if v]
    classes = sorted({labels[n] for n in rows})
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[labels[n]] for n in rows])
    hits = 0
    for k in range(len(rows)):
        keep = np.arange(len(rows)) != k
        w, b = fit_logistic(x[rows][keep], y[keep], len(classes))
        hits += int(np.argmax(x[rows[k]] @ w + b) == y[k])
    return hits / max(1, len(rows))


def apply_head(head: TagHead, vectors: np.ndarray, metadatas: list[dict]) -> list[tuple[int, dict]]:
    """(row, new metadata) for the items whose tags were read from pixels and that the head reads with more
    confidence: the head's label and probability replace the pixel tag and its confidence."""
    x = np.asarray(vectors, np.float32)
    out: dict[int, dict] = {}
    for key, fh in head.heads.items():
        rows = [n for n, m in enumerate(metadatas) if f"{key}_confidence" in m or not m.get(key)]
        if not rows:
            continue
        for n, (label, p) in zip(rows, head.predict(x[rows], key)):
            meta = out.get(n, dict(metadatas[n]))
            if p > float(meta.get(f"{key}_confidence", 0.0) or 0.0):
                meta[key] = label
                meta[f"{key}_confidence"] = round(p, 3)
                meta["tagged_by"] = "tag head"
                out[n] = meta
    return sorted(out.items())
