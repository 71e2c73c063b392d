"""Stylist measures over sample clients with mixed likes (the bundled sample catalog, offline encoder).

For-you: the distance (total variation, 0 = same mix, 1 = nothing shared) between the categories of the top 12
and the categories the client liked, for today's feed and for the old one (nearest to the mean of the likes),
and how many distinct colours the top 12 hold. Looks: every look the outfit builder suggests around each liked
piece, for each occasion, with its note checked against its pieces (`note_problems`); office looks checked for
hoodies, sneakers, shorts and t-shirts.

    python -m bench.bench_stylist [--data /tmp/bench-stylist]
"""
from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from core.config import SAMPLE_CATALOG_DIR, load_settings  # noqa: E402

# Sample clients with mixed likes: (name, {category: how many liked}). The first is the client: 4 dresses
# of 6 likes.
MIXED_CLIENTS = [
    ("Dresses and blouses", {"dress": 4, "blouse": 2}),
    ("Denim weekend", {"jeans": 3, "t-shirt": 2, "sneakers": 1}),
    ("Layers", {"coat": 2, "sweater": 2, "trousers": 2}),
    ("Skirts and shirts", {"skirt": 3, "shirt": 3}),
    ("A bit of everything", {"dress": 2, "bag": 2, "jacket": 1, "hoodie": 1}),
]
PREFIX = {"t-shirt": "tshirt"}


def liked_ids(likes: dict[str, int]) -> list[str]:
    """Every seventh piece of each category: varied colours and patterns, the same ones every run."""
    return [f"{PREFIX.get(c, c)}-{7 * j + 1:03d}" for c, n in likes.items() for j in range(n)]


def mean_taste_feed(index, taste, k):
    """The feed before this round: the k nearest to the mean of the likes."""
    from core.search import Filters

    ranked = index.dense_search(taste.vector, k, Filters(), set(taste.liked) | set(taste.disliked)).ranked
    return index.hits(ranked)


def run(data: Path) -> dict:
    from core.profiles import ProfileStore
    from core.studio import ensure_catalog_index, open_studio
    from core.stylist import OCCASIONS, build_outfits, category_mix_distance, for_you, note_problems, taste_of

    data.mkdir(parents=True, exist_ok=True)
    settings = load_settings(db_dir=data / "index", encoder="lite", catalog_dir=SAMPLE_CATALOG_DIR)
    studio = open_studio(settings)
    ensure_catalog_index(studio)
    index = studio.index
    store = ProfileStore(f"sqlite:///{data / 'profiles.sqlite3'}")
    out = {"clients": [], "looks": 0, "note_problems": [], "office_casual": []}
    for name, likes in MIXED_CLIENTS:
        p = store.get(name) if name in [x.name for x in store.list()] else store.create(name)
        ids = liked_ids(likes)
        for i in ids:
            store.mark(p.id, i, "like")
        liked_cats = [m.get("category") for m in index.metadatas(ids)]
        taste = taste_of(store, p, index)
        new = [h for h, _ in for_you(store, p, index, k=12)]
        old = mean_taste_feed(index, taste, 12)
        row = {"client": name, "likes": dict(Counter(liked_cats)),
               "before": category_mix_distance([h.metadata.get("category") for h in old], liked_cats),
               "after": category_mix_distance([h.metadata.get("category") for h in new], liked_cats),
               "top12": dict(Counter(h.metadata.get("category") for h in new)),
               "colours": len({h.metadata.get("colour") for h in new})}
        out["clients"].append(row)
        for anchor in ids:
            for occasion in [None, *OCCASIONS]:
                try:
                    looks = build_outfits(index, [anchor], k=3, occasion=occasion)
                except Exception as exc:  # a rule that cannot be kept is said, not a look
                    looks = []
                    row.setdefault("no_look", []).append(f"{anchor}/{occasion}: {exc}")
                for o in looks:
                    out["looks"] += 1
                    bad = note_problems(o)
                    if bad:
                        out["note_problems"].append((o.note, bad))
                    if occasion == "office":
                        out["office_casual"] += [h.id for h in o.items[1:]
                                                 if h.metadata.get("category") in OCCASIONS["office"].exclude]
    out["mean_before"] = float(np.mean([r["before"] for r in out["clients"]]))
    out["mean_after"] = float(np.mean([r["after"] for r in out["clients"]]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/bench-stylist")
    args = ap.parse_args()
    res = run(Path(args.data))
    for r in res["clients"]:
        print(f"{r['client']:<22} likes {r['likes']}  mix distance {r['before']:.2f} -> {r['after']:.2f}  "
              f"top 12 {r['top12']}  colours {r['colours']}")
    print(f"mean mix distance (top 12 vs likes): {res['mean_before']:.3f} -> {res['mean_after']:.3f}")
    print(f"looks checked: {res['looks']}, notes contradicting their pieces: {len(res['note_problems'])}, "
          f"casual pieces in office looks: {len(res['office_casual'])}")
    for note, bad in res["note_problems"][:10]:
        print("  ", note, bad)


if __name__ == "__main__":
    main()
