"""One settings object. Precedence: environment variables > .streamlit/secrets.toml [atelier] > defaults."""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
SAMPLE_CATALOG_DIR = ASSETS_DIR / "sample_catalog"
DEFAULT_CLIP_MODEL = "openai/clip-vit-base-patch32"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = REPO_ROOT / "data"
    db_dir: Path | None = None  # defaults to data_dir / "index"
    catalog_dir: Path = SAMPLE_CATALOG_DIR
    catalog_name: str = "sample"
    encoder: str = "auto"  # auto | lite | clip (any CLIP-family id or folder via clip_model)
    clip_model: str = DEFAULT_CLIP_MODEL
    device: str = "auto"  # auto | cpu | cuda
    inpaint_model: str = "stable-diffusion-v1-5/stable-diffusion-inpainting"  # id, folder, or "offline"
    gmm_checkpoint: str | None = None  # a train-gmm checkpoint for the gmm try-on backend
    catvton_attention: str = "zhengchong/CatVTON"  # CatVTON's attention weights: Hub id or local folder
    catvton_base: str = "booksforcharlie/stable-diffusion-inpainting"  # the SD-1.5 inpainting base CatVTON sits on
    profiles_url: str | None = None  # SQLAlchemy URL; default sqlite:///<data_dir>/profiles.sqlite3
    chroma_host: str | None = None
    chroma_port: int = 8000
    max_image_pixels: int = 40_000_000
    exact_search_threshold: int = 50_000
    lexical_weight: float = 0.6  # text search: 0 = the encoder's ranking only, 1 = the items' words only
    auto_probe_timeout_s: float = 3.0
    extra: dict = field(default_factory=dict)

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
    "max_image_pixels": "ATELIER_MAX_IMAGE_PIXELS",
    "exact_search_threshold": "ATELIER_EXACT_SEARCH_THRESHOLD",
    "lexical_weight": "ATELIER_LEXICAL_WEIGHT",
    "auto_probe_timeout_s": "ATELIER_AUTO_PROBE_TIMEOUT_S",
}


def _read_secrets(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (FileNotFoundError, tomllib.TOMLDecodeError, OSError):
        return {}
    section = data.get("atelier", {})
    return section if isinstance(section, dict) else {}


def _coerce(name: str, value):
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if value in (None, ""):
        return None
    if "Path" in str(kind):
        return Path(os.path.expanduser(str(value)))
    if "int" in str(kind) and "float" not in str(kind):
        return int(value)
    if "float" in str(kind):
        return float(value)
    return str(value)


def load_settings(secrets_path: Path | None = None, **overrides) -> Settings:
    """Settings from env vars, then secrets.toml, then defaults; keyword overrides win over all."""
    values: dict = {}
    secrets = _read_secrets(secrets_path or REPO_ROOT / ".streamlit" / "secrets.toml")
    for name, env in _ENV.items():
        raw = os.environ.get(env)
        if raw is None:
            raw = secrets.get(name)
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
