"""A sleeved dress hangs from the person's own shoulders (issue 22, point 2): its top edge follows the slope of the
shoulders from the neck out to the shoulder points (no straight bar above them with the old top or a painted band
under it), its sleeves start there and lie on the arms; its product shot is matted with a crisp outline (no lace
threads, no backdrop specks at the edge, a white print kept); the quality check fails a dress whose top edge is a
bar across the shoulders. Drawn cases always run; real photos from ../shared/realphotos are skipped where absent."""
import cv2
import numpy as np
import pytest
from PIL import Image

from core.tryon.body import body_of
from core.tryon.dress_edges import crisp_edges
from core.tryon.dress_parts import shoulder_contour
from core.tryon.dress_shoulders import seam_points, shot_shoulder_line
from core.tryon.pixels import inner_texture, skin_like, skin_model, to_lab
from core.tryon.quality import LIMITS
from core.tryon.quality_checks import face_ellipse
from core.tryon.quality_shoulders import shoulder_gap

from testkit.realphotos import dress_tried_on, needs_real


def test_the_shots_shoulder_line_runs_over_a_neckline_not_into_it():
    """A V-neck's dip between the neck points is not the shoulder line: across it the line stays at the neck
    points' height; further out it is the garment's own sloping top."""
    m = np.zeros((300, 300), np.uint8)
    cv2.fillPoly(m, [np.array([[60, 80], [120, 40], [150, 110], [180, 40], [240, 80], [240, 290], [60, 290]],
                              np.int32)], 1)
    line = shot_shoulder_line(m > 0, 150.0)
    assert abs(line[150] - 40) <= 1 and abs(line[135] - 40) <= 1  # across the V: the neck points' row
    assert line[70] > line[100] > 40  # the shoulders slope down outwards
    assert abs(line[70] - np.argmax(m[:, 70])) <= 1


def _drawn_lace_dress() -> Image.Image:
    """A blue dress on white with lace threads standing out of its side, backdrop specks along its edge, and a
    white flower printed near its edge."""
    a = np.full((400, 300, 3), 255, np.uint8)
    cv2.rectangle(a, (90, 40), (210, 380), (60, 110, 200), -1)
    for y in range(60, 360, 12):  # threads, 1 px thick, out of the left side
        cv2.line(a, (90, y), (80, y + 3), (60, 110, 200), 1)
    for y in range(60, 360, 9):  # the backdrop through small gaps just inside the right side
        a[y:y + 2, 205:207] = 255
    cv2.circle(a, (110, 200), 7, (255, 255, 255), -1)  # a white flower of the print, near the edge
    return Image.fromarray(a)


def test_a_lace_edge_is_matted_crisp_and_a_white_print_kept():
    img = _drawn_lace_dress()
    rgb = np.asarray(img)
    mask = np.any(np.abs(rgb.astype(int) - 255) > 30, axis=2)
    cv2.rectangle(mask.view(np.uint8), (90, 40), (210, 380), 1, -1)  # the outline closes over the gaps and the flower
    tex = inner_texture(img, mask)
    out, m = crisp_edges(img, tex, mask)
    assert not m[:, :86].any()  # the threads are gone from the silhouette
    gaps = np.zeros(mask.shape, bool)
    for y in range(60, 360, 9):
        gaps[y:y + 2, 205:207] = True
    assert out[gaps].min(axis=1).max() < 0.9  # each speck takes the cloth's colour, none stays white
    assert out[gaps, 2].mean() > out[gaps, 0].mean() + 0.2  # ... blue
    assert (out[195:206, 105:116] > 0.95).all(axis=2).mean() > 0.8  # the white flower stays white


def _outline_and_top(person, alpha: np.ndarray, x: int, w: float) -> tuple[int, int]:
    f = body_of(person)
    contour = shoulder_contour(person.mask, f)
    col = alpha[int(contour[x] - 0.3 * w):, x]
    return int(contour[x]), int(contour[x] - 0.3 * w) + int(np.argmax(col))


@needs_real
@pytest.mark.parametrize("p,g", [("p07", "g31"), ("p03", "g31"), ("p05", "g29"), ("p26", "g35")])
def test_a_sleeved_dress_hangs_from_the_persons_shoulders(p, g):
    """Before, the dress's top was a straight bar at the neck base's height from shoulder to shoulder: above his
    sloping shoulders at their ends, his black tee (or a painted skin band) showing under it near the neck, the
    sleeves standing up off the shoulders (shoulders check 0.05-0.13 on these pairs). Now its top edge lies on the
    outline of the shoulders, column by column, and the sleeves' seams sit on it."""
    person, f, r = dress_tried_on(p, g)
    a = r.garment_alpha > 0.5
    w = f.width
    for joint, side in ((f.rs, -1), (f.ls, 1)):
        for t in (0.5, 0.7, 0.9):  # from the side of the neck out towards the shoulder point
            x = int(f.neck_x + t * (joint[0] + side * 0.05 * w - f.neck_x))
            outline, top = _outline_and_top(person, a, x, w)
            if outline < f.neck_y:  # hair falling on the shoulder: the dress goes under it
                continue
            assert abs(top - outline) <= 0.07 * w, (x, outline, top)
    for s in seam_points(person, f):  # on the outline, not in the air above it
        outline = shoulder_contour(person.mask, f)[int(round(float(s[0])))]
        assert abs(s[1] - outline) <= 0.03 * w
    # Hardly anything of the dress stands off the person above the armpits (a sleeve's top like a wing: 0.02-0.023
    # shoulder widths squared for g31 on p07 and p03 before, 0.004-0.006 now; a puffed sleeve stands off a slim arm
    # a little: 0.013 for g35 on p26).
    rows = np.arange(a.shape[0])[:, None] < min(f.ls[1], f.rs[1]) + 0.3 * w
    near = cv2.dilate(person.mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert (a & rows & ~near).sum() < 0.015 * w * w
    assert r.quality.check("shoulders").passed


@needs_real
def test_the_quality_check_fails_a_bar_across_the_shoulders_and_passes_a_good_dress():
    """The lead's judge sheet printed "100 good" for g31 on p07 with the dress's top a straight bar: the check now
    measures what lies between the outline of the shoulders and the dress's top edge that was not skin."""
    person, f, r = dress_tried_on("p07", "g31")
    lab = to_lab(np.asarray(person.image))
    skin = skin_like(lab, skin_model(lab, face_ellipse(person), person.mask))
    a = r.garment_alpha > 0.5
    good = shoulder_gap(a, skin, person.mask, person, f.width)
    bar = a.copy()
    bar[: int(f.neck_y + 0.12 * f.width)] = False  # the old result: a flat top edge below the neck base
    bad = shoulder_gap(bar, skin, person.mask, person, f.width)
    assert good < LIMITS["shoulders"] < bad
    # A good sleeved dress on a woman in a cami (bare shoulders under it are her skin) passes.
    _, _, r6 = dress_tried_on("p06", "g29")
    assert r6.quality.check("shoulders").passed
