"""Models chosen by the machine, downloads only when asked, a fashion encoder by default, licences in the open."""
from __future__ import annotations

import http.server
import socket
import threading
from pathlib import Path

import pytest

from core.config import DEFAULT_CLIP_MODEL, SettingsError, load_settings
from core.errors import LicenceError


# ---- licences ---------------------------------------------------------------------------------------------------
def _loadable_ids():
    from core.design import DEFAULT_INPAINT_MODEL
    from core.tryon import mediapipe_models as mp
    from core.tryon.catvton import CATVTON_ATTENTION, CATVTON_BASE
    from core.weights import ENCODER_ALIASES

    return ([DEFAULT_CLIP_MODEL, *ENCODER_ALIASES.values(), "efficientnet-lite0", "sentence-transformers/all-MiniLM-L6-v2",
             DEFAULT_INPAINT_MODEL, "diffusers/stable-diffusion-xl-1.0-inpainting-0.1", CATVTON_ATTENTION, CATVTON_BASE,
             "gmm", "classic"] + [f"mediapipe/{p.stem}" for p in (mp.POSE_MODEL, mp.SEGMENTATION_MODEL, mp.FACE_MODEL)])


def test_every_loadable_model_has_a_licence_line():
    from core.weights import MODELS, model_card

    ids = _loadable_ids()
    assert len(ids) >= 16
    for model_id in ids:
        card = model_card(model_id)
        assert card is not None, f"{model_id} has no licence line"
        assert card.licence and card.commercial in (True, False, None)
        assert card.licence in card.line and card.commercial_text in card.line
    assert MODELS["zhengchong/CatVTON"].commercial is False and MODELS["zhengchong/CatVTON"].licence == "CC BY-NC-SA 4.0"
    assert MODELS["patrickjohncyh/fashion-clip"].commercial is True
    assert not MODELS["Marqo/marqo-fashionSigLIP"].loads  # custom code: listed, refused by the standard classes


def test_every_try_on_backend_names_its_licences():
    from core.tryon.registry import backend_licence, backends

    settings = load_settings()
    for name in backends():
        line = backend_licence(name, settings)
        assert line and "not in Atelier's table" not in line, name
    assert "CC BY-NC-SA 4.0" in backend_licence("catvton", settings)


def test_commercial_safe_refuses_catvton_naming_its_licence(monkeypatch):
    from core.tryon.registry import allowed_backends, load_tryon

    safe = load_settings(commercial_safe_only=True)
    with pytest.raises(LicenceError, match=r"CC BY-NC-SA 4\.0.*does not allow commercial use"):
        load_tryon(safe, "catvton")
    assert "catvton" not in allowed_backends(safe) and "classic" in allowed_backends(safe)
    assert "catvton" in allowed_backends(load_settings(commercial_safe_only=False))
    monkeypatch.setenv("ATELIER_COMMERCIAL_SAFE_ONLY", "true")  # the CLI and every loader read it too
    with pytest.raises(LicenceError, match="CC BY-NC-SA 4.0"):
        load_tryon(load_settings(), "catvton")


def test_commercial_safe_cli_refuses_the_download_and_the_try_on(monkeypatch, capsys, tmp_path):
    from core.__main__ import main

    monkeypatch.setenv("ATELIER_COMMERCIAL_SAFE_ONLY", "1")
    assert main(["download", "catvton-attention"]) == 1
    assert "CC BY-NC-SA 4.0" in capsys.readouterr().err
    assert main(["download", "--list"]) == 0
    assert "licence: CC BY-NC-SA 4.0" in capsys.readouterr().out


def test_commercial_safe_setting_is_validated(monkeypatch):
    monkeypatch.setenv("ATELIER_COMMERCIAL_SAFE_ONLY", "maybe")
    with pytest.raises(SettingsError, match="ATELIER_COMMERCIAL_SAFE_ONLY"):
        load_settings()
    monkeypatch.setenv("ATELIER_COMMERCIAL_SAFE_ONLY", "no")
    assert load_settings().commercial_safe_only is False


