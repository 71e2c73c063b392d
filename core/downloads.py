"""Model weights from the Hugging Face Hub, with byte-level progress, for the UI and `python -m core download`.

The models Atelier can use (CLIP family for search, SD inpainting for design, CatVTON for try-on) are listed
from the settings, so a changed `ATELIER_CLIP_MODEL` or `ATELIER_INPAINT_MODEL` is what gets offered. Files go
to the normal Hugging Face cache, where every loader already looks (`core.weights.is_cached_locally`); a
download that is interrupted resumes from that cache. Offline machines keep the `hf download` commands
(`ModelDownload.command`), which the UI shows instead of a button.
"""
from __future__ import annotations

import fnmatch
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.errors import AtelierError

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # bytes done, bytes in all, what is happening


class DownloadError(AtelierError):
    """Weights could not be downloaded; the message says why and what to do instead."""


@dataclass(frozen=True)
class ModelDownload:
    key: str
    label: str
    repo_id: str
    purpose: str
    setting: str  # the environment variable that points Atelier at it
    allow_patterns: tuple[str, ...] = ()
    size_hint: str = ""

    @property
    def command(self) -> str:
        include = " ".join(f"--include '{p}'" for p in self.allow_patterns)
        return f"hf download {self.repo_id}" + (f" {include}" if include else "")


# Only what the loaders read: safetensors weights and configs (not the duplicate .bin / .ckpt / fp16 copies).
_TRANSFORMERS = ("*.json", "*.txt", "*.model", "*.safetensors")
_UNET_VAE = ("model_index.json", "scheduler/*", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
             "vae/config.json", "vae/diffusion_pytorch_model.safetensors")
# The design loader turns the safety checker off, so its 1.2 GB are not fetched.
_INPAINT = _UNET_VAE + ("feature_extractor/*", "tokenizer/*", "text_encoder/config.json",
                        "text_encoder/model.safetensors")
_INPAINT_XL = _INPAINT + ("tokenizer_2/*", "text_encoder_2/config.json", "text_encoder_2/model.safetensors")


def available_models(settings) -> list[ModelDownload]:
    """The downloadable models, each for the id the settings currently name (Hub ids only, not folders)."""
    from core.weights import resolve_alias

    out = [
        ModelDownload("clip", "Search: CLIP-family encoder", resolve_alias(settings.clip_model),
                      "text, photo and sketch search in one space (replaces the offline encoder)",
                      "ATELIER_CLIP_MODEL", _TRANSFORMERS, "about 600 MB for ViT-B/32"),
        ModelDownload("inpaint", "Creative Director: inpainting", settings.inpaint_model,
                      "redraws the painted part of a garment from a prompt", "ATELIER_INPAINT_MODEL",
                      _INPAINT_XL if "-xl" in settings.inpaint_model.lower() else _INPAINT,
                      "about 4.3 GB for SD 1.5 inpainting; a GPU is advised"),
        ModelDownload("catvton-attention", "Try-On: CatVTON attention", settings.catvton_attention,
                      "CatVTON's try-on weights (with the base below)", "ATELIER_CATVTON_ATTENTION",
                      ("vitonhd-16k-512/attention/*",), "a few hundred MB"),
        ModelDownload("catvton-base", "Try-On: CatVTON base (SD-1.5 inpainting)", settings.catvton_base,
                      "the UNet and VAE CatVTON runs on", "ATELIER_CATVTON_BASE", _UNET_VAE,
                      "about 3.8 GB; a GPU is advised"),
    ]
    return [_sized(m) for m in out if _is_hub_id(m.repo_id)]


def _sized(model: ModelDownload) -> ModelDownload:
    """The size from the licence table (core.weights.MODELS) where the model is in it."""
    from dataclasses import replace

    from core.weights import model_card

    card = model_card(model.repo_id)
    if card is None or not card.download_bytes:
        return model
    size = card.download_bytes
    text = f"about {size / 1e9:.1f} GB" if size >= 1e9 else f"about {size / 1e6:.0f} MB"
    return replace(model, size_hint=text + ("; a GPU is advised" if card.gflop_per_run else ""))


