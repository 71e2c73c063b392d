"""bench_tryon.py --real DIR: the classic backend on real model photos and real product shots.

Every top and t-shirt on every person, every pair of trousers and every dress on every full-body person (labels.json says which
is which). Per pair: the quality check's measures (core.tryon.quality: flat fill, holes, old garment left, face
and hands changed, detail kept), the seconds after pose analysis, and a contact sheet per garment
(garment | person | result, 4 pairs a row) to look at. Then a "garment she already wears" pair per suitable person:
her own top cut out of the photo onto a white backdrop (a product shot of exactly what she wears) and tried back
on; the torso must come back (SSIM against the photo)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.own_shot_matte import matte
from core.tryon import quality
from core.tryon.pixels import NBINS, quantise, to_lab
from core.tryon.pose import TryOnInputError, analyse_person
from core.tryon.regions import body_frame, polygon_mask, torso_outline

KINDS = {"top": "upper", "tshirt": "upper", "trousers": "lower", "dress": "dress"}
LIMIT_S = 2.0
THUMB_H = 256


def _thumb(img: Image.Image, h: int = THUMB_H) -> Image.Image:
    return img.convert("RGB").resize((max(1, round(img.width * h / img.height)), h), Image.BILINEAR)


def contact_sheet(rows: list[tuple[str, list[Image.Image]]], per_row: int = 4, h: int = THUMB_H) -> Image.Image:
    """Cells of images side by side (garment | person | result), each `h` px tall under its red label, `per_row`
    cells a row."""
    cells = []
    for label, imgs in rows:
        tiles = [_thumb(i, h) for i in imgs]
        cell = Image.new("RGB", (sum(t.width for t in tiles) + 6, h + 16), "white")
        x = 0
        for t in tiles:
            cell.paste(t, (x, 16))
            x += t.width
        ImageDraw.Draw(cell).text((3, 2), label, fill=(200, 0, 0))
        cells.append(cell)
    cw = max(c.width for c in cells)
    n_rows = (len(cells) + per_row - 1) // per_row
    sheet = Image.new("RGB", (cw * min(per_row, len(cells)), n_rows * (h + 16)), (235, 235, 235))
    for k, c in enumerate(cells):
        sheet.paste(c, ((k % per_row) * cw, (k // per_row) * (h + 16)))
    return sheet


def own_top_product_shot(person) -> tuple[Image.Image, str] | None:
    """The top the person wears, cut out of her photo onto a white backdrop (at the same size, in place): the
    pixels below the neck in her dominant torso colours, joined to the chest, holes (a logo) filled."""
    arr = np.asarray(person.image)
    lab = to_lab(arr)
    f = body_frame(person, "upper")
    torso = polygon_mask(person.mask.shape, torso_outline(f)) & person.mask
    face = quality.face_ellipse(person)
    skin = quality.skin_like(lab, quality.skin_model(lab, face, person.mask))
    core = cv2.erode((torso & ~skin).astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
    if core.sum() < 500:
        return None
    q = quantise(lab)
    hist = np.bincount(q[core], minlength=NBINS) / core.sum()
    if hist.max() < 0.25:  # a busy print: the cut-out would not be the garment
        return None
    # Allow the neighbouring bins of the main colours (shading).
    main = hist >= 0.02
    straps = _nearer_garment(lab, core, skin, person.mask) & torso
    straps[int(max(f["ls"][1], f["rs"][1]) + 0.3 * f["width"]):] = False  # over the shoulders only: straps
    top = (main[q] & ~skin | straps) & person.mask
    neck_y = int(min(f["ls"][1], f["rs"][1]) - 0.15 * f["width"])
    top[:max(0, neck_y)] = False
    top[int(max(f["lh"][1], f["rh"][1]) + 0.1 * f["width"]):] = False  # a top ends near the hips: no skirt
    # The top ends at the first row below the chest where its colours no longer fill the torso's width (a skirt
    # or trousers in a shared colour start there).
    ys, xs = np.nonzero(core)
    x0, x1 = int(np.percentile(xs, 10)), int(np.percentile(xs, 90))
    for y in range(int(np.median(ys)), top.shape[0]):
        person_row = person.mask[y, x0:x1]
        if person_row.sum() and top[y, x0:x1].sum() < 0.5 * person_row.sum():
            top[y:] = False
            break
    top = cv2.morphologyEx(top.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    n, lab_cc = cv2.connectedComponents(top)
    cy, cx = np.argwhere(core).mean(0).astype(int)
    keep = lab_cc == lab_cc[cy, cx] if lab_cc[cy, cx] else np.zeros_like(top, bool)
    if keep.sum() < 0.03 * keep.size:
        return None
    filled = keep.astype(np.uint8).copy()
    cnts, _ = cv2.findContours(filled, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, cnts, -1, 1, -1)
    others = [np.median(lab[m], 0) for m in (skin & person.mask, ~person.mask) if m.sum() > 100]
    straps_above = int(max(f["ls"][1], f["rs"][1]) + 0.3 * f["width"])  # over the shoulders: straps
    alpha = matte(arr, lab, filled > 0, f["width"], others, straps_above)  # its edge settled at full resolution (bench/own_shot_matte.py)
    filled = alpha > 0.5  # a crisp edge: a soft one fades a white tee into the white backdrop
    out = np.where(filled[..., None], arr, 255).astype(np.uint8)
    ys, xs = np.nonzero(filled)
    m = 20
    crop = out[max(0, ys.min() - m):ys.max() + m, max(0, xs.min() - m):xs.max() + m]
    return Image.fromarray(crop), f"{int(filled.mean() * 100)}% of the photo"


def _nearer_garment(lab: np.ndarray, core: np.ndarray, skin: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """Pixels nearer (in Lab) the garment's median colour than the skin's: a thin strap over the shoulder and the
    garment's anti-aliased outline, which the colour bins miss (a strap's mixed pixels read as skin) and whose loss
    left strap stubs and a ragged outline in the cut-out. The caller keeps them on the torso (not an arm's shaded
    edge)."""
    bare = skin & person_mask & ~cv2.dilate(core.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    if bare.sum() < 200:
        return np.zeros(core.shape, bool)
    g, s = np.median(lab[core], 0), np.median(lab[bare], 0)
    d_g = np.linalg.norm(lab - g, axis=2)
    return (d_g < np.linalg.norm(lab - s, axis=2)) & (d_g < np.linalg.norm(g - s))


def torso_ssim(before: np.ndarray, after: np.ndarray, torso: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    g0 = cv2.cvtColor(before, cv2.COLOR_RGB2GRAY)
    g1 = cv2.cvtColor(after, cv2.COLOR_RGB2GRAY)
    _, smap = structural_similarity(g0, g1, full=True, data_range=255)
    return float(smap[torso].mean())


def run_real(backend, root: Path, people: str | None = None, garments: str | None = None, out: Path | None = None) -> dict:
    labels = json.loads((root / "labels.json").read_text())
    kind_of = {}
    for cat, ids in labels["category"].items():
        if cat in KINDS:
            for i in ids:
                kind_of[f"g{i:02d}"] = KINDS[cat]
    full_body = set(labels["people"]["full_body"])
    pids = sorted(p.stem for p in (root / "people").glob("p*.jpg"))
    if people:
        pids = [p for p in pids if p in people.split(",")]
    gids = sorted(kind_of)
    if garments:
        gids = [g for g in gids if g in garments.split(",")]
    out = out or Path("bench/results/tryon/real")
    out.mkdir(parents=True, exist_ok=True)
    analysed = {}
    t_an = []
    for p in pids:
        img = Image.open(root / "people" / f"{p}.jpg").convert("RGB")
        t0 = time.perf_counter()
        try:
            analysed[p] = analyse_person(img)
        except TryOnInputError as exc:
            print(f"{p}: refused: {exc}")
        t_an.append(time.perf_counter() - t0)
    print(f"pose analysis: {len(analysed)} of {len(pids)} people, median {np.median(t_an):.2f}s")
    rows = []
    for g in gids:
        kind = kind_of[g]
        gimg = Image.open(root / "garments" / f"{g}.jpg").convert("RGB")
        cells = []
        for p, person in analysed.items():
            if kind in ("lower", "dress") and p not in full_body:
                continue
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                r = backend.run(person.image, gimg, kind, person=person)
            except TryOnInputError as exc:
                rows.append({"garment": g, "person": p, "kind": kind, "refused": str(exc)})
                continue
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            c1 = time.process_time()
            q = r.quality
            row = {"garment": g, "person": p, "kind": kind, "seconds": secs, "cpu_s": cpu,
                   "quality_s": q.seconds, "quality_cpu_s": time.process_time() - c1,
                   "score": q.score, "verdict": q.verdict}
            row.update({c.name: c.value for c in q.checks})
            rows.append(row)
            cells.append((f"{g} on {p}: {q.score} {q.verdict}", [gimg, person.image, r.image]))
        if cells:
            contact_sheet(cells).save(out / f"{g}-{kind}.png")
    _report(rows)
    rec = reconstruct(backend, analysed, out)
    json.dump({"pairs": rows, "reconstruction": rec}, open(out / "measures.json", "w"), indent=1)
    print(f"contact sheets and measures.json: {out}")
    return {"pairs": rows, "reconstruction": rec}


def _report(rows: list[dict]) -> None:
    done = [r for r in rows if "refused" not in r]
    refused = [r for r in rows if "refused" in r]
    for kind in ("upper", "lower", "dress"):
        rs = [r for r in done if r["kind"] == kind]
        if not rs:
            continue
        print(f"\n{kind}: {len(rs)} pairs ({sum(r['kind'] == kind for r in refused)} refused)")
        for name, worse in (("flat_fill", max), ("holes", max), ("old_garment", max), ("face_changed", max),
                            ("hands_changed", max), ("detail_kept", min)):
            vals = [r[name] for r in rs if name in r]
            if not vals:
                continue
            lim = quality.LIMITS[name]
            bad = sum((v < lim) if name == "detail_kept" else (v > lim) for v in vals)
            w = worse(rs, key=lambda r: r.get(name, 1.0 if name == "detail_kept" else 0.0))
            print(f"  {name:14s} mean {np.mean(vals):.4f}  worst {w[name]:.4f} ({w['garment']} on {w['person']})  "
                  f"failing (limit {lim}): {bad}/{len(vals)}")
        secs = [r["seconds"] for r in rs]
        qs = [r["quality_s"] for r in rs]
        print(f"  seconds after pose analysis: median {np.median(secs):.2f}, p90 {np.percentile(secs, 90):.2f}, max "
              f"{max(secs):.2f} (limit {LIMIT_S}); quality check median {np.median(qs):.3f}s, max {max(qs):.3f}s "
              "(limit 0.3)")
        verdicts = {v: sum(r["verdict"] == v for r in rs) for v in ("good", "check", "poor")}
        if "cpu_s" in rs[0]:
            cs, qc = [r["cpu_s"] for r in rs], [r["quality_cpu_s"] for r in rs]
            print(f"  CPU seconds (all threads; what a quiet 2-core machine's wall time stays under): try-on median "
                  f"{np.median(cs):.2f}, max {max(cs):.2f}; quality check median {np.median(qc):.3f}, max {max(qc):.3f}")
        print(f"  quality verdicts: {verdicts}; mean score {np.mean([r['score'] for r in rs]):.1f}")
    for r in refused[:5]:
        print(f"  refused {r['garment']} on {r['person']}: {r['refused']}")


def reconstruct(backend, analysed: dict, out: Path) -> list[dict]:
    """The person tries on the garment she already wears (cut out of her own photo): torso SSIM."""
    res, cells = [], []
    for p, person in analysed.items():
        shot = own_top_product_shot(person)
        if shot is None:
            continue
        gimg, _ = shot
        try:
            r = backend.run(person.image, gimg, "upper", person=person)
        except TryOnInputError:
            continue
        f = body_frame(person, "upper")
        torso = polygon_mask(person.mask.shape, torso_outline(f)) & person.mask
        torso = cv2.erode(torso.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        s = torso_ssim(np.asarray(person.image), np.asarray(r.image), torso)
        res.append({"person": p, "torso_ssim": round(s, 3), "score": r.quality.score})
        cells.append((f"{p} own top: SSIM {s:.2f}", [gimg, person.image, r.image]))
    if res:
        print("\ngarment she already wears (own top cut out, tried back on), torso SSIM (target >= 0.75): "
              + ", ".join(f"{r['person']} {r['torso_ssim']:.3f}" for r in res)
              + f"; worst {min(r['torso_ssim'] for r in res):.3f}, median {np.median([r['torso_ssim'] for r in res]):.3f}")
        contact_sheet(cells).save(out / "own-top.png")
    return res