def test_commercial_safe_keeps_the_offline_editor_and_refuses_unknown_weights(tmp_path):
    from core.design import OfflineEditor, load_design

    backend, choice = load_design(load_settings(commercial_safe_only=True, inpaint_model=str(tmp_path)))
    why = choice.reason
    assert isinstance(backend, OfflineEditor) and "not in Atelier's licence table" in why


# ---- a fashion encoder by default, chosen from the disk alone ------------------------------------------------------
def _fake_cache(cache: Path, repo_id: str, folder: Path) -> None:
    """A Hugging Face cache entry for repo_id holding the files of a tiny saved model."""
    import shutil

    repo = cache / ("models--" + repo_id.replace("/", "--"))
    sha = "0" * 40
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(sha)
    shutil.copytree(folder, repo / "snapshots" / sha, dirs_exist_ok=True)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


@pytest.fixture
def no_sockets(monkeypatch):
    """Every outbound connection attempt is recorded and refused."""
    tried = []

    def refuse(self, address, *a, **kw):
        tried.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return tried


def test_the_default_encoder_is_fashion_clip():
    assert DEFAULT_CLIP_MODEL == "patrickjohncyh/fashion-clip"
    assert load_settings().clip_model == "patrickjohncyh/fashion-clip"


def test_auto_without_weights_uses_lite_offers_the_download_and_asks_no_one(empty_cache, no_sockets, monkeypatch):
    from core.encoders import choose_encoder

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # the Hub "reachable": auto must still not ask it
    choice = choose_encoder(load_settings(encoder="auto"))
    assert choice.kind == "lite"
    assert "patrickjohncyh/fashion-clip is not on this machine" in choice.reason
    assert "605 MB" in choice.reason and "hf download patrickjohncyh/fashion-clip" in choice.reason
    assert no_sockets == []


@pytest.mark.parametrize("setting, repo_id, model_type", [
    ("auto", "patrickjohncyh/fashion-clip", "clip"),  # the default
    ("clip-general", "openai/clip-vit-base-patch32", "clip"),  # one setting away
    ("siglip", "google/siglip-base-patch16-224", "siglip"),
])
def test_auto_picks_the_cached_clip_family_model_by_id(setting, repo_id, model_type, empty_cache, no_sockets,
                                                        tiny_clip_dir, tiny_siglip_dir, monkeypatch):
    from core.encoders import choose_encoder, load_encoder

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    _fake_cache(empty_cache, repo_id, tiny_siglip_dir if model_type == "siglip" else tiny_clip_dir)
    settings = load_settings(encoder="auto", **({} if setting == "auto" else {"clip_model": setting}))
    choice = choose_encoder(settings)
    assert (choice.kind, choice.model, choice.local_files_only) == ("clip", repo_id, True)
    encoder, _ = load_encoder(settings, choice)
    assert encoder.model.config.model_type == model_type and encoder.model_id == repo_id
    assert encoder.info.slug.startswith(model_type)  # one collection per encoder
    assert encoder.encode_texts(["red dress"]).shape[0] == 1
    assert no_sockets == []


# ---- the design model: on disk and fast enough here, else the offline editor with an offer ----------------------------
def _cpu(monkeypatch, gflops: float = 100.0, free_gb: float = 16.0):
    import core.weights as w

    m = w.Machine("cpu", "", 0.0, free_gb, gflops, 1.0)
    monkeypatch.setattr(w, "machine", lambda device="auto": m)
    monkeypatch.setattr(w, "available_memory_gb", lambda: free_gb)
    return m


def test_cpu_host_without_weights_uses_the_offline_editor_and_offers_size_and_time(empty_cache, no_sockets, monkeypatch):
    from core.design import OfflineEditor, design_offer, load_design
    from core.weights import CPU_EFFICIENCY, MODELS

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    _cpu(monkeypatch, gflops=100.0, free_gb=16.0)
    model = "stable-diffusion-v1-5/stable-diffusion-inpainting"
    backend, choice = load_design(load_settings(inpaint_model=model))
    why = choice.reason
    assert isinstance(backend, OfflineEditor) and "no diffusion weights" in why
    offer = design_offer(model, "cpu", 120.0, load_settings())
    expected_min = MODELS[model].gflop_per_run / (100.0 * CPU_EFFICIENCY) / 60
    assert offer.size_text == "about 4.3 GB" and not offer.on_disk
    assert f"about {expected_min:.0f} min per design on this CPU" in offer.text
    assert "fits in memory (6.5 GB needed, 16.0 GB free)" in offer.text
    assert "CreativeML OpenRAIL-M" in offer.text
    _cpu(monkeypatch, gflops=100.0, free_gb=2.7)  # a Community Cloud box
    assert "does not fit in memory (6.5 GB needed, 2.7 GB free)" in design_offer(model, "cpu", 120.0).text
    assert no_sockets == []


