"""One contract for every try-on backend in the registry (tiny weights built here, the real loader): pixels outside
the replaced region are exact, the same seed gives the same image, the generative backends report progress, and
missing weights or an unknown name are clear errors. A backend added to core.tryon.registry.REGISTRY is run by
these tests without a new line here."""
import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT, load_settings
from core.errors import AtelierError
from core.tryon.people import sample_person
from core.tryon.registry import REGISTRY, backends, load_tryon
from testkit.tiny_models import build_tiny_catvton_attention, build_tiny_inpaint
from testkit.viton_tiny import make_viton_tiny

GARMENT = REPO_ROOT / "assets" / "sample_catalog" / "images" / "tshirt-003.jpg"
pytestmark = pytest.mark.slow  # a GMM trained and two diffusion backends run: about 5 min on a busy 2-core box
GENERATIVE = {"diffusion", "catvton"}  # the others take seed and progress but need neither


@pytest.fixture(scope="module")
def tiny_settings(tmp_path_factory):
    """Settings whose every model id is a tiny random model on disk (a GMM trained for a few steps)."""
    from core.tryon.gmm import GmmConfig, train_gmm

    root = tmp_path_factory.mktemp("contract-tryon")
    base = build_tiny_inpaint(root / "inpaint")
    build_tiny_catvton_attention(base, root / "attention")
    make_viton_tiny(root / "viton")
    report = train_gmm(root / "viton", root / "gmm", steps=4, batch_size=2, lr=1e-3,
                       cfg=GmmConfig(height=64, width=48, ngf=8), save_every=4, sample_every=4)
    return load_settings(inpaint_model=str(base), catvton_attention=str(root / "attention"), catvton_base=str(base),
                         gmm_checkpoint=str(report.checkpoint), device="cpu", commercial_safe_only=False)


@pytest.fixture(scope="module")
def figure():
    """A portrait photo at a small size (the generative backends run at the photo's size), analysed once."""
    from core.tryon.pose import analyse_person

    img = sample_person("grace")[0].resize((256, 300))
    return img, analyse_person(img)


@pytest.fixture(scope="module")
def loaded(tiny_settings):
    return {name: load_tryon(tiny_settings, name, steps=2, size=(64, 96)) for name in REGISTRY}


def test_every_backend_the_page_and_cli_offer_is_in_the_one_table():
    from core.cli.main import build_parser

    assert list(backends()) == list(REGISTRY) and len(REGISTRY) >= 4
    tryon = build_parser()._subparsers._group_actions[0].choices["tryon"]  # noqa: SLF001 (argparse has no getter)
    assert next(a for a in tryon._actions if a.dest == "backend").choices == list(REGISTRY)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_backend_keeps_outside_pixels_and_repeats_with_the_same_seed(name, loaded, figure):
    backend, choice = loaded[name]
    img, person = figure
    seen = []
    r1 = backend.run(img, Image.open(GARMENT), "upper", person=person, seed=5, progress=lambda i, n: seen.append((i, n)))
    r2 = backend.run(img, Image.open(GARMENT), "upper", person=person, seed=5)
    before, after = np.asarray(r1.person.image), np.asarray(r1.image)
    changed = (before != after).any(axis=2)
    assert choice.name == name and name in choice.reason and r1.backend == name
    assert r1.image.size == r1.person.image.size
    assert changed.any() and not (changed & ~r1.region).any()  # something worn; nothing outside the region touched
    assert np.array_equal(after, np.asarray(r2.image))  # same seed, same image
    if name in GENERATIVE:
        assert seen and seen[-1][0] == seen[-1][1]  # every step reported, the last one last


def test_unknown_backend_is_a_clear_error(tiny_settings):
    with pytest.raises(AtelierError, match="Unknown try-on backend 'nope'; use one of classic"):
        load_tryon(tiny_settings, "nope")


@pytest.mark.parametrize("name,setting", [("gmm", "gmm_checkpoint"), ("diffusion", "inpaint_model"),
                                          ("catvton", "catvton_attention")])
def test_missing_weights_are_a_clear_error(name, setting, tiny_settings, tmp_path):
    import dataclasses

    settings = dataclasses.replace(tiny_settings, **{setting: str(tmp_path / "not-here")})
    with pytest.raises(AtelierError) as err:
        load_tryon(settings, name)
    assert "Traceback" not in str(err.value) and len(str(err.value)) > 30


def test_a_new_backend_is_one_file_and_one_registry_line(tmp_path, monkeypatch, figure, tiny_settings):
    """What a newcomer writes: one file with a TryOnBackend, one line in REGISTRY; the loader, the page's list
    and the CLI's choices pick it up."""
    (tmp_path / "tiny_tryon_backend.py").write_text(
        "import numpy as np\n"
        "from PIL import Image\n"
        "from core.tryon.classic import ClassicTryOn\n\n\n"
        "class GreyTryOn(ClassicTryOn):\n"
        "    \"\"\"The classic result with the worn garment in grey.\"\"\"\n"
        "    name = 'grey'\n\n"
        "    def run(self, person_img, garment_img, kind='upper', person=None, seed=0, progress=None):\n"
        "        r = super().run(person_img, garment_img.convert('L').convert('RGB'), kind, person)\n"
        "        r.backend = self.name\n"
        "        return r\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from core.tryon.registry import BackendEntry

    monkeypatch.setitem(REGISTRY, "grey", BackendEntry("tiny_tryon_backend", "GreyTryOn", "the garment in grey"))

    backend, choice = load_tryon(tiny_settings, "grey")
    img, person = figure
    r = backend.run(img, Image.open(GARMENT), "upper", person=person)
    changed = (np.asarray(r.person.image) != np.asarray(r.image)).any(axis=2)
    assert r.backend == "grey" and choice.reason == "grey was asked for"
    assert changed.any() and not (changed & ~r.region).any()
    assert "grey" in backends()
    from core.cli.main import build_parser

    build_parser().parse_args(["tryon", "--person", "sample:slim", "--garment", str(GARMENT), "--backend", "grey",
                               "--out", str(tmp_path / "o.png")])
