"""One interface, two families: tiny CLIP/SigLIP through the real loader, and the offline encoder."""
import time

import numpy as np
from PIL import Image

from core.config import load_settings
from core.encoders import choose_encoder, load_encoder


def _images():
    return [Image.new("RGB", (60, 90), (220, 20, 20)), Image.new("RGB", (120, 40), (20, 20, 220))]


def test_tiny_clip_loads_through_the_settings_loader(tiny_clip_dir):
    enc, choice = load_encoder(load_settings(encoder=str(tiny_clip_dir)))
    assert choice.kind == "clip" and enc.info.full_model
    v, t = enc.encode_images(_images()), enc.encode_texts(["a red dress", "blue jeans"])
    assert v.shape == (2, enc.info.dim) == t.shape
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5) and np.allclose(np.linalg.norm(t, axis=1), 1, atol=1e-5)


def test_tiny_siglip_loads_and_pads_text_to_max_length(tiny_siglip_dir):
    enc, _ = load_encoder(load_settings(encoder=str(tiny_siglip_dir)))
    assert enc.pad_to_max and enc.info.slug.startswith("siglip")
    a = enc.encode_texts(["red"])
    b = enc.encode_texts(["red", "a much longer description of a striped blue shirt"])[:1]
    assert np.allclose(a, b, atol=1e-5)  # padding does not change a short text's vector


def test_clip_and_siglip_get_different_collection_slugs(tiny_clip_dir, tiny_siglip_dir):
    a, _ = load_encoder(load_settings(encoder=str(tiny_clip_dir)))
    b, _ = load_encoder(load_settings(encoder=str(tiny_siglip_dir)))
    assert a.info.slug != b.info.slug


def test_auto_falls_back_to_lite_offline_within_seconds(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    choice = choose_encoder(load_settings(encoder="auto", clip_model="openai/clip-vit-base-patch32"))
    assert time.perf_counter() - t0 < 5
    assert choice.kind == "lite" and "hf download" in choice.reason


def test_auto_uses_a_local_clip_folder(tiny_clip_dir):
    choice = choose_encoder(load_settings(encoder="auto", clip_model=str(tiny_clip_dir)))
    assert choice.kind == "clip" and choice.local_files_only


def test_missing_weights_give_a_clear_message(tmp_path):
    import pytest

    from core.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="Could not load"):
        load_encoder(load_settings(encoder=str(tmp_path / "no-such-model")))


def test_lite_puts_text_and_images_in_one_normalised_space(lite):
    imgs = _images()
    v = lite.encode_images(imgs)
    t = lite.encode_texts(["red", "blue"])
    assert v.shape == (2, lite.info.dim) and t.shape == (2, lite.info.dim)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    sims = v @ t.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]  # red image nearer "red", blue nearer "blue"


def test_lite_text_vectors_leave_the_visual_block_empty(lite):
    t = lite.encode_texts(["a striped shirt"])
    assert np.allclose(t[0, lite.text_dim:], 0)
