"""Creative Director backends: tiny random inpainting pipeline through the real loader, and the offline editor."""
import threading

import numpy as np
import pytest
from PIL import Image

from core.attributes import PALETTE
from core.design import (DesignCancelled, DesignRequest, DiffusersInpaint, OfflineEditor, enhance_prompt,
                         load_design, parse_edit, prepare_mask)
from core.config import load_settings
from core.errors import AtelierError
from testkit.tiny_models import build_tiny_inpaint

GARMENT = "assets/sample_catalog/images/shirt-003.jpg"


@pytest.fixture(scope="session")
def tiny_inpaint_dir(session_dir):
    return build_tiny_inpaint(session_dir / "tiny-inpaint")


@pytest.fixture(scope="session")
def tiny_pipe(tiny_inpaint_dir):
    backend, choice = load_design(load_settings(inpaint_model=str(tiny_inpaint_dir)))
    why = choice.reason
    assert isinstance(backend, DiffusersInpaint), why
    return backend


def _case(w=75, h=51):
    img = Image.open(GARMENT).convert("RGB").resize((w, h))
    mask = np.zeros((h, w), bool)
    mask[h // 4 : 3 * h // 4, w // 3 : 2 * w // 3] = True
    return img, mask, Image.fromarray((mask * 255).astype(np.uint8))


def test_any_size_in_same_size_out_and_outside_the_mask_is_exact(tiny_pipe):
    img, mask, m = _case(75, 51)  # not a multiple of 8, odd aspect ratio
    out = tiny_pipe.generate(DesignRequest(img, m, "red dress", steps=2, seed=3)).images[0]
    assert out.size == img.size
    a, b = np.asarray(img), np.asarray(out)
    assert (a[~mask] == b[~mask]).all()
    assert (a[mask] != b[mask]).any()


def test_same_seed_same_design_other_seed_other_design(tiny_pipe):
    img, _, m = _case(40, 40)
    r1 = tiny_pipe.generate(DesignRequest(img, m, "striped shirt", steps=2, seed=11, variations=2))
    r2 = tiny_pipe.generate(DesignRequest(img, m, "striped shirt", steps=2, seed=11))
    assert np.array_equal(np.asarray(r1.images[0]), np.asarray(r2.images[0]))
    assert not np.array_equal(np.asarray(r1.images[0]), np.asarray(r1.images[1]))


def test_progress_is_reported_per_step_and_cancel_stops(tiny_pipe):
    img, _, m = _case(32, 32)
    steps = []
    tiny_pipe.generate(DesignRequest(img, m, "red", steps=3), progress=lambda d, t: steps.append((d, t)))
    assert steps == [(1, 3), (2, 3), (3, 3)]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DesignCancelled):
        tiny_pipe.generate(DesignRequest(img, m, "red", steps=3), cancel=cancel)
    # the pipeline still works after a cancelled run
    assert tiny_pipe.generate(DesignRequest(img, m, "red", steps=1)).images[0].size == (32, 32)