def test_weights_on_disk_are_used_only_within_the_cpu_budget(session_dir, monkeypatch):
    from testkit.tiny_models import build_tiny_inpaint

    from core.design import DiffusersInpaint, OfflineEditor, load_design

    path = session_dir / "tiny-inpaint-models"
    if not path.exists():
        build_tiny_inpaint(path)
    _cpu(monkeypatch, gflops=50.0)
    backend, choice = load_design(load_settings(design_cpu_budget_s=60, inpaint_model=str(path)))
    why = choice.reason
    assert isinstance(backend, DiffusersInpaint) and "found" in why  # a tiny model: far under a minute
    backend, choice = load_design(load_settings(design_cpu_budget_s=1e-9, inpaint_model=str(path)))
    why = choice.reason
    assert isinstance(backend, OfflineEditor) and "over the CPU budget" in why
    backend, _ = load_design(load_settings(design_cpu_budget_s=1e-9), str(path))
    assert isinstance(backend, DiffusersInpaint)  # the user named it (CLI --model): the budget is theirs


def test_real_sd15_on_a_cpu_is_over_budget_and_on_a_gpu_is_not(monkeypatch):
    import core.weights as w

    model = "stable-diffusion-v1-5/stable-diffusion-inpainting"
    _cpu(monkeypatch, gflops=200.0)
    est = w.estimate_run(model, "cpu", 120.0)
    assert est.seconds > 120 and not est.ok  # ~7 min at 200 GFLOP/s: the offline editor stays
    gpu = w.Machine("cuda", "H100", 80.0, 100.0, 200.0, 1.0)
    monkeypatch.setattr(w, "machine", lambda device="auto": gpu)
    est = w.estimate_run(model, "cuda", 120.0)
    assert est.ok and est.seconds < 10 and "per design on the GPU" in est.text


def test_cpu_probe_measures_something_real():
    from core.weights import cpu_gflops_probe

    gflops, ms = cpu_gflops_probe(repeats=1)
    assert 0.1 < gflops < 100_000 and ms > 0


# ---- no outbound call: every page with a stand-in Hub that records what it is asked ----------------------------------
class _StandInHub(http.server.ThreadingHTTPServer):
    """Answers 404 to everything and records every connection and every request path."""

    daemon_threads = True

    def __init__(self):
        self.connections, self.paths = 0, []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(h):  # noqa: N805
                self.paths.append(h.path)
                h.send_response(404)
                h.send_header("Content-Length", "0")
                h.end_headers()

            do_HEAD = do_GET

            def log_message(h, *a):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def verify_request(self, request, client_address):
        self.connections += 1
        return True


@pytest.fixture
def stand_in_hub(monkeypatch, empty_cache):
    from huggingface_hub import constants

    hub = _StandInHub()
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{hub.server_address[1]}"
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # the Hub counts as reachable for every library
    yield hub
    hub.shutdown()
    hub.server_close()


@pytest.fixture
def default_app(sample_studio, stand_in_hub, monkeypatch, tmp_path):
    """The app with default settings (ATELIER_ENCODER unset: auto), a reachable stand-in Hub and an empty cache."""
    from core.ui import get_design_backend, get_profile_store, get_studio

    monkeypatch.setenv("ATELIER_DB_DIR", str(sample_studio.settings.index_dir))
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    for var in ("ATELIER_ENCODER", "ATELIER_CLIP_MODEL", "ATELIER_INPAINT_MODEL"):
        monkeypatch.delenv(var, raising=False)
    for cache in (get_studio, get_profile_store, get_design_backend):
        cache.clear()
    yield stand_in_hub
    for cache in (get_studio, get_profile_store, get_design_backend):
        cache.clear()


