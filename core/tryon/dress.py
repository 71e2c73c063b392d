"""Dresses and skirts (classic backend): the garment keeps its own silhouette (A-line, flare, neckline), hangs from
the shoulders (a dress) or the waist (a skirt), and hides the old clothes down to its hem. Whatever the old clothes
covered that the new garment leaves bare is repainted: arms and legs with the person's own skin (their tone, their
shading and the fine texture of their own visible skin), the rest with the backdrop (OpenCV inpainting)."""
from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.tryon.base import TryOnResult
from core.tryon.body import BodyFrame
from core.tryon.drape import face_mask
from core.tryon.dress_cover import OldCover, flat_halves, fuller, let_down, old_clothes, skin_like
from core.tryon.dress_edges import crisp_edges
from core.tryon.dress_outline import clean_outline
from core.tryon.dress_rims import old_rims, up_the_neck
from core.tryon.dress_feet import feet_boxes, old_legs_in_boxes, old_print_below_hem
from core.tryon.dress_sides import limbs, remix_rim, to_arms
from core.tryon.dress_shoulders import add_sleeves, hang_bodice, sleeved_top
from core.tryon.held_cut import whole_held
from core.tryon.front import hands_and_forearms, in_front, person_lab, put_back
from core.tryon.dress_parts import (flat_sleeves, follow_shoulders, leg_shapes, old_hem_at_ankles,
                                    centre_line, shoulder_band, shoulder_contour, shoulder_half, sleeve_seam, wear_sleeves)
from core.tryon.pixels import inner_texture, low_frequency_shading, skin_colour, volume_shading
from core.tryon.pose import Person, TryOnInputError
from core.tryon.reveal import lab_of, own_skin, paint_skin


def is_skirt(gmask: np.ndarray) -> bool:
    """A lower garment with no gap between the legs near its hem (a skirt, not trousers or shorts)."""
    ys, _ = np.nonzero(gmask)
    hem = gmask[ys.min() + int(0.9 * np.ptp(ys))]
    xs = np.flatnonzero(hem)
    return len(xs) > 0 and bool(hem[xs.min():xs.max() + 1].all())


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """The mask with its enclosed holes filled (a print the colour of the backdrop), openings (a neckline) kept."""
    m = np.pad(mask.astype(np.uint8), 1)
    flood = m.copy()
    cv2.floodFill(flood, None, (0, 0), 2)
    return (flood[1:-1, 1:-1] != 2)


def central_runs(mask: np.ndarray, cx: float) -> np.ndarray:
    """Per row: (x0, x1) of the run nearest the centre line (sleeves beside the body left out); -1 where empty."""
    out = np.full((mask.shape[0], 2), -1, np.int32)
    for y in range(mask.shape[0]):
        xs = np.flatnonzero(mask[y])
        if not len(xs):
            continue
        runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
        best = min(runs, key=lambda r: 0 if r[0] <= cx <= r[-1] else min(abs(r[0] - cx), abs(r[-1] - cx)))
        out[y] = best[0], best[-1]
    return out


@dataclass
class Flat:
    """A dress or skirt flat-lay, measured: top, waist and hem rows, its centre, width at the waist."""

    mask: np.ndarray  # the garment, holes filled, sleeves beside the bodice left out
    y_top: int
    y_waist: int
    y_hem: int
    cx: float
    waist_w: float
    hem_w: float


