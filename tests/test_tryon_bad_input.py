"""Bad try-on input gets one plain message, through core and through the CLI (exit 1, the message on stderr, never
a traceback): no person, several people, a back view, a seated person, hips out of frame, a busy product shot."""
import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT
from core.tryon.classic import ClassicTryOn
from core.tryon.croquis import MP, draw_figure
from core.tryon.pose import Person, TryOnInputError, validate_person

CATALOG = REPO_ROOT / "assets" / "sample_catalog" / "images"
SHIRT = CATALOG / "shirt-002.jpg"


def _cli(args, capsys) -> tuple[int, str]:
    from core.__main__ import main

    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _moved(person: Person, **points) -> Person:
    lm = person.landmarks.copy()
    for name, xy in points.items():
        lm[MP[name], :2] = xy
    return Person(person.image, lm, person.mask)


def test_no_person_is_explained_by_the_cli(tmp_path, capsys):
    Image.new("RGB", (400, 500), (200, 210, 220)).save(tmp_path / "wall.jpg")
    code, err = _cli(["tryon", "--person", str(tmp_path / "wall.jpg"), "--garment", str(SHIRT),
                      "--out", str(tmp_path / "o.png"), "--json"], capsys)
    assert code == 1 and "No person found" in err and not (tmp_path / "o.png").exists()


def test_several_people_are_explained_by_the_cli(tmp_path, capsys, hopper):
    gap = np.full((hopper.height, 200, 3), (90, 130, 200), np.uint8)
    Image.fromarray(np.concatenate([np.asarray(hopper), gap, np.asarray(hopper)], axis=1)).save(tmp_path / "two.jpg")
    code, err = _cli(["tryon", "--person", str(tmp_path / "two.jpg"), "--garment", str(SHIRT),
                      "--out", str(tmp_path / "o.png")], capsys)
    assert code == 1 and "2 people are in the photo" in err


def test_a_back_view_is_explained():
    # Seen from behind, the person's left shoulder is on the image's left: what the pose model reports then.
    p = draw_figure("average")
    back = _moved(p, l_shoulder=p.point("r_shoulder"), r_shoulder=p.point("l_shoulder"))
    with pytest.raises(TryOnInputError, match="back view"):
        validate_person(back)
    validate_person(p)  # the figure itself faces the viewer


@pytest.mark.parametrize("kind", ["dress", "lower"])
def test_a_seated_person_is_explained_for_dresses_and_trousers(kind):
    # Seated facing the camera, the thighs point at the viewer: the knees sit just below the hips.
    p = draw_figure("average")
    seated = _moved(p, l_knee=p.point("l_hip") + (8, 40), r_knee=p.point("r_hip") + (-8, 40))
    garment = Image.open(CATALOG / ("dress-003.jpg" if kind == "dress" else "jeans-002.jpg"))
    with pytest.raises(TryOnInputError, match="looks seated.*standing"):
        ClassicTryOn().run(p.image, garment, kind, person=seated)
    assert ClassicTryOn().run(p.image, garment, kind, person=p).image.size == p.image.size  # standing: worn


def test_a_seated_person_can_still_try_a_top():
    p = draw_figure("slim")
    seated = _moved(p, l_knee=p.point("l_hip") + (8, 40), r_knee=p.point("r_hip") + (-8, 40))
    r = ClassicTryOn().run(p.image, Image.open(SHIRT), "upper", person=seated)
    assert (r.garment_alpha > 0.5).mean() > 0.05


@pytest.mark.parametrize("kind, garment", [("dress", "dress-001.jpg"), ("lower", "trousers-003.jpg")])
def test_hips_out_of_frame_are_explained_by_the_cli(tmp_path, capsys, kind, garment):
    code, err = _cli(["tryon", "--person", "sample:grace", "--garment", str(CATALOG / garment), "--kind", kind,
                      "--out", str(tmp_path / "o.png"), "--json"], capsys)
    assert code == 1 and "hips are not in the photo" in err and "knees" in err


def test_a_figure_cut_at_the_waist_is_explained_for_a_dress():
    p = draw_figure("curvy")
    h = int(p.point("l_hip")[1] - 60)  # the photo ends above the hips
    lm = p.landmarks.copy()
    lm[lm[:, 1] >= h, 2] = 0.0  # what is out of frame is not seen
    cut = Person(p.image.crop((0, 0, p.image.width, h)), lm, p.mask[:h])
    with pytest.raises(TryOnInputError, match="hips are not in the photo"):
        ClassicTryOn().run(cut.image, Image.open(CATALOG / "dress-004.jpg"), "dress", person=cut)


def test_a_product_shot_on_a_busy_background_is_explained_by_the_cli(tmp_path, capsys):
    rng = np.random.default_rng(0)
    shirt = np.asarray(Image.open(SHIRT).convert("RGB").resize((300, 300))).copy()
    noise = rng.integers(0, 255, (300, 300, 3), dtype=np.uint8)
    backdrop = shirt.mean(axis=2) > 235  # the product shot's white backdrop becomes a busy scene
    shirt[backdrop] = noise[backdrop]
    Image.fromarray(shirt).save(tmp_path / "busy_shirt.jpg")
    code, err = _cli(["tryon", "--person", "sample:average", "--garment", str(tmp_path / "busy_shirt.jpg"),
                      "--out", str(tmp_path / "o.png"), "--json"], capsys)
    assert code == 1 and "busy background" in err and "plain background" in err