def _is_hub_id(text: str) -> bool:
    return bool(text) and text != "offline" and not Path(text).expanduser().exists() and text.count("/") == 1


@dataclass
class DownloadPlan:
    model: ModelDownload
    files: list[tuple[str, int]] = field(default_factory=list)  # (name, bytes) still to fetch
    cached: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)


def is_downloaded(model: ModelDownload) -> bool:
    """Every wanted file is in the local cache (no network)."""
    from huggingface_hub import snapshot_download

    try:
        snapshot_download(model.repo_id, allow_patterns=list(model.allow_patterns) or None, local_files_only=True)
        return True
    except Exception:  # not cached (LocalEntryNotFoundError) or a malformed id: either way, not here
        return False


def plan_download(model: ModelDownload, timeout_s: float = 3.0) -> DownloadPlan:
    """What a download would fetch and how big it is (asks the Hub, downloads nothing)."""
    from core.weights import hub_reachable

    if not hub_reachable(timeout_s):
        raise DownloadError(f"The Hugging Face Hub cannot be reached from this machine (or HF_HUB_OFFLINE is set). "
                            f"On a machine with internet run `{model.command}`, then copy the Hugging Face cache "
                            f"here or point {model.setting} at the downloaded folder.")
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    try:
        info = HfApi().model_info(model.repo_id, files_metadata=True)
    except RepositoryNotFoundError as exc:
        raise DownloadError(f"There is no public model {model.repo_id} on the Hub ({model.setting}).") from exc
    except (HfHubHTTPError, OSError) as exc:
        raise DownloadError(f"Could not ask the Hub about {model.repo_id}: {exc}") from exc
    plan = DownloadPlan(model)
    for sibling in info.siblings or []:
        name = sibling.rfilename
        if model.allow_patterns and not any(fnmatch.fnmatch(name, p) for p in model.allow_patterns):
            continue
        plan.files.append((name, int(sibling.size or 0)))
    if not plan.files:
        raise DownloadError(f"{model.repo_id} has no files Atelier can load ({', '.join(model.allow_patterns)}).")
    return plan


def _progress_bar_class(report: Callable[[int], None]):
    """A tqdm stand-in for huggingface_hub: forwards each chunk's byte count, draws nothing."""
    from tqdm.auto import tqdm

    class _Forward(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

        def update(self, n=1):
            if n:
                report(int(n))
            return super().update(n)

    return _Forward


def download_model(plan: DownloadPlan, progress: Progress | None = None, fetch: Callable | None = None) -> Path:
    """Fetch the plan's files into the Hugging Face cache, reporting bytes as they arrive; returns the snapshot
    folder. `fetch` is `huggingface_hub.hf_hub_download` (tests pass a local stand-in with the same signature)."""
    from huggingface_hub import hf_hub_download

    fetch = fetch or hf_hub_download
    progress = progress or (lambda done, total, msg: None)
    total = plan.total_bytes
    done = 0
    lock = threading.Lock()
    current = {"name": ""}

    def add(n: int) -> None:
        nonlocal done
        with lock:
            done = min(total, done + n) if total else done + n
            progress(done, total, current["name"])

    bar = _progress_bar_class(add)
    root = Path()
    for name, size in plan.files:
        current["name"] = name
        before = done
        try:
            path = Path(fetch(plan.model.repo_id, name, tqdm_class=bar))
        except OSError as exc:
            raise DownloadError(f"Downloading {name} of {plan.model.repo_id} failed ({exc.strerror or exc}); "
                                "try again: finished files are kept and the rest resumes.") from exc
        except Exception as exc:  # huggingface_hub's HTTP errors
            raise DownloadError(f"Downloading {name} of {plan.model.repo_id} failed: {exc}. Try again; "
                                "finished files are kept.") from exc
        root = path.parents[len(Path(name).parts) - 1]
        if done - before < size:  # cached files and small ones report nothing: count them whole
            add(size - (done - before))
    progress(total, total, "done")
    log.info("downloaded %s (%d files, %d bytes)", plan.model.repo_id, len(plan.files), total)
    return root


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
