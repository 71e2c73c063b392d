"""The old garment left just outside the new garment's outline: measured (quality_fringe) and cleared (fringe)."""
import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT
from core.tryon.pixels import to_lab
from core.tryon.quality import LIMITS
from core.tryon.quality_fringe import fringe_mask, fringe_share


def _scene(sliver: bool):
    """A grey backdrop; a person (mask) in a white old dress; a new orange garment covering the dress except,
    with `sliver`, a 3-pixel strip of it down one side."""
    H, W = 200, 160
    before = np.full((H, W, 3), 200, np.uint8)
    pmask = np.zeros((H, W), bool)
    pmask[20:190, 40:120] = True
    before[pmask] = (250, 248, 240)  # the old white dress
    after = before.copy()
    on = np.zeros((H, W), bool)
    on[30:180, 40:120 - (3 if sliver else 0)] = True
    after[on] = (240, 120, 30)
    after[pmask & ~on & (np.arange(W)[None, :] < 117)] = (190, 150, 130)  # skin drawn above and below
    if not sliver:
        after[pmask & ~on] = (190, 150, 130)
    return before, after, on, pmask


def _measure(sliver: bool) -> float:
    before, after, on, pmask = _scene(sliver)
    labB, labA = to_lab(before), to_lab(after)
    dE = np.linalg.norm(labA - labB, axis=2)
    m = fringe_mask(labB, labA, dE, on, pmask, np.zeros_like(on), 80.0, "dress")
    return fringe_share(m, on, 80.0)


def test_a_sliver_of_the_old_dress_beside_the_new_one_fails():
    assert _measure(True) > LIMITS["old_fringe"]


def test_no_sliver_passes():
    assert _measure(False) < 0.005


REAL = REPO_ROOT.parent / "shared" / "realphotos"


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/realphotos (evaluation photos, not shipped)")
def test_a_halter_dress_s_slivers_beside_a_new_dress_are_seen_and_cleared(monkeypatch):
    from core.tryon import fringe
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(Image.open(REAL / "people" / "p13.jpg").convert("RGB"))
    garment = Image.open(REAL / "garments" / "g32.jpg").convert("RGB")
    from core.tryon import dress

    # The check sees the slivers: the dress as it was before its sides reached her arms (dress_sides), no fill.
    with monkeypatch.context() as m:
        m.setattr(dress, "_to_arms", lambda person, frame, rgb, alpha, hands: (rgb, alpha, hands, hands & False, hands & False))
        m.setattr(fringe, "ENABLED", False)
        seen = ClassicTryOn().run(person.image, garment, "dress", person=person)
    assert not seen.quality.check("old_fringe").passed  # her white halter's straps and side show beside the new dress
    # Now the dress's sides reach her arms (dress_sides): the slivers are gone before the fill (0.0407 -> 0.0100).
    monkeypatch.setattr(fringe, "ENABLED", False)
    raw = ClassicTryOn().run(person.image, garment, "dress", person=person)
    assert raw.quality.check("old_fringe").passed
    monkeypatch.setattr(fringe, "ENABLED", True)
    worn = ClassicTryOn().run(person.image, garment, "dress", person=person)
    # The fill must not add to what is left. What stays lies on her forearms' outline, kept as shot.
    assert worn.quality.check("old_fringe").value <= 1.02 * raw.quality.check("old_fringe").value
    changed = np.abs(np.asarray(worn.image, np.int16) - np.asarray(raw.image, np.int16)).sum(axis=2) > 0
    assert not (changed & (worn.garment_alpha > 0.5) & (np.asarray(raw.image) != np.asarray(person.image)).any(axis=2)).any()
    assert not (changed & ~person.mask).any()  # nothing beyond her outline is touched
