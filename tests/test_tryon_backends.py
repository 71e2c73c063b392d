"""The learned try-on backends on tiny models: GMM training on a tiny VITON-HD folder (loss, checkpoints, resume,
inference, OpenPose files) and the diffusion backend on a tiny inpainting pipeline."""
import csv

import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT
from testkit.viton_tiny import make_viton_tiny

CATALOG = REPO_ROOT / "assets" / "sample_catalog" / "images"


@pytest.fixture(scope="module")
def trained_gmm(tmp_path_factory):
    from core.__main__ import main

    root = tmp_path_factory.mktemp("viton")
    make_viton_tiny(root / "data")
    out = root / "run"
    assert main(["train-gmm", "--data", str(root / "data"), "--out", str(out), "--steps", "60", "--lr", "1e-3",
                 "--batch-size", "6", "--height", "64", "--width", "48", "--ngf", "8", "--save-every", "30",
                 "--sample-every", "30", "--json"]) == 0
    return root, out


def test_gmm_training_loss_falls_and_writes_checkpoints_and_samples(trained_gmm):
    _, out = trained_gmm
    losses = [float(r["loss"]) for r in csv.DictReader(open(out / "loss.csv"))]
    assert len(losses) == 60 and np.mean(losses[-10:]) < 0.85 * np.mean(losses[:10])
    assert (out / "gmm-latest.safetensors").is_file() and (out / "gmm-step000030.safetensors").is_file()
    assert (out / "samples" / "step-000060.png").is_file()


def test_gmm_resume_and_checkpoint_round_trip(trained_gmm, tmp_path):
    import shutil

    import torch

    from core.tryon.gmm import load_checkpoint, save_checkpoint, train_gmm

    root, out = trained_gmm
    run = tmp_path / "run"
    shutil.copytree(out, run)
    model, meta, step, _ = load_checkpoint(run / "gmm-latest.safetensors")
    assert step == 60
    save_checkpoint(tmp_path / "copy.safetensors", model, None, step)
    again, _, _, _ = load_checkpoint(tmp_path / "copy.safetensors")
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    report = train_gmm(root / "data", run, steps=10, lr=1e-3, batch_size=6)
    assert report.start_step == 60
    assert len(list(csv.DictReader(open(run / "loss.csv")))) == 70


def test_gmm_checkpoints_are_never_unpickled(tmp_path):
    import pickle

    from core.errors import AtelierError
    from core.tryon.gmm import load_checkpoint

    evil = tmp_path / "evil.safetensors"
    evil.write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(AtelierError, match="not a readable safetensors"):
        load_checkpoint(evil)


def test_gmm_backend_runs_with_the_trained_checkpoint(trained_gmm, hopper, hopper_person):
    from core.tryon.gmm import GmmTryOn

    _, out = trained_gmm
    r = GmmTryOn(out / "gmm-latest.safetensors").run(hopper, Image.open(CATALOG / "tshirt-003.jpg"), "upper",
                                                     person=hopper_person)
    changed = (np.asarray(r.person.image) != np.asarray(r.image)).any(axis=2)
    assert r.backend == "gmm" and not (changed & ~r.region).any()


def test_openpose_body25_and_coco18_files_read_the_same(tmp_path):
    from core.tryon.gmm import read_keypoints

    make_viton_tiny(tmp_path / "a", n=1, body25=True)
    make_viton_tiny(tmp_path / "b", n=1, body25=False)
    a = read_keypoints(tmp_path / "a/train/openpose_json/00000_00_keypoints.json")
    b = read_keypoints(tmp_path / "b/train/openpose_json/00000_00_keypoints.json")
    assert np.allclose(a, b)


def test_diffusion_backend_on_a_tiny_pipeline(session_dir, hopper, hopper_person):
    from core.tryon.diffusion import DiffusionTryOn
    from testkit.tiny_models import build_tiny_inpaint

    path = session_dir / "tiny-inpaint-tryon"
    if not path.exists():
        build_tiny_inpaint(path)
    small = hopper.resize((160, 188))
    backend = DiffusionTryOn(str(path), steps=2)
    r = backend.run(small, Image.open(CATALOG / "tshirt-003.jpg"), "upper")
    changed = (np.asarray(r.person.image) != np.asarray(r.image)).any(axis=2)
    assert r.backend == "diffusion" and r.image.size == r.person.image.size
    assert not (changed & ~r.region).any()