def test_missing_weights_fall_back_to_the_offline_editor(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend, choice = load_design(load_settings(inpaint_model="stable-diffusion-v1-5/stable-diffusion-inpainting"))
    why = choice.reason
    assert isinstance(backend, OfflineEditor) and "hf download" in why


@pytest.mark.parametrize("mask, message", [
    (np.zeros((40, 60), bool), "empty"),
    (np.ones((40, 60), bool), "whole image"),
    (np.ones((50, 50), bool), "paint the mask over this image"),
])
def test_bad_masks_get_clear_messages(mask, message):
    img = Image.new("RGB", (60, 40), "white")
    with pytest.raises(AtelierError, match=message):
        prepare_mask(img, Image.fromarray((mask * 255).astype(np.uint8)))


def test_a_canvas_sized_mask_with_the_same_proportions_is_rescaled():
    img = Image.new("RGB", (120, 80), "white")
    small = np.zeros((40, 60), bool)
    small[10:20, 10:30] = True
    out = prepare_mask(img, Image.fromarray((small * 255).astype(np.uint8)))
    assert out.shape == (80, 120) and abs(out.mean() - small.mean()) < 0.01


def test_prompt_enhancer_keeps_the_words_and_adds_quality_and_negative():
    pos, neg = enhance_prompt("a navy bomber jacket.")
    assert pos.startswith("a navy bomber jacket,") and "quality" in pos and "blurry" in neg
    with pytest.raises(AtelierError):
        enhance_prompt("   ")


def _edit(prompt, seed=0):
    img, mask, m = _case(160, 120)
    out = OfflineEditor().generate(DesignRequest(img, m, prompt, seed=seed)).images[0]
    a, b = np.asarray(img), np.asarray(out)
    assert (a[~mask] == b[~mask]).all(), "pixels outside the mask changed"
    inner = np.zeros_like(mask)
    inner[mask.nonzero()[0].min() + 4 : mask.nonzero()[0].max() - 4, mask.nonzero()[1].min() + 4 : mask.nonzero()[1].max() - 4] = True
    return b[inner].astype(float), a[inner].astype(float)


def _hue_distance(px, colour):
    import cv2

    lab = cv2.cvtColor(px.astype(np.uint8)[None], cv2.COLOR_RGB2LAB)[0].astype(float)
    ref = cv2.cvtColor(np.array([[colour]], np.uint8), cv2.COLOR_RGB2LAB)[0, 0].astype(float)
    return np.linalg.norm(lab[:, 1:] - ref[1:], axis=1)  # chroma only: shading is kept on purpose


def test_recolour_changes_only_the_mask_to_the_asked_colour():
    new, old = _edit("make it red")
    assert np.median(_hue_distance(new, PALETTE["red"])) < 12
    assert np.median(_hue_distance(old, PALETTE["red"])) > 20


def test_stripes_dots_and_checks_draw_the_accent_colour():
    for prompt, accent in (("navy stripes", "navy"), ("white polka dots", "white"), ("yellow checks", "yellow")):
        new, _ = _edit(prompt)
        share = np.mean(_hue_distance(new, PALETTE[accent]) < 12)
        assert 0.05 < share < 0.8, (prompt, share)


def test_pattern_with_two_colours_uses_both():
    plan = parse_edit("red with white polka dots")
    assert (plan.kind, plan.colour, plan.accent, plan.pattern) == ("pattern", "red", "white", "polka dots")


def test_denim_texture_is_blue_and_textured():
    new, _ = _edit("denim")
    assert np.median(_hue_distance(new, PALETTE["blue"])) < 15 and new.std(0).mean() > 3


def test_remove_fills_from_the_surroundings():
    img = Image.new("RGB", (100, 100), (240, 240, 240))
    img.paste((200, 0, 0), (40, 40, 60, 60))  # a red patch to remove
    mask = np.zeros((100, 100), bool)
    mask[35:65, 35:65] = True
    out = OfflineEditor().generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255), "remove this")).images[0]
    assert np.abs(np.asarray(out)[50, 50].astype(int) - 240).max() < 30


def test_unknown_prompt_gets_help_not_a_random_result():
    with pytest.raises(AtelierError, match="does not understand"):
        parse_edit("make it look like the ocean at dawn")


def test_cli_design_with_offline_editor_and_tiny_pipeline(tmp_path, tiny_inpaint_dir, capsys):
    import json

    from core.__main__ import main

    img, mask, m = _case(64, 48)
    img.save(tmp_path / "g.png")
    m.save(tmp_path / "m.png")
    assert main(["design", "--image", str(tmp_path / "g.png"), "--mask", str(tmp_path / "m.png"), "--prompt",
                 "make it green", "--model", "offline", "--out", str(tmp_path / "o.png"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["backend"] == "offline editor" and Image.open(tmp_path / "o.png").size == (64, 48)
    assert main(["design", "--image", str(tmp_path / "g.png"), "--mask", str(tmp_path / "m.png"), "--prompt",
                 "red dress", "--model", str(tiny_inpaint_dir), "--steps", "2", "--seed", "5",
                 "--out", str(tmp_path / "d.png"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["backend"] == "diffusion" and info["seed"] == 5 and "quality" in info["prompt"]
    assert main(["design", "--image", str(tmp_path / "g.png"), "--mask", str(tmp_path / "m.png"), "--prompt",
                 "sparkly unicorn vibes", "--model", "offline", "--out", str(tmp_path / "x.png")]) == 1
    assert "does not understand" in capsys.readouterr().err


def test_sdxl_inpainting_loads_through_the_same_loader(session_dir):
    from testkit.tiny_models import build_tiny_sdxl_inpaint

    path = build_tiny_sdxl_inpaint(session_dir / "tiny-sdxl-inpaint")
    backend, _ = load_design(load_settings(inpaint_model=str(path)))
    assert type(backend.pipe).__name__ == "StableDiffusionXLInpaintPipeline"
    img, mask, m = _case(48, 40)
    out = backend.generate(DesignRequest(img, m, "red dress", steps=2, seed=1)).images[0]
    a, b = np.asarray(img), np.asarray(out)
    assert out.size == img.size and (a[~mask] == b[~mask]).all() and (a[mask] != b[mask]).any()


def test_gpu_out_of_memory_is_a_clear_message_and_the_pipeline_still_works(tiny_pipe, monkeypatch):
    import torch

    img, _, m = _case(32, 32)
    real_call = type(tiny_pipe.pipe).__call__

    def oom(self, *a, **k):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(type(tiny_pipe.pipe), "__call__", oom)
    with pytest.raises(AtelierError, match="ran out of memory"):
        tiny_pipe.generate(DesignRequest(img, m, "red", steps=2))
    monkeypatch.setattr(type(tiny_pipe.pipe), "__call__", real_call)
    assert tiny_pipe.generate(DesignRequest(img, m, "red", steps=2)).images[0].size == (32, 32)
