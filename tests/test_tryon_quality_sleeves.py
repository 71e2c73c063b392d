"""The quality check sees a dress's smeared sleeves (issue 22): a sleeve stretched from a thin strip of the shot
down a long arm shows its print blown up and streaked while the bodice stays crisp (core/tryon/quality_sleeves.py).
A drawn printed dress with long sleeves worn by a croquis figure, crisp and smeared; and a real photo
(../shared/realphotos: skips cleanly where it is absent)."""
import cv2
import numpy as np
import pytest
from PIL import Image

from core.tryon.classic import ClassicTryOn
from core.tryon.croquis import draw_figure
from core.tryon.pixels import to_lab
from core.tryon.pose import analyse_person
from core.tryon.quality import LIMITS
from core.tryon.quality_sleeves import sleeve_detail

from testkit.realphotos import load_real, needs_real


def _print(shape, seed: int) -> np.ndarray:
    """A fine two-colour print (small dots on a ground)."""
    rng = np.random.default_rng(seed)
    img = np.full(shape + (3,), (40, 90, 200), np.uint8)
    for _ in range(shape[0] * shape[1] // 60):
        cv2.circle(img, (int(rng.integers(0, shape[1])), int(rng.integers(0, shape[0]))), 2, (250, 230, 90), -1)
    return img


@pytest.fixture(scope="module")
def shot():
    m = np.zeros((512, 384), np.uint8)  # a dress with long sleeves hanging apart from the bodice
    cv2.fillPoly(m, [np.array([[150, 40], [234, 40], [240, 200], [300, 470], [84, 470], [144, 200]], np.int32)], 1)
    cv2.fillPoly(m, [np.array([[148, 42], [100, 60], [70, 250], [110, 256], [128, 90]], np.int32)], 1)
    cv2.fillPoly(m, [np.array([[236, 42], [284, 60], [314, 250], [274, 256], [256, 90]], np.int32)], 1)
    img = np.where(m[..., None] > 0, _print(m.shape, 0), 255).astype(np.uint8)
    return Image.fromarray(img), m > 0


def _worn(person, smear: bool) -> tuple[np.ndarray, np.ndarray]:
    """(result image, garment mask) of the figure in the print: torso and arms covered; smeared: the arms' print
    drawn out along them (blurred along the arm, as a strip of the shot stretched down it)."""
    img = np.asarray(person.image).copy()
    on = person.mask.copy()
    on[: int(min(person.point("l_shoulder")[1], person.point("r_shoulder")[1]))] = False
    cloth = _print(on.shape, 1)
    if smear:
        arms = np.zeros(on.shape, np.uint8)
        for side in ("l", "r"):
            cv2.line(arms, tuple(np.int32(person.point(f"{side}_shoulder"))),
                     tuple(np.int32(person.point(f"{side}_wrist"))), 1, 60)
        streaked = cv2.blur(cv2.resize(cv2.resize(cloth, None, fx=0.4, fy=0.4), cloth.shape[1::-1]), (1, 15))
        cloth = np.where(arms[..., None] > 0, streaked, cloth)
    return np.where(on[..., None], cloth, img), on


def test_the_check_sees_a_smeared_sleeve(shot):
    garment, gmask = shot
    person = draw_figure("average")
    w = float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder")))
    crisp, on = _worn(person, smear=False)
    smeared, _ = _worn(person, smear=True)
    v_crisp = sleeve_detail(to_lab(crisp), on, person, w, garment, gmask)
    v_smeared = sleeve_detail(to_lab(smeared), on, person, w, garment, gmask)
    assert v_crisp is not None and v_smeared is not None
    assert v_smeared < LIMITS["sleeve_detail"] <= v_crisp


def test_a_sleeveless_dress_has_no_sleeves_to_judge(shot):
    _, gmask = shot
    person = draw_figure("average")
    m = np.zeros_like(gmask, np.uint8)
    cv2.fillPoly(m, [np.array([[150, 40], [234, 40], [240, 200], [300, 470], [84, 470], [144, 200]], np.int32)], 1)
    img = Image.fromarray(np.where(m[..., None] > 0, _print(m.shape, 0), 255).astype(np.uint8))
    crisp, on = _worn(person, smear=False)
    assert sleeve_detail(to_lab(crisp), on, person, 100.0, img, m > 0) is None


@needs_real
def test_real_smeared_sleeves_are_flagged_and_kept_ones_pass():
    for p, g, smeared in (("p06", "g29", False), ("p04", "g29", False), ("p09", "g30", False), ("p05", "g31", False)):
        person = analyse_person(load_real("people", p))
        r = ClassicTryOn().run(person.image, load_real("garments", g), "dress", person=person)
        c = r.quality.check("sleeve_detail")
        # g29's long sleeves were a thin strip of the shot drawn down her arms, a yellow blur: 0.83 / 0.78, flagged;
        # taken whole from head to cuff (dress_fused) they keep their print: 1.11 / 1.10. g30's puffed sleeves
        # and g31's short lace sleeves keep theirs: 1.12 / 1.00. (The synthetic smear above is still flagged.)
        assert c is not None and c.passed != smeared, (p, g, c)