# Home.py runs the navigation and the overview (pages/0_Overview.py, with the installation panel); the other
# pages are opened one by one as a direct visit would.
PAGES = ["Home.py"] + sorted(p.name for p in (Path(__file__).resolve().parents[1] / "pages").glob("*.py")
                             if not p.name.startswith("0_"))


def test_opening_every_page_with_the_hub_reachable_downloads_nothing_and_asks_nothing(default_app, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from core.config import REPO_ROOT

    outbound, connect = [], socket.socket.connect

    def record(self, address, *a, **kw):  # any connection at all, to anywhere (the stand-in Hub included)
        if self.family in (socket.AF_INET, socket.AF_INET6):
            outbound.append(address)
        return connect(self, address, *a, **kw)

    monkeypatch.setattr(socket.socket, "connect", record)

    for page in PAGES:
        path = REPO_ROOT / page if page == "Home.py" else REPO_ROOT / "pages" / page
        at = AppTest.from_file(str(path), default_timeout=300).run()
        assert not at.exception, (page, at.exception)
        at.run()  # a second run (the installation panel used to re-probe on a timer)
        assert not at.exception, page
    assert default_app.paths == [] and default_app.connections == 0  # not one request, not one connection
    assert outbound == []  # nor any other outbound call (telemetry, IP look-ups)


def test_creative_director_on_a_cpu_host_offers_the_download_and_only_a_press_asks_the_hub(default_app, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from core.config import REPO_ROOT

    _cpu(monkeypatch, gflops=100.0, free_gb=16.0)
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "2_Creative_Director.py"), default_timeout=300).run()
    assert not at.exception
    assert any("offline editor" in i.value for i in at.info)
    offer = " ".join(m.value for m in at.markdown)
    assert "about 4.3 GB download" in offer and "min per design on this CPU" in offer and "fits in memory" in offer
    assert "CreativeML OpenRAIL-M" in offer
    assert default_app.connections == 0
    button = next(b for b in at.button if b.label.startswith("Download stable-diffusion-v1-5"))
    button.click().run()
    # Only now is the Hub asked (the stand-in answers 404: a clear message, no traceback).
    assert default_app.connections >= 1 and any(p.startswith("/api/models/") for p in default_app.paths)
    assert at.error and not at.exception


def test_home_asks_the_hub_only_when_the_button_is_pressed(default_app):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "import types\n"
        "from core.config import load_settings\n"
        "from core.ui.installation import installation_panel\n"
        "installation_panel(types.SimpleNamespace(settings=load_settings()))\n", default_timeout=60).run()
    assert not at.exception and default_app.connections == 0
    assert any(b.label == "Download" for b in at.button)  # offered, not started
    next(b for b in at.button if b.label == "Check the Hub connection").click().run()
    assert default_app.connections == 1 and default_app.paths == []  # one TCP probe, no request
    assert any("answers" in s.value for s in at.success)
    at.run()
    assert default_app.connections == 1 and not at.success  # said once, not repeated
    table = at.dataframe[0].value
    assert "CC BY-NC-SA 4.0" in set(table["Licence"]) and len(table) >= 16


ARENAS = """
import sys, threading
if sys.argv[1] == "core":
    import core  # noqa: F401  (limits the arenas on import)
import numpy as np

def work():
    for _ in range(200):
        [np.ones(1000) for _ in range(50)]

threads = [threading.Thread(target=work) for _ in range(12)]
[t.start() for t in threads]
[t.join() for t in threads]
arenas = 0
for line in open("/proc/self/maps"):
    a, b = (int(x, 16) for x in line.split()[0].split("-"))
    arenas += len(line.split()) < 6 and 60 * 2**20 <= b - a <= 64 * 2**20
print(arenas)
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_importing_core_caps_the_malloc_arenas_that_inflate_the_address_space():
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    counts = {}
    for mode in ("core", "plain"):
        out = subprocess.run([sys.executable, "-c", ARENAS, mode], cwd=root, env=env, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr[-1500:]
        counts[mode] = int(out.stdout.split()[-1])
    assert counts["core"] <= 2 < counts["plain"], counts