def measure_flat(gmask: np.ndarray, kind: str) -> Flat:
    filled = _fill_holes(gmask)
    ys, xs = np.nonzero(filled)
    y0, y1 = int(ys.min()), int(ys.max())
    H = max(1, y1 - y0)
    lower = filled[y0 + H // 2:]
    cx = float(np.median(np.nonzero(lower)[1])) if lower.any() else float(np.median(xs))
    runs = central_runs(filled, cx)
    widths = np.where(runs[:, 0] >= 0, runs[:, 1] - runs[:, 0] + 1, 0).astype(np.float32)
    if kind == "dress":
        a, b = y0 + int(0.18 * H), y0 + int(0.55 * H)
        band = widths[a:b]
        y_waist = a + int(np.argmin(np.where(band > 0, band, np.inf))) if (band > 0).any() else y0 + int(0.35 * H)
        # Sleeves are trimmed on the person (nothing past the shoulders' outline); a V-neck's two sides both stay.
    else:
        y_waist = y0
    waist_w = float(max(widths[min(y_waist + 2, y1)], 1.0))
    hem_w = float(max(widths[max(y0, y1 - max(2, H // 40))], 1.0))
    return Flat(filled, y0, y_waist, y1, cx, waist_w, hem_w)


def reveal(person: Person, base: np.ndarray, covered: np.ndarray, body, w: float,
           legs_from: float | None = None, torso: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Repaint the old clothes the new garment does not cover: limbs with skin, the rest with the backdrop.
    Returns (image, repainted mask, share of the repainted area that is skin)."""
    H, W = covered.shape
    skin = skin_colour(person, body)
    # Her skin: near her skin colour, or by the face's skin model (pale legs, tights in her tone stay hers).
    lab = lab_of(base)
    own = (skin_like(base, skin) | own_skin(lab, person, body)) & person.mask
    clothes = person.mask & ~own
    rims = old_rims(lab, clothes, own, body.neck_y, w, face_mask(body, covered.shape), person.mask)
    neck = up_the_neck(lab, clothes, own, body.neck_y, w, face_mask(body, covered.shape), person.mask)
    clothes[: max(0, int(body.neck_y))] = False  # head and hair stay (not a pale halter's straps up her neck)
    clothes = (clothes & ~face_mask(body, covered.shape)) | neck
    clothes |= rims  # the old straps' blended edges (dress_rims.py): no ghost lines on her skin
    # Shoes and what is below the ankles stay ...
    feet = feet_boxes(person, w, clothes.shape)
    clothes &= ~feet
    if body.ankles_seen and body.lk is not None:  # ... but not the old trousers' hem over them
        clothes |= old_hem_at_ankles(person, body, base, own)
        clothes |= old_legs_in_boxes(lab, person, body, own, feet)  # nor a leg under a lifted foot's box
    printed = old_print_below_hem(lab, person, body, own, covered, feet)  # no old print on her shins
    clothes |= printed
    for side in ("l", "r"):  # hands
        if person.visible(f"{side}_wrist"):
            cv2.circle(clothes.view(np.uint8), tuple(np.int32(person.point(f"{side}_wrist"))), int(0.16 * w), 0, -1)
    bare = clothes & ~covered
    if legs_from is not None:  # the old top stays above a skirt's waistband
        bare[: int(legs_from)] = rims[: int(legs_from)] = False
    bare = (cv2.morphologyEx(bare.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0) | (printed & bare)
    bare |= rims & ~covered & (cv2.dilate(bare.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)  # thin: kept
    if not bare.any():
        return base, bare, 0.0
    # The arms' capsules, and the legs as legs (thigh, knee, calf, ankle), not tubes.
    limb = limbs(person, w, legs=False) | leg_shapes(person, w)
    limb_only = limb.copy()  # each arm and leg rounded on its own (paint_skin), not one block with the chest
    if torso is not None:  # a neckline's opening, the shoulders beside straps: the chest, in skin
        limb |= torso & person.mask
    limb |= neck  # her neck under the old straps, in skin
    to_skin = bare & limb
    to_back = bare & ~limb
    out = base.copy()
    if to_back.any():
        u8 = np.clip(out * 255, 0, 255).astype(np.uint8)
        hole = cv2.dilate(to_back.astype(np.uint8), np.ones((9, 9), np.uint8))
        # The backdrop fills from outside the person only (never from the old clothes' own colour).
        unknown = (hole > 0) | (clothes & ~covered) | (covered & person.mask)
        small = 2 if max(H, W) > 400 else 1
        u8s = cv2.resize(u8, (W // small, H // small), interpolation=cv2.INTER_AREA)
        ms = cv2.resize(unknown.astype(np.uint8) * 255, (W // small, H // small), interpolation=cv2.INTER_NEAREST)
        filled = cv2.resize(cv2.inpaint(u8s, ms, 5, cv2.INPAINT_TELEA), (W, H), interpolation=cv2.INTER_LINEAR)
        # The old clothes' anti-aliased rim goes with them (no dark ghost line along the old outline).
        rim = ((hole > 0) & ~covered & (clothes | ~person.mask)) | to_back
        out = np.where(rim[..., None], filled.astype(np.float32) / 255.0, out)
    if to_skin.any():
        # Her own skin: its tone near the area, fine texture quilted from her own skin, the photo's broad light
        # and the limb's round form (core/tryon/reveal.py, as for a top's revealed arms).
        out = paint_skin(out, to_skin, own, face_mask(body, covered.shape), body, limbs=limb_only)
    return out, bare, float(to_skin.sum() / max(bare.sum(), 1))


def waist_row(frame: BodyFrame) -> float:
    """The row of her natural waist: two thirds of the way from the shoulders to the hip joints."""
    shoulder_y = float(min(frame.ls[1], frame.rs[1]))
    return shoulder_y + 0.64 * (float((frame.lh[1] + frame.rh[1]) / 2) - shoulder_y)


def _mask_width(mask: np.ndarray, y: int, cx: float) -> float:
    y = int(np.clip(y, 0, mask.shape[0] - 1))
    runs = central_runs(mask[y:y + 1], cx)[0]
    return float(runs[1] - runs[0] + 1) if runs[0] >= 0 else 0.0


def torso_width(person: Person, frame: BodyFrame, y: float, centre: np.ndarray, lo: float, hi: float) -> float:
    """Her torso's width at row y (the arms' capsules left out), within lo..hi shoulder widths."""
    yi = int(np.clip(y, 0, person.mask.shape[0] - 1))
    body = person.mask & ~limbs(person, frame.width, legs=False)
    return float(np.clip(_mask_width(body, yi, centre[yi]), lo * frame.width, hi * frame.width))


def place(flat: Flat, person: Person, frame: BodyFrame, kind: str, sleeved: bool = False,
          top_scale: float | None = None, cover: OldCover | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Maps (for cv2.remap) from the person's pixels into the flat-lay: each garment row lands on a body row, its
    width scaled by one factor (so an A-line stays an A-line), centred on the body's centre line. A sleeved dress's
    first row is its shoulder seam, set where a top's is (BodyFrame.shoulder_edges); straps sit a little lower.
    With `top_scale` (the product shot's shoulders onto hers) the bodice narrows to it at the top: it hangs from her
    shoulders, its neckline round her neck. With `cover` the skirt hides her old clothes (dress_cover.py)."""
    H, W = person.mask.shape
    w = frame.width
    shoulder_y = float(min(frame.ls[1], frame.rs[1]))
    hip_y = float((frame.lh[1] + frame.rh[1]) / 2)
    waist_y = shoulder_y + 0.64 * (hip_y - shoulder_y)
    centre = centre_line(person, frame, H)
    # The body's waist: her torso's outline there, the arms hanging beside it left out, within what a waist can be.
    body_waist = torso_width(person, frame, waist_y, centre, 0.62, 0.95)
    ease = 1.06 if kind == "dress" else 1.04
    sx = body_waist * ease / flat.waist_w  # one scale: its width, and its length in the shot's proportion
    if kind == "dress":
        top_y = shoulder_y - (0.18 if sleeved else 0.12) * w  # the top of the shoulders
        sy_bodice = (waist_y - top_y) / max(flat.y_waist - flat.y_top, 1)
        g_rows = np.array([flat.y_top, flat.y_waist], np.float32)
        b_rows = np.array([top_y, waist_y], np.float32)
    else:
        top_y = max(waist_y + 0.15 * (hip_y - waist_y), hip_y - 0.28 * w)  # a mid-rise waistband
        sy_bodice = sx
        g_rows = np.array([flat.y_waist], np.float32)
        b_rows = np.array([top_y], np.float32)
    sy_skirt = sx  # below the waist the garment keeps its own proportions
    hem_y = b_rows[-1] + (flat.y_hem - flat.y_waist) * sy_skirt
    if kind == "dress":  # its length from the shoulders as the shot's (one scale: a photograph), not its waist seam
        hem_y = max(hem_y, top_y + (flat.y_hem - flat.y_top) * sx)
        sy_skirt = (hem_y - b_rows[-1]) / max(flat.y_hem - flat.y_waist, 1)
    if frame.ankles_seen:  # never below the ankles
        floor = float(min(frame.la[1], frame.ra[1])) - 0.02 * w
        if hem_y > floor:
            sy_skirt *= (floor - b_rows[-1]) / max(hem_y - b_rows[-1], 1.0)
            hem_y = floor
    if kind == "dress":
        hem_y = let_down(hem_y, b_rows[-1], cover, floor if frame.ankles_seen else None, w)
    gy = np.append(g_rows, flat.y_hem).astype(np.float32)
    by = np.append(b_rows, hem_y).astype(np.float32)
    rows = np.arange(H, dtype=np.float32)
    g_of_row = np.interp(rows, by, gy, left=-1e4, right=-1e4)
    map_y = np.repeat(g_of_row[:, None], W, axis=1)
    cols = np.arange(W, dtype=np.float32)[None, :]
    sx_rows = np.full(H, sx, np.float32)  # one scale from the waist down: the shot's flare kept
    if kind == "dress":
        sx_rows = fuller(sx_rows, g_of_row, flat_halves(flat.mask, flat.cx), b_rows[-1], hem_y, cover, w)
    if kind == "dress" and top_scale is not None:
        sx_rows = np.where(rows < b_rows[-1], np.interp(rows, [by[0], b_rows[-1]], [top_scale, sx]),
                           sx_rows).astype(np.float32)
    map_x = flat.cx + (cols - centre[:, None]) / sx_rows[:, None]
    if kind == "dress":
        # Straps lie on her shoulders' own line (set-in sleeves' seams stay at the shoulders' edges, drape.py's).
        contour = None if sleeved else shoulder_contour(person.mask, frame)
        map_y = follow_shoulders(map_y, frame, centre, top_y, waist_y, flat.y_top, flat.y_waist, contour)
    info = {"top": float(by[0]), "waist": float(b_rows[-1]), "hem": float(hem_y), "sx": float(sx),
            "sy_bodice": float(sy_bodice)}
    return map_x.astype(np.float32), map_y.astype(np.float32), info


def wear(person: Person, garment_img: Image.Image, gmask: np.ndarray, kind: str, frame: BodyFrame, torso: np.ndarray,
         t: dict, backend: str = "classic") -> TryOnResult:
    """A dress (kind "dress") or a skirt (kind "lower", no gap between the legs) worn by the person."""
    t0 = time.perf_counter()
    if frame.lk is None:
        raise TryOnInputError("The legs are not in the photo; use a photo that shows the knees.")
    # 1. the flat-lay's silhouette placed row by row on the body
    rgb, alpha, info, sleeves = _hang(person, garment_img, gmask, kind, frame)
    # 2. nothing past the shoulders' outline; the face, hands and forearms stay in front; the sleeves on the arms
    hands, held = _in_front(person, frame)  # hands, bare forearms; what she holds (cut along its own outline)
    alpha = _trim(person, alpha, frame, info.get("collar"), hands)
    rgb, alpha, sleeve_on = add_sleeves(person, frame, rgb, alpha, sleeves)
    rgb = np.where(sleeve_on[..., None], clean_outline(rgb, alpha, frame.width)[0], rgb)  # their edge too
    rgb, alpha, hands, arm, old = _to_arms(person, frame, rgb, alpha, hands)  # no old clothes' strip by an arm
    covered = alpha > 0.5
    t["warp"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # 3. what the old clothes covered and the garment leaves bare repainted, the garment laid over it
    base = np.asarray(person.image, np.float32) / 255.0
    legs_from = info["top"] if kind == "lower" else None
    if kind == "dress":  # the old top's shoulders above the dress's top edge are her neck and shoulders, in skin
        torso = torso | shoulder_band(frame, info["top"], torso.shape)
    base2, bare, skin_share = reveal(person, base, covered, frame, frame.width, legs_from=legs_from, torso=torso)
    out, a = _lay_on(person, base, base2, rgb, alpha, covered, frame, sleeve_on)
    # Hands, bare forearms (not under a new sleeve) and what she holds stay in front, exactly as shot.
    # Their rim against the photo's backdrop (skin blended with it) stays behind: no light halo on the dress.
    inner = cv2.erode(person.mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out = put_back(person, out, ((hands & ~sleeve_on) | held) & inner)  # a sleeve never covers what she holds
    # The arm's outline: no pale line of the old dress along it (the hands' and forearms' own pixels exactly as shot).
    core = cv2.erode(hands.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out = remix_rim(out, base, arm & ~covered & ~held & ~core, covered, old)
    # Every pixel that may differ from the photo: the garment with its soft edge, and what was repainted.
    region = covered | bare | (np.abs(out - base).max(2) > 0)
    t["compose"] = time.perf_counter() - t0
    # 4. the result
    centre = centre_line(person, frame, person.mask.shape[0])
    lms = {f"garment_{k}": np.array([centre[int(np.clip(info[k], 0, len(centre) - 1))], info[k]])
           for k in ("top", "waist", "hem")}
    lms.update({"l_shoulder": frame.ls, "r_shoulder": frame.rs, "l_hip": frame.lh, "r_hip": frame.rh})
    notes = []
    if bare.any():
        notes.append(f"what the old clothes covered and the {'dress' if kind == 'dress' else 'skirt'} leaves bare "
                     f"is repainted ({skin_share:.0%} as skin, the rest as backdrop)")
    return TryOnResult(Image.fromarray(np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)), backend, kind, person,
                       region, torso, Image.fromarray(np.clip(rgb * a * 255, 0, 255).astype(np.uint8)),
                       alpha.astype(np.float32), lms, t, notes, garment_image=garment_img, garment_mask=gmask)


def _hang(person: Person, garment_img: Image.Image, gmask: np.ndarray, kind: str,
          frame: BodyFrame) -> tuple[np.ndarray, np.ndarray, dict, list]:
    """(rgb, alpha, rows placed, sleeve layers): the garment warped onto the person, its silhouette kept, and a
    dress's sleeves (beside its bodice in the product shot) worn along the arms."""
    flat = measure_flat(gmask, kind)
    tex = inner_texture(garment_img, gmask)
    tex, flat.mask = crisp_edges(garment_img, tex, flat.mask)  # no lace threads or backdrop specks at its edge
    # The product shot's outline and drop shadow stay behind: the silhouette is taken a little inside its edge.
    edge = max(2, int(round(0.006 * max(gmask.shape))))
    inner = cv2.erode(flat.mask.astype(np.uint8), np.ones((2 * edge + 1, 2 * edge + 1), np.uint8)) > 0
    tex = np.where(flat.mask[..., None], tex, 0)
    flat.mask = inner
    sleeves = []
    if kind == "dress":
        runs = central_runs(flat.mask, flat.cx)
        sleeves = flat_sleeves(flat.mask, runs, flat.y_top, flat.y_waist, flat.cx, flat.waist_w, tex=tex)
        for m, _ in sleeves:
            flat.mask = flat.mask & ~m
        if sleeves:  # the bodice's waist and chest measured without sleeves laid along its sides
            bodice = measure_flat(flat.mask, kind)
            flat.y_waist, flat.waist_w = bodice.y_waist, bodice.waist_w
            runs = central_runs(flat.mask, flat.cx)
        sh = shoulder_half(runs, flat.y_top, flat.y_waist, flat.waist_w)
        corners = [sleeve_seam(m, side, flat.cx, sh, flat.y_top) for m, side in sleeves]
    cover = old_clothes(person, frame, waist_row(frame)) if kind == "dress" else None
    seams, hang = frame.shoulder_edges, None
    if sleeves:  # the seams at her shoulder points, the top edge along her shoulders (dress_shoulders.py)
        seams, *hang = sleeved_top(person, frame, flat.mask, flat.cx, sh, cover.own)
    shoulders = float(np.linalg.norm(np.subtract(*seams)))
    top_scale = None
    if kind == "dress":  # set-in sleeves' seams at her shoulders' edges; straps' chest on her chest, armholes kept
        top_scale = shoulders / (2 * sh) if sleeves else _chest_scale(person, frame, sh)
    map_x, map_y, info = place(flat, person, frame, kind, sleeved=bool(sleeves), top_scale=top_scale, cover=cover)
    if hang:  # the bodice's top edge along her shoulders' line, its collar up to the old one's
        map_y = hang_bodice(map_x, map_y, hang[0], hang[1], waist_row(frame), flat.y_waist)
        info["collar"] = float(hang[0].min())
    stack = np.concatenate([tex, flat.mask[..., None].astype(np.float32)], 2)
    warped = cv2.remap(stack, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    layers = []
    if sleeves:  # sleeves sized by the shoulders (a broad waist widens the skirt, not the sleeves)
        s = min(info["sx"], shoulders / (2 * sh))
        layers = wear_sleeves(person, frame, tex, sleeves, corners, s, s, edges=seams)
    # Its outline's soft rim only beside the cloth: no faint wisp of a stretched hem row or shadow off it (a pale
    # streak out past the hem's corner).
    alpha = np.clip(warped[..., 3], 0, 1)
    alpha = alpha * (cv2.dilate((alpha > 0.5).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    return (*clean_outline(warped[..., :3], alpha, frame.width), info, layers)  # no teeth or pale rim (dress_outline)


def _to_arms(person: Person, frame: BodyFrame, rgb: np.ndarray, alpha: np.ndarray,
             hands: np.ndarray) -> tuple[np.ndarray, ...]:
    base = np.asarray(person.image, np.float32) / 255.0
    own = (skin_like(base, skin_colour(person, frame)) | own_skin(person_lab(person), person, frame)) & person.mask
    return to_arms(person, frame, rgb, alpha, hands, own)


def _in_front(person: Person, frame: BodyFrame) -> tuple[np.ndarray, np.ndarray]:
    lab = person_lab(person)
    hands = hands_and_forearms(person, frame, lab)
    return hands, whole_held(person, frame, in_front(person, frame, lab) & ~hands, hands)


def _chest_scale(person: Person, frame: BodyFrame, sh: float) -> float:
    """Shot -> photo for a sleeveless bodice: the shot's chest onto hers under the armpits (straps on her shoulders)."""
    y = float(min(frame.ls[1], frame.rs[1])) + 0.45 * frame.width
    return 1.05 * torso_width(person, frame, y, centre_line(person, frame, person.mask.shape[0]), 0.8, 1.0) / (2 * sh / 1.06)


def _trim(person: Person, alpha: np.ndarray, frame: BodyFrame, collar: float | None = None,
          hands: np.ndarray | None = None) -> np.ndarray:
    """The bodice lies on the torso: nothing past the shoulders' outline (a sleeve's stub is not a cape); the skirt
    keeps its own outline; in front of the dress: the face, the hands and the forearms hanging beside it, and all
    above the neck base (above `collar`, where the dress's collar rises to cover an old one)."""
    H, W = person.mask.shape
    w = frame.width
    centre = centre_line(person, frame, H)
    xs = np.arange(W, dtype=np.float32)[None, :]
    # The bodice lies on her, no wider than the shoulders; below the waist the skirt keeps the shot's own outline
    # (placed about her centre line: symmetric, no straight cut where her outline ends, no ledge at the hips).
    bodice = np.arange(H)[:, None] < waist_row(frame)
    alpha = np.where(bodice & (np.abs(xs - centre[:, None]) > 0.62 * w), 0, alpha)
    alpha = np.where(bodice, alpha * cv2.dilate(person.mask.astype(np.uint8), np.ones((5, 5), np.uint8)), alpha)
    keep = face_mask(frame, (H, W))
    keep[: max(0, int(min(frame.neck_y - 0.05 * w, collar if collar is not None else np.inf)))] = True
    # Her hands and bare forearms as the photo shows them (not a capsule round them: no notches in the skirt).
    inner = cv2.erode(person.mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # not their rim of backdrop
    keep |= (hands_and_forearms(person, frame, person_lab(person)) if hands is None else hands) & inner
    return alpha * ~keep


def _lay_on(person: Person, base: np.ndarray, base2: np.ndarray, rgb: np.ndarray, alpha: np.ndarray,
            covered: np.ndarray, frame: BodyFrame, sleeves: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(image, soft alpha): the garment with the photo's broad light over the repainted photo; above the hips
    nothing outside the person changes (the bodice lies on the body; the backdrop stays the photo's)."""
    w = frame.width
    light = low_frequency_shading(base, covered & person.mask, w) if (covered & person.mask).any() else 1.0
    light = np.where(covered & ~person.mask, 1.0, light) if isinstance(light, np.ndarray) else light
    vol = volume_shading(covered, w)
    shade = (np.asarray(light) * vol)[..., None]
    a = cv2.GaussianBlur(alpha.astype(np.float32), (0, 0), 0.8)[..., None]
    out = base2 * (1 - a) + np.clip(rgb * shade, 0, 1) * a
    top_row = int(waist_row(frame))  # the bodice; the skirt below keeps its own outline
    keep = person.mask if sleeves is None else person.mask | sleeves  # a sleeve wider than the arm stays whole
    out[:top_row] = np.where(keep[:top_row, :, None], out[:top_row], base[:top_row])
    return out, a
