"""bench_tryon.py --real DIR --judge: a fixed set of 13 real pairs to judge by eye, chosen by rule, not by hand.

From labels.json and the people's poses, with a fixed seed: 6 tops and t-shirts (one striped, else long-sleeved;
one white; the rest drawn) on people alternating half-body and full-body, one of them with a bent arm; 1 "own top"
(a person's own top cut out of her photo and tried back on: torso SSIM); 3 trousers and 3 dresses on full-body
people (distinct people). One contact sheet (garment | person | result, with the quality score) to open and judge
"would show a client / internally / not", and per-pair measures printed (flat fill, old garment left, holes,
face/hands changed, seconds after pose analysis). The same rule draws a different set from another folder laid
out the same way (held-out photos)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bench.bench_tryon_real import contact_sheet, own_top_product_shot, torso_ssim
from core.tryon.pose import TryOnInputError, analyse_person
from core.tryon.regions import body_frame, polygon_mask, torso_outline

SEED = 22
THUMB_H = 360
MEASURES = ("flat_fill", "skin_shading", "old_garment", "old_edges", "holes", "face_changed", "hands_changed", "spikes", "ragged")


def elbow_angle(person, side: str) -> float | None:
    """The inner angle at the elbow in degrees (180: a straight arm), None where the arm is not seen."""
    if not all(person.visible(f"{side}_{j}") for j in ("shoulder", "elbow", "wrist")):
        return None
    s, e, w = (person.point(f"{side}_{j}") for j in ("shoulder", "elbow", "wrist"))
    a, b = s - e, w - e
    cos = float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-6))
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def bent_arm(person) -> bool:
    angles = [a for a in (elbow_angle(person, s) for s in ("l", "r")) if a is not None]
    return bool(angles) and min(angles) < 150


def _ids(labels: dict, *cats: str) -> list[str]:
    return sorted(f"g{i:02d}" for c in cats for i in labels["category"].get(c, []))


def _labelled(labels: dict, key: str, value: str) -> set[str]:
    return {f"g{i:02d}" for i in labels.get(key, {}).get(value, [])}


def choose(labels: dict, people: dict, seed: int = SEED) -> list[tuple[str, str, str]]:
    """(garment id or "own", person id, kind) for the 13 pairs; people: id -> analysed Person (those that passed)."""
    rng = np.random.default_rng(seed)
    full = [p for p in sorted(people) if p in set(labels["people"]["full_body"])]
    half = [p for p in sorted(people) if p in set(labels["people"]["half_body"])]
    bent = [p for p in sorted(people) if bent_arm(people[p])]
    tops = _ids(labels, "top", "tshirt")
    striped = [g for g in tops if g in _labelled(labels, "pattern", "striped")]
    white = [g for g in tops if g in _labelled(labels, "colour", "white")]
    picked = [str(rng.choice(striped))] if striped else []
    rest_white = [g for g in white if g not in picked]
    picked += [str(rng.choice(rest_white))] if rest_white else []
    others = [g for g in tops if g not in picked]
    picked += [str(g) for g in rng.choice(others, 6 - len(picked), replace=False)]
    pairs, used = [], set()

    def draw(pool: list[str]) -> str:
        fresh = [p for p in pool if p not in used] or pool
        p = str(rng.choice(fresh))
        used.add(p)
        return p

    for k, g in enumerate(picked):
        pool = bent if k == 0 and bent else (half if k % 2 else full) or sorted(people)
        pairs.append((g, draw(pool), "upper"))
    own = [p for p in sorted(people) if p not in used and own_top_product_shot(people[p]) is not None]
    if own:
        pairs.append(("own", str(rng.choice(own)), "upper"))
    for cat, kind in (("trousers", "lower"), ("dress", "dress")):
        gs = _ids(labels, cat)
        for g in rng.choice(gs, min(3, len(gs)), replace=False):
            pairs.append((str(g), draw(full), kind))
    return pairs


def _one(backend, root: Path, g: str, person, kind: str) -> tuple[dict, Image.Image, Image.Image] | None:
    if g == "own":
        gimg = own_top_product_shot(person)[0]
    else:
        gimg = Image.open(root / "garments" / f"{g}.jpg").convert("RGB")
    t0 = time.perf_counter()
    try:
        r = backend.run(person.image, gimg, kind, person=person)
    except TryOnInputError as exc:
        return {"refused": str(exc)}, gimg, person.image
    row = {"seconds": round(time.perf_counter() - t0, 2), "quality_s": round(r.quality.seconds, 3),
           "score": r.quality.score, "verdict": r.quality.verdict}
    row.update({c.name: round(float(c.value), 4) for c in r.quality.checks})
    row["failed"] = [c.name for c in r.quality.checks if not c.passed]
    if g == "own":
        torso = polygon_mask(person.mask.shape, torso_outline(body_frame(person, "upper"))) & person.mask
        torso = cv2.erode(torso.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        row["torso_ssim"] = round(torso_ssim(np.asarray(person.image), np.asarray(r.image), torso), 3)
    return row, gimg, r.image


def run_judge(backend, root: Path, out: Path, seed: int = SEED) -> list[dict]:
    labels = json.loads((root / "labels.json").read_text())
    people = {}
    for f in sorted((root / "people").glob("p*.jpg")):
        try:
            people[f.stem] = analyse_person(Image.open(f).convert("RGB"))
        except TryOnInputError:
            continue
    rows, cells = [], []
    for g, p, kind in choose(labels, people, seed):
        row, gimg, result = _one(backend, root, g, people[p], kind)
        row.update({"garment": g, "person": p, "kind": kind, "bent_arm": bent_arm(people[p])})
        rows.append(row)
        label = f"{len(rows)}. {g} on {p} ({kind}): " + (
            "refused" if "refused" in row else f"{row['score']} {row['verdict']}")
        cells.append((label, [gimg, people[p].image, result]))
    out.mkdir(parents=True, exist_ok=True)
    contact_sheet(cells, per_row=3, h=THUMB_H).save(out / "judge.png")
    json.dump(rows, open(out / "judge.json", "w"), indent=1)
    print(f"judge set (seed {seed}): {len(rows)} pairs")
    print(f"{'#':>2} {'pair':14s} {'kind':6s} {'score':>5s} " + " ".join(f"{m[:11]:>11s}" for m in MEASURES)
          + f" {'tone':>5s} {'secs':>5s} {'q_s':>5s}")
    for k, r in enumerate(rows, 1):
        if "refused" in r:
            print(f"{k:2d} {r['garment']}+{r['person']:9s} {r['kind']:6s} refused: {r['refused']}")
            continue
        extra = f"  torso SSIM {r['torso_ssim']:.3f} (target >= 0.75)" if "torso_ssim" in r else ""
        print(f"{k:2d} {r['garment'] + '+' + r['person']:14s} {r['kind']:6s} {r['score']:5d} "
              + " ".join(f"{100 * r.get(m, 0.0):10.2f}%" for m in MEASURES)
              + f" {r.get('skin_tone', 0.0):5.1f} {r['seconds']:5.2f} {r['quality_s']:5.3f}{extra}"
              + (f"  failed: {', '.join(r['failed'])}" if r.get("failed") else ""))
    done = [r for r in rows if "refused" not in r]
    print(f"flat fill over 2%: {sum(r.get('flat_fill', 0) > 0.02 for r in done)}/{len(done)}; faces changed over 1%: "
          f"{sum(r.get('face_changed', 0) > 0.01 for r in done)}; max seconds {max(r['seconds'] for r in done):.2f} "
          f"(limit 2.0); verdicts {dict((v, sum(r['verdict'] == v for r in done)) for v in ('good', 'check', 'poor'))}")
    print(f"contact sheet to judge by eye: {out / 'judge.png'}")
    return rows
