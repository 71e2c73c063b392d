"""One settings object. Precedence: environment variables > .streamlit/secrets.toml [atelier] > defaults."""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import AtelierError

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
SAMPLE_CATALOG_DIR = ASSETS_DIR / "sample_catalog"
# The fashion-tuned CLIP by default (FashionCLIP 2.0, a plain CLIPModel: weighted macro F1 0.83 vs 0.66 for OpenAI
# CLIP zero-shot on Fashion-MNIST, its model card); the general CLIP and SigLIP are one setting away
# (ATELIER_CLIP_MODEL=openai/clip-vit-base-patch32, google/siglip-base-patch16-224, or the short names in
# core.weights.ENCODER_ALIASES). Used only when its weights are on disk or ATELIER_ENCODER=clip asks for it.
DEFAULT_CLIP_MODEL = "patrickjohncyh/fashion-clip"
# The other model ids, written once here (the backends take theirs from the settings):
DEFAULT_INPAINT_MODEL = "stable-diffusion-v1-5/stable-diffusion-inpainting"  # designs and the diffusion try-on
DEFAULT_CATVTON_ATTENTION = "zhengchong/CatVTON"  # CatVTON's attention weights
DEFAULT_CATVTON_BASE = "booksforcharlie/stable-diffusion-inpainting"  # the SD-1.5 inpainting base CatVTON sits on


@dataclass(frozen=True)
class Settings:
    """Every field a plain value, so a Settings hashes: pages pass it to st.cache_resource getters as the key."""

    data_dir: Path = REPO_ROOT / "data"
    db_dir: Path | None = None  # defaults to data_dir / "index"
    catalog_dir: Path = SAMPLE_CATALOG_DIR
    catalog_name: str = "sample"
    encoder: str = "auto"  # auto | lite | clip (any CLIP-family id or folder via clip_model)
    clip_model: str = DEFAULT_CLIP_MODEL
    device: str = "auto"  # auto | cpu | cuda
    inpaint_model: str = DEFAULT_INPAINT_MODEL  # id, folder, or "offline"
    gmm_checkpoint: str | None = None  # a train-gmm checkpoint for the gmm try-on backend
    catvton_attention: str = DEFAULT_CATVTON_ATTENTION  # CatVTON's attention weights: Hub id or local folder
    catvton_base: str = DEFAULT_CATVTON_BASE  # the SD-1.5 inpainting base CatVTON sits on
    profiles_url: str | None = None  # SQLAlchemy URL; default sqlite:///<data_dir>/profiles.sqlite3
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_token: str | None = None  # bearer token the Chroma server's gate asks for (README: Team set-up)
    admins: str = ""  # stylists (e-mails, comma-separated) who see every client book and can reassign
    demo: str = ""  # "1": demo mode, sample catalog and throw-away sample clients only (see `is_demo`)
    max_image_pixels: int = 40_000_000  # the largest image accepted at all (uploads, ingest)
    max_edit_pixels: int = 4_000_000  # designs and try-ons work at most at this size: the memory ceiling per request
    exact_search_threshold: int = 50_000
    lexical_weight: float = 0.6  # text search: 0 = the encoder's ranking only, 1 = the items' words only
    auto_probe_timeout_s: float = 3.0
    commercial_safe_only: bool = False  # refuse models whose licence does not allow commercial use (core.weights.MODELS)
    design_cpu_budget_s: float = 120.0  # auto picks a generative model on a CPU only when a design fits this budget

    @property
    def is_demo(self) -> bool:
        return str(self.demo).strip().lower() in ("1", "true", "yes", "on")

    @property
    def index_dir(self) -> Path:
        return Path(self.db_dir) if self.db_dir else Path(self.data_dir) / "index"


