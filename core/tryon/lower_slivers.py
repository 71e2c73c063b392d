"""No slivers of the old garment left beside new trousers (classic backend).

After the trousers are laid on and the old garment beside them has given way (waist.hide_old), thin slivers of it,
one to a few pixels wide, can stay: the clean-ups open their masks (no lone pixels taken) and so leave what is
thinner than that. On a real photo they show as a dotted line of the old print down the outer side of a leg, between
it and the hand or forearm hanging against it, or down the narrow gap between two legs that nearly touch.

Here each row is read from the trousers' edge outwards: a short run of her (the person's mask, not her hands,
forearms, bare arms or bare legs) that ends at the trousers again (the gap between the legs), or at her arm, becomes
the trousers (their cloth carried across: the legs meet; the side goes out to her arm, under it); a short run that
ends at the backdrop becomes the backdrop (what lies beyond her body). Her hands and arms stay exactly as shot."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.dress_parts import leg_shapes
from core.tryon.front import hands_and_forearms, person_lab
from core.tryon.pose import Person
from core.tryon.reveal import limb_capsules, own_skin, smooth

ENABLED = True  # off: no slivers closed (to measure before and after)
THIN = 0.04  # the widest sliver closed, a share of the shoulders' width
INSIDE = 2  # the trousers' colour is read this many pixels in from their edge (past its soft seam)


def protected(person: Person, frame: BodyFrame) -> np.ndarray:
    """What stays as shot whatever lies beside it: her hands and forearms (what of them is in her skin's colours:
    the hand finder's rim takes in a dark line of a print against the hand too), her bare arms and bare legs."""
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    bare = skin & smooth(lab, skin, frame)
    limbs = bare & (limb_capsules(person, frame, bare.shape, 1.6) | leg_shapes(person, frame.width))
    return (hands_and_forearms(person, frame, lab) & skin) | limbs


def hard_seam(person: Person, frame: BodyFrame, waist: float | None, keep: np.ndarray | None = None) -> np.ndarray:
    """Where the trousers' seam is not soft: against her hands and arms, and everywhere a little below the
    waistband (what lies beside the legs is cleared to the backdrop or put back as shot after: a soft seam there
    kept the old garment's colour in their last pixels, a dark line down a leg's side). The waistband's seam
    against her top's hem stays soft."""
    hard = (protected(person, frame) if keep is None else keep).copy()
    if waist is not None:
        hard[int(max(0, waist + 0.1 * frame.width)):] = True
    return hard


def slivers(painted: np.ndarray, free: np.ndarray, keep: np.ndarray, rows: tuple[int, int],
            thin: int) -> tuple[np.ndarray, np.ndarray]:
    """(to cloth, to backdrop): per row from rows[0] to rows[1], the runs of `free` (the old garment as shot:
    her, not painted, not keep) at most `thin` wide that start at the trousers' edge and end at the trousers or
    keep (cloth), or at anything else (the backdrop, or what a clean-up already gave to it: backdrop)."""
    H, W = painted.shape
    cloth, back = np.zeros((H, W), bool), np.zeros((H, W), bool)
    for y in range(max(0, rows[0]), min(H, rows[1])):
        xs = np.flatnonzero(free[y])
        if not len(xs):
            continue
        for run in np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1):
            a, b = int(run[0]), int(run[-1])
            if b - a + 1 > thin or a == 0 or b == W - 1:
                continue
            left, right = (painted[y, a - 1], keep[y, a - 1]), (painted[y, b + 1], keep[y, b + 1])
            if not (left[0] or right[0]):
                continue  # not beside the trousers
            if (left[0] or left[1]) and (right[0] or right[1]):
                cloth[y, a:b + 1] = True
            else:
                back[y, a:b + 1] = True
    return cloth, back


def carry(out: np.ndarray, painted: np.ndarray, cloth: np.ndarray, back: np.ndarray | None = None) -> np.ndarray:
    """out (float 0..1) with each row's cloth runs in the trousers' colours: between two legs, the colours from
    just inside each blended across; beside one, its cloth mirrored out from its edge (its grain carried on). The
    back runs take what lies beyond them (the backdrop, or what a clean-up gave to it), mirrored in likewise."""
    H, W = painted.shape
    res = out.copy()
    runs = cloth if back is None else cloth | back
    for y in np.flatnonzero(runs.any(axis=1)):
        xs = np.flatnonzero(runs[y])
        for run in np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1):
            a, b = int(run[0]), int(run[-1])
            la, rb = painted[y, a - 1], painted[y, b + 1]
            if not cloth[y, a]:  # to the backdrop: mirrored in from the side away from the trousers
                for i in range(b - a + 1):
                    x, src = (b - i, b + 1 + i) if la else (a + i, a - 1 - i)
                    res[y, x] = out[y, int(np.clip(src, 0, W - 1))]
                continue
            ca = out[y, max(0, a - 1 - INSIDE)]
            cb = out[y, min(W - 1, b + 1 + INSIDE)]
            n = b - a + 1
            for i, x in enumerate(range(a, b + 1)):
                if la and rb:
                    t = (i + 1) / (n + 1)
                    res[y, x] = (1 - t) * ca + t * cb
                elif la:  # the leg's cloth mirrored out past its edge (from past its seam)
                    res[y, x] = out[y, max(0, a - 1 - INSIDE - i)]
                else:
                    res[y, x] = out[y, min(W - 1, b + 1 + INSIDE + i)]
    return res


def close_slivers(person: Person, frame: BodyFrame, out: np.ndarray, alpha: np.ndarray, waist: float | None,
                  keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """out (uint8) with the old garment's slivers beside the worn trousers (alpha: what they cover) gone: carried
    over by the trousers or given to the backdrop. keep: `protected` if already worked out. Returns (image,
    alpha grown by where the trousers go now)."""
    # What the trousers show: not what was put back as shot over them (her hands, and the hand finder's rim).
    painted = (alpha > 0.5) & (out != np.asarray(person.image.convert("RGB"))).any(axis=2)
    ys = np.flatnonzero(painted.any(axis=1))
    if not ENABLED or not len(ys):
        return out, alpha
    w = frame.width
    top = int(max(ys.min(), waist if waist is not None else 0))
    keep = protected(person, frame) if keep is None else keep
    # Only what still shows as shot: where a clean-up already gave the old garment to the backdrop, it stays so.
    shot = np.abs(out.astype(np.int16) - np.asarray(person.image.convert("RGB"), np.int16)).max(axis=2) <= 8
    free = person.mask & shot & ~painted & ~keep
    cloth, back = slivers(painted, free, keep, (top, int(ys.max()) + 1), max(2, int(round(THIN * w))))
    cloth &= ~keep
    back &= ~keep
    if not (cloth.any() or back.any()):
        return out, alpha
    res = carry(out.astype(np.float32) / 255.0, painted, cloth, back)
    done = cloth | back
    out = np.where(done[..., None], np.clip(np.rint(res * 255), 0, 255), out).astype(np.uint8)
    return out, np.where(cloth, 1.0, alpha)  # (alpha stays over what was put back: the region is not cut)
