"""CatVTON backend: its attention checkpoint layout loads into an SD-1.5-style inpainting UNet (tiny, random, built
here), cross-attention is skipped, the person and garment are concatenated, and the try-on keeps every pixel outside
the region. Real weights need downloads; missing ones give the install message."""
import numpy as np
import pytest
import torch
from PIL import Image

from core.config import REPO_ROOT
from core.errors import ModelUnavailableError
from core.tryon.people import sample_photos as sample_people
from core.config import load_settings
from core.tryon.registry import load_tryon
from core.tryon.catvton import CatVtonTryOn, SkipCrossAttention, attention_file, self_attention_modules
from core.tryon.pose import analyse_person
from testkit.tiny_models import build_tiny_catvton_attention, build_tiny_inpaint

CATALOG = REPO_ROOT / "assets" / "sample_catalog" / "images"


@pytest.fixture(scope="module")
def tiny_catvton(tmp_path_factory):
    root = tmp_path_factory.mktemp("catvton")
    base = build_tiny_inpaint(root / "base")
    expected = build_tiny_catvton_attention(base, root / "attn")
    return base, root / "attn", expected


@pytest.fixture(scope="module")
def backend(tiny_catvton):
    base, attn, _ = tiny_catvton
    return CatVtonTryOn(attn, base, steps=3, guidance=2.5, size=(64, 96))


@pytest.fixture(scope="module")
def grace():
    img = Image.open(sample_people()["Grace Hopper (matplotlib)"]).convert("RGB")
    return img, analyse_person(img)


def test_attention_weights_land_in_every_self_attention_layer_and_cross_attention_is_skipped(backend, tiny_catvton):
    _, _, expected = tiny_catvton
    loaded = self_attention_modules(backend.unet).state_dict()
    assert set(loaded) == set(expected) and len(expected) > 10
    for key, value in expected.items():
        assert torch.equal(loaded[key].cpu(), value), key
    procs = backend.unet.attn_processors
    assert all(isinstance(p, SkipCrossAttention) == name.endswith("attn2.processor") for name, p in procs.items())
    assert any(name.endswith("attn2.processor") for name in procs)


def test_try_on_keeps_outside_pixels_and_depends_on_the_garment(backend, grace):
    img, person = grace
    hoodie = Image.open(CATALOG / "hoodie-004.jpg")
    r1 = backend.run(img, hoodie, "upper", person=person, seed=3)
    r2 = backend.run(img, hoodie, "upper", person=person, seed=3)
    r3 = backend.run(img, Image.open(CATALOG / "tshirt-003.jpg"), "upper", person=person, seed=3)
    before, after = np.asarray(person.image), np.asarray(r1.image)
    changed = (before != after).any(axis=2)
    assert r1.image.size == person.image.size and r1.backend == "catvton"
    assert changed.sum() > 0.5 * r1.region.sum()  # the region is redrawn
    assert not (changed & ~r1.region).any()  # nothing outside it (the face included)
    assert np.array_equal(np.asarray(r1.image), np.asarray(r2.image))  # seeded: reproducible
    assert not np.array_equal(np.asarray(r1.image), np.asarray(r3.image))  # the garment half is attended to
    assert any("CatVTON" in n for n in r1.notes) and r1.timings["catvton"] > 0


def test_progress_reports_every_step(backend, grace):
    img, person = grace
    seen = []
    backend.run(img, Image.open(CATALOG / "shirt-002.jpg"), "upper", person=person, progress=lambda i, n: seen.append((i, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_missing_or_wrong_weights_say_what_to_install(tmp_path, tiny_catvton, monkeypatch):
    base, attn, _ = tiny_catvton
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError, match="hf download zhengchong/CatVTON"):
        attention_file("zhengchong/CatVTON")  # offline: the Hub is not reachable
    with pytest.raises(ModelUnavailableError, match="attention/model.safetensors"):
        attention_file(tmp_path)  # an empty folder
    with pytest.raises(ModelUnavailableError, match="not an inpainting UNet|Could not load"):
        CatVtonTryOn(attn, tmp_path / "nothing-here")
    # Attention weights made for another UNet do not fit.
    from safetensors.torch import save_file

    bad = tmp_path / "bad" / "vitonhd-16k-512" / "attention"
    bad.mkdir(parents=True)
    save_file({"0.to_q.weight": torch.zeros(3, 3)}, str(bad / "model.safetensors"))
    with pytest.raises(ModelUnavailableError, match="shape"):
        CatVtonTryOn(tmp_path / "bad", base)


def test_load_backend_and_cli_reach_catvton(tiny_catvton, tmp_path, capsys):
    from core.__main__ import main

    base, attn, _ = tiny_catvton
    assert load_tryon(load_settings(catvton_attention=str(attn), catvton_base=str(base)), "catvton")[0].name == "catvton"
    code = main(["tryon", "--person", "sample:grace", "--garment", str(CATALOG / "hoodie-004.jpg"), "--backend",
                 "catvton", "--catvton", str(attn), "--model", str(base), "--steps", "2", "--size", "64x96",
                 "--out", str(tmp_path / "c.png")])
    assert code == 0 and Image.open(tmp_path / "c.png").size == (512, 600)
    assert main(["tryon", "--person", "sample:grace", "--garment", str(CATALOG / "hoodie-004.jpg"), "--backend",
                 "catvton", "--catvton", str(tmp_path / "none"), "--model", str(base), "--out", str(tmp_path / "d.png")]) == 1
    assert "CatVTON" in capsys.readouterr().err
    assert main(["tryon", "--person", "sample:grace", "--garment", str(CATALOG / "hoodie-004.jpg"), "--backend",
                 "catvton", "--size", "60x90", "--out", str(tmp_path / "e.png")]) == 1
    assert "multiples of 8" in capsys.readouterr().err
