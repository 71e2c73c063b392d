"""Model downloads: what is offered, progress in bytes, resumable cache use, and a clear offline answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.__main__ import main
from core.config import load_settings
from core.downloads import (DownloadError, DownloadPlan, ModelDownload, available_models, download_model,
                            is_downloaded, plan_download)


def test_offered_models_follow_the_settings_and_skip_folders(tmp_path):
    settings = load_settings(clip_model="patrickjohncyh/fashion-clip", inpaint_model=str(tmp_path))
    keys = {m.key: m for m in available_models(settings)}
    assert keys["clip"].repo_id == "patrickjohncyh/fashion-clip"
    assert "inpaint" not in keys  # a local folder needs no download
    assert keys["catvton-attention"].command == "hf download zhengchong/CatVTON --include 'vitonhd-16k-512/attention/*'"
    assert "offline" not in {m.repo_id for m in available_models(load_settings(inpaint_model="offline"))}


def test_offline_plan_says_so_with_the_command(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = available_models(load_settings())[0]
    with pytest.raises(DownloadError, match="cannot be reached") as err:
        plan_download(model)
    assert model.command in str(err.value)


def _fake_hub(snapshot: Path, chunk: int = 1000):
    """hf_hub_download's shape: writes the file into a snapshot folder, reporting bytes through tqdm_class."""
    def fetch(repo_id, filename, tqdm_class=None):
        target = snapshot / filename
        size = SIZES[filename]
        if not target.exists():  # a cached file reports nothing, like the real one
            target.parent.mkdir(parents=True, exist_ok=True)
            bar = tqdm_class(total=size, unit="B")
            with target.open("wb") as fh:
                for start in range(0, size, chunk):
                    fh.write(b"x" * min(chunk, size - start))
                    bar.update(min(chunk, size - start))
            bar.close()
        return str(target)
    return fetch


SIZES = {"model_index.json": 500, "unet/diffusion_pytorch_model.safetensors": 25_000, "vae/config.json": 800}


def test_download_reports_bytes_to_the_total_and_returns_the_snapshot(tmp_path):
    snapshot = tmp_path / "models--a--b" / "snapshots" / "abc"
    plan = DownloadPlan(ModelDownload("x", "X", "a/b", "", "ATELIER_X"), files=list(SIZES.items()))
    (snapshot / "vae").mkdir(parents=True)
    (snapshot / "vae" / "config.json").write_bytes(b"y" * 800)  # cached from an earlier, interrupted run
    seen = []
    root = download_model(plan, lambda done, total, name: seen.append((done, total, name)), fetch=_fake_hub(snapshot))
    assert root == snapshot
    dones = [d for d, _, _ in seen]
    assert dones == sorted(dones) and seen[-1][:2] == (26_300, 26_300)
    assert len(seen) >= 25  # chunk by chunk, not one jump per file
    assert any(name == "unet/diffusion_pytorch_model.safetensors" for _, _, name in seen)


def test_a_failed_file_is_a_clear_error(tmp_path):
    def broken(repo_id, filename, tqdm_class=None):
        raise OSError(28, "No space left on device")

    plan = DownloadPlan(ModelDownload("x", "X", "a/b", "", "ATELIER_X"), files=[("unet/w.safetensors", 10)])
    with pytest.raises(DownloadError, match="No space left on device.*finished files are kept"):
        download_model(plan, fetch=broken)


def test_is_downloaded_reads_the_local_cache_only(tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    model = ModelDownload("x", "X", "someone/tiny", "", "ATELIER_X", ("*.json",))
    assert not is_downloaded(model)
    repo = tmp_path / "models--someone--tiny"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0" * 40)
    (repo / "snapshots" / ("0" * 40)).mkdir(parents=True)
    (repo / "snapshots" / ("0" * 40) / "config.json").write_text("{}")
    assert is_downloaded(model)


def test_cli_lists_and_refuses_offline(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["download", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.count("hf download") == 4 and "missing" in out
    assert main(["download", "clip"]) == 1
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["download", "nonsense"]) == 1
    assert "unknown model nonsense" in capsys.readouterr().err


def test_installation_panel_offline_shows_the_commands(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_string(
        "import types\n"
        "from core.config import load_settings\n"
        "from core.ui.installation import installation_panel\n"
        "installation_panel(types.SimpleNamespace(settings=load_settings()))\n").run(timeout=60)
    assert not at.exception and not at.error
    assert "cannot be reached" in at.info[0].value
    codes = [c.value for c in at.code]
    assert any(c.startswith("hf download patrickjohncyh/fashion-clip") for c in codes)  # the default encoder
    assert any("fetch-catalog fashion-product-images-small" in c for c in codes)
    assert not at.button  # nothing to press offline
