"""One contract for every encoder in the registry (tiny CLIP built here, the bundled offline encoder): L2-normalised
rows of one width for images and texts, the same input the same vector, and a clear error for a missing model."""
import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT, load_settings
from core.encoders import ENCODERS, load_encoder
from core.errors import AtelierError

IMAGES = [REPO_ROOT / "assets" / "sample_catalog" / "images" / n for n in ("shirt-003.jpg", "tshirt-003.jpg")]


@pytest.fixture(scope="module")
def loaded(tiny_clip_dir):
    return {"lite": load_encoder(load_settings(), "lite"), "clip": load_encoder(load_settings(), str(tiny_clip_dir))}


def test_the_table_names_every_encoder_the_contract_runs(loaded):
    assert set(loaded) == set(ENCODERS)


@pytest.mark.parametrize("kind", list(ENCODERS))
def test_encoder_rows_are_unit_length_of_one_width_and_repeatable(kind, loaded):
    encoder, choice = loaded[kind]
    assert choice.kind == kind and choice.reason
    images = [Image.open(p).convert("RGB") for p in IMAGES]
    a, b = encoder.encode_images(images), encoder.encode_images(images)
    t = encoder.encode_texts(["red dress", "striped shirt", ""])
    assert a.shape == (2, encoder.info.dim) and t.shape == (3, encoder.info.dim)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    assert np.allclose(np.linalg.norm(t[:2], axis=1), 1, atol=1e-4)
    assert np.allclose(a, b, atol=1e-5)  # the same image, the same vector
    assert not np.allclose(t[0], t[1])


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(AtelierError, match="no-such-model|not|cannot|could"):
        load_encoder(load_settings(), str(tmp_path / "no-such-model"))