_ENV = {
    "data_dir": "ATELIER_DATA_DIR",
    "db_dir": "ATELIER_DB_DIR",
    "catalog_dir": "ATELIER_CATALOG",
    "catalog_name": "ATELIER_CATALOG_NAME",
    "encoder": "ATELIER_ENCODER",
    "clip_model": "ATELIER_CLIP_MODEL",
    "device": "ATELIER_DEVICE",
    "inpaint_model": "ATELIER_INPAINT_MODEL",
    "profiles_url": "ATELIER_PROFILES_URL",
    "gmm_checkpoint": "ATELIER_GMM_CHECKPOINT",
    "catvton_attention": "ATELIER_CATVTON_ATTENTION",
    "catvton_base": "ATELIER_CATVTON_BASE",
    "chroma_host": "CHROMA_HOST",
    "chroma_port": "CHROMA_PORT",
    "chroma_token": "CHROMA_TOKEN",
    "admins": "ATELIER_ADMINS",
    "demo": "ATELIER_DEMO",
    "max_image_pixels": "ATELIER_MAX_IMAGE_PIXELS",
    "max_edit_pixels": "ATELIER_MAX_EDIT_PIXELS",
    "exact_search_threshold": "ATELIER_EXACT_SEARCH_THRESHOLD",
    "lexical_weight": "ATELIER_LEXICAL_WEIGHT",
    "auto_probe_timeout_s": "ATELIER_AUTO_PROBE_TIMEOUT_S",
    "commercial_safe_only": "ATELIER_COMMERCIAL_SAFE_ONLY",
    "design_cpu_budget_s": "ATELIER_DESIGN_CPU_BUDGET_S",
}


def _read_secrets(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (FileNotFoundError, tomllib.TOMLDecodeError, OSError):
        return {}
    section = data.get("atelier", {})
    return section if isinstance(section, dict) else {}


# Ranges of the numeric settings: a value outside is refused at start with the variable named.
_RANGES = {"chroma_port": (1, 65535), "max_image_pixels": (10_000, 1_000_000_000),
           "max_edit_pixels": (10_000, 100_000_000),
           "exact_search_threshold": (0, 100_000_000), "auto_probe_timeout_s": (0.1, 600.0),
           "lexical_weight": (0.0, 1.0),  # a mixing weight: -5 turned word matches into a penalty
           "design_cpu_budget_s": (0.0, 1e7)}


class SettingsError(AtelierError):
    """A setting from the environment or secrets.toml that cannot be used; the message names it."""


def _coerce(name: str, value, source: str = ""):
    import math

    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if value in (None, ""):
        return None
    where = source or name
    if "bool" in str(kind):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{where}={value!r} is not a yes/no value; give true or false.")
    if "Path" in str(kind):
        return Path(os.path.expanduser(str(value)))
    if "int" in str(kind) or "float" in str(kind):
        whole = "int" in str(kind) and "float" not in str(kind)
        try:
            x = float(str(value).strip().replace("_", ""))
        except ValueError:
            raise SettingsError(f"{where}={value!r} is not a number; unset it or give a "
                                f"{'whole number' if whole else 'number'}.") from None
        lo, hi = _RANGES.get(name, (-math.inf, math.inf))
        if not math.isfinite(x) or (whole and x != int(x)) or not lo <= x <= hi:
            raise SettingsError(f"{where}={value!r} is out of range; give a {'whole number' if whole else 'number'} "
                                f"between {lo:g} and {hi:g}.")
        return int(x) if whole else x
    return str(value)


def load_settings(secrets_path: Path | None = None, **overrides) -> Settings:
    """Settings from env vars, then secrets.toml, then defaults; keyword overrides win over all."""
    values: dict = {}
    secrets = _read_secrets(secrets_path or REPO_ROOT / ".streamlit" / "secrets.toml")
    for name, env in _ENV.items():
        raw, source = os.environ.get(env), env
        if raw is None:
            raw, source = secrets.get(name), f"[atelier] {name} in .streamlit/secrets.toml"
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, source)
    values.update({k: v for k, v in overrides.items() if v is not None})
    if str(values.get("demo", "")).strip().lower() in ("1", "true", "yes", "on"):
        # Demo: the bundled sample catalog only (its own index), whatever a real deployment's settings say.
        values.update(catalog_dir=SAMPLE_CATALOG_DIR, catalog_name="sample")
    return Settings(**values)
