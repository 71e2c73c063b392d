"""CatVTON try-on (Chong et al., "CatVTON: Concatenation Is All You Need for Virtual Try-On with Diffusion Models").

An SD-1.5 inpainting UNet whose cross-attention is dropped (no text encoder) and whose self-attention layers carry
CatVTON's released weights. The masked person and the garment are concatenated along the height in latent space;
the UNet fills the mask on the person's half while attending to the garment's half. Only a mask is needed: here
it is the same replace region the other backends use (MediaPipe pose and segmentation).

Weights: the base is any SD-1.5 inpainting id or folder (CatVTON used `booksforcharlie/stable-diffusion-inpainting`,
a copy of runwayml's); the attention weights are the Hub repo `zhengchong/CatVTON` or a local copy of it, whose
`<version>/attention/model.safetensors` holds the self-attention modules in the UNet's module order.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.config import DEFAULT_CATVTON_ATTENTION as CATVTON_ATTENTION, DEFAULT_CATVTON_BASE as CATVTON_BASE
from core.errors import ModelUnavailableError
from core.tryon.base import TryOnBackend, TryOnResult
from core.tryon.pose import Person, analyse_person
from core.tryon.regions import garment_mask, region_for_garment

VERSIONS = {"mix": "mix-48k-1024", "vitonhd": "vitonhd-16k-512", "dresscode": "dresscode-16k-512"}
INSTALL = ("CatVTON needs two downloads (on a machine with internet): `hf download zhengchong/CatVTON --include "
           "'vitonhd-16k-512/attention/*'` and `hf download booksforcharlie/stable-diffusion-inpainting`; then set "
           "ATELIER_CATVTON_ATTENTION and ATELIER_CATVTON_BASE to those folders (a GPU is strongly advised).")


class SkipCrossAttention:
    """CatVTON's cross-attention replacement: the block's input comes back unchanged (no text conditioning)."""

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, *args, **kwargs):
        return hidden_states


def self_attention_modules(unet) -> torch.nn.ModuleList:
    """Every module whose name contains "attn1", in the UNet's module order: the layout of CatVTON's checkpoint."""
    return torch.nn.ModuleList([m for name, m in unet.named_modules() if "attn1" in name])


def attention_file(source: str | Path, version: str = "vitonhd", local_files_only: bool | None = None) -> Path:
    """The attention safetensors inside a CatVTON folder (or a Hub id, fetched through the Hub cache)."""
    if version not in VERSIONS:
        raise ModelUnavailableError(f"Unknown CatVTON version {version!r}; use one of {', '.join(VERSIONS)}.")
    sub = VERSIONS[version]
    root = Path(str(source)).expanduser()
    if not root.exists():
        try:
            from huggingface_hub import snapshot_download

            root = Path(snapshot_download(str(source), allow_patterns=[f"{sub}/attention/*"],
                                          local_files_only=bool(local_files_only)))
        except Exception as exc:  # offline, unknown id, no access
            raise ModelUnavailableError(f"CatVTON attention weights '{source}' are not available here ({exc}). "
                                        + INSTALL) from exc
    for candidate in (root / sub / "attention" / "model.safetensors", root / "attention" / "model.safetensors",
                      root / "model.safetensors", root):
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(f"No {sub}/attention/model.safetensors under {root}. " + INSTALL)


def load_attention(unet, file: Path) -> int:
    """Load CatVTON's self-attention weights into the UNet; every self-attention parameter must be covered.
    Returns the number of tensors loaded."""
    from safetensors.torch import load_file

    modules = self_attention_modules(unet)
    state = load_file(str(file))
    own = modules.state_dict(keep_vars=True)
    unknown = sorted(set(state) - set(own))
    if unknown:
        raise ModelUnavailableError(f"{file} does not fit this UNet (e.g. {unknown[0]!r}): it is not CatVTON's "
                                    "attention checkpoint for an SD-1.5 inpainting UNet.")
    covered = set()
    with torch.no_grad():
        for key, tensor in state.items():
            target = own[key]
            if target.shape != tensor.shape:
                raise ModelUnavailableError(f"{file}: {key} has shape {tuple(tensor.shape)}, the UNet wants "
                                            f"{tuple(target.shape)}. Use the SD-1.5 inpainting base CatVTON was trained on.")
            target.copy_(tensor.to(target.dtype))
            covered.add(id(target))
    missing = [k for k, p in own.items() if id(p) not in covered]
    if missing:
        raise ModelUnavailableError(f"{file} leaves {len(missing)} self-attention tensors unset (e.g. {missing[0]!r}).")
    return len(state)


class CatVtonTryOn(TryOnBackend):
    name = "catvton"

    def __init__(self, attention: str | Path = CATVTON_ATTENTION, base: str | Path = CATVTON_BASE, version: str = "vitonhd",
                 device: str = "auto", vae: str | None = None, steps: int = 50, guidance: float = 2.5,
                 size: tuple[int, int] = (384, 512), local_files_only: bool | None = None) -> None:
        from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
        from diffusers.models.attention_processor import AttnProcessor2_0

        from core.weights import pick_device, pick_dtype

        self.device = pick_device(device)
        self.dtype = pick_dtype(self.device)
        kw = {} if local_files_only is None else {"local_files_only": local_files_only}
        mkw = kw | {"torch_dtype": self.dtype}
        try:
            self.scheduler = DDIMScheduler.from_pretrained(str(base), subfolder="scheduler", **kw)
            # CatVTON decodes with stabilityai/sd-vae-ft-mse; any SD VAE works (vae=None: the base's own).
            self.vae = (AutoencoderKL.from_pretrained(str(vae), **mkw) if vae else
                        AutoencoderKL.from_pretrained(str(base), subfolder="vae", **mkw))
            self.unet = UNet2DConditionModel.from_pretrained(str(base), subfolder="unet", **mkw)
        except (OSError, ValueError, EnvironmentError) as exc:
            raise ModelUnavailableError(f"Could not load the inpainting base '{base}' for CatVTON: {exc}. " + INSTALL) from exc
        if self.unet.config.in_channels != 9:
            raise ModelUnavailableError(f"'{base}' is not an inpainting UNet (it takes {self.unet.config.in_channels} "
                                        "channels, CatVTON needs 9).")
        self.unet.set_attn_processor({name: SkipCrossAttention() if name.endswith("attn2.processor") else AttnProcessor2_0()
                                      for name in self.unet.attn_processors})
        self.tensors = load_attention(self.unet, attention_file(attention, version, local_files_only))
        self.unet.to(self.device).eval()
        self.vae.to(self.device).eval()
        self.steps, self.guidance, self.size = steps, guidance, size
        self.info = f"CatVTON {version} on {base} ({self.device}, {str(self.dtype).replace('torch.', '')})"
        self._lock = threading.Lock()

    def _encode(self, img: torch.Tensor) -> torch.Tensor:
        return self.vae.encode(img).latent_dist.mode() * self.vae.config.scaling_factor

    def _inputs(self, person: Person, garment_img: Image.Image, region: np.ndarray):
        """(person image, region mask, the garment letterboxed on white) as tensors at the working size."""
        W, H = self.size

        def to_tensor(img: Image.Image) -> torch.Tensor:
            a = np.asarray(img.convert("RGB"), np.float32) / 127.5 - 1
            return torch.from_numpy(a.transpose(2, 0, 1))[None].to(self.device, self.dtype)

        image = to_tensor(person.image.resize((W, H), Image.LANCZOS))
        mask = torch.from_numpy(np.asarray(Image.fromarray(region.astype(np.uint8) * 255).resize((W, H), Image.NEAREST),
                                           np.float32) / 255.0)[None, None].to(self.device, self.dtype)
        # The garment, letterboxed on white to the person's working size (as CatVTON prepares it).
        g = garment_img.convert("RGB")
        s = min(W / g.width, H / g.height)
        canvas = Image.new("RGB", (W, H), "white")
        canvas.paste(g.resize((max(1, round(g.width * s)), max(1, round(g.height * s))), Image.LANCZOS),
                     ((W - round(g.width * s)) // 2, (H - round(g.height * s)) // 2))
        return image, mask, canvas, to_tensor(canvas)

    def _denoise(self, image: torch.Tensor, mask: torch.Tensor, garment: torch.Tensor, seed: int,
                 progress) -> np.ndarray:
        """The person and the garment side by side in latent space (person above), denoised; the person's half
        decoded (uint8 RGB at the working size)."""
        masked_latent = self._encode(image * (mask < 0.5))
        cond_latent = self._encode(garment)
        mask_latent = torch.nn.functional.interpolate(mask, size=masked_latent.shape[-2:], mode="nearest")
        masked_cat = torch.cat([masked_latent, cond_latent], dim=-2)  # person above, garment below
        mask_cat = torch.cat([mask_latent, torch.zeros_like(mask_latent)], dim=-2)
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        latents = torch.randn(masked_cat.shape, generator=gen, dtype=torch.float32).to(self.device, self.dtype)
        with self._lock:
            self.scheduler.set_timesteps(self.steps, device=self.device)
            latents = latents * self.scheduler.init_noise_sigma
            guided = self.guidance > 1.0
            if guided:  # the unconditional half sees no garment
                masked_cat = torch.cat([torch.cat([masked_latent, torch.zeros_like(cond_latent)], dim=-2), masked_cat])
                mask_cat = torch.cat([mask_cat] * 2)
            for i, step in enumerate(self.scheduler.timesteps):
                x = torch.cat([latents] * 2) if guided else latents
                x = self.scheduler.scale_model_input(x, step)
                noise = self.unet(torch.cat([x, mask_cat, masked_cat], dim=1), step, encoder_hidden_states=None,
                                  return_dict=False)[0]
                if guided:
                    uncond, cond = noise.chunk(2)
                    noise = uncond + self.guidance * (cond - uncond)
                latents = self.scheduler.step(noise, step, latents, eta=1.0, generator=gen).prev_sample
                if progress is not None:
                    progress(i + 1, len(self.scheduler.timesteps))
            person_half = latents.split(latents.shape[-2] // 2, dim=-2)[0]
            decoded = self.vae.decode(person_half / self.vae.config.scaling_factor).sample
        return ((decoded[0].float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()

    @torch.inference_mode()
    def run(self, person_img: Image.Image, garment_img: Image.Image, kind: str = "upper", person: Person | None = None,
            seed: int = 0, progress=None):
        t = {}
        t0 = time.perf_counter()
        person = person or analyse_person(person_img)
        t["pose_and_segmentation"] = time.perf_counter() - t0
        # 1. the region to redraw (the garment mask also refuses busy backgrounds with the usual message)
        region, torso, frame = region_for_garment(person, kind, garment_mask(garment_img))
        t0 = time.perf_counter()
        # 2. the inputs at the working size, denoised together
        image, mask, canvas, garment = self._inputs(person, garment_img, region)
        out = self._denoise(image, mask, garment, seed, progress)
        # 3. back at the photo's size, inside the region only
        redrawn = np.asarray(Image.fromarray(out).resize(person.image.size, Image.LANCZOS))
        base = np.asarray(person.image)
        final = np.where(region[..., None], redrawn, base)  # outside the region: exactly the original
        t["catvton"] = time.perf_counter() - t0
        lms = {"l_shoulder": frame.ls, "r_shoulder": frame.rs, "l_hip": frame.lh, "r_hip": frame.rh}
        notes = [f"redrawn by {self.info}, {self.steps} steps, guidance {self.guidance}"]
        if not frame.hips_seen:
            notes.append("hips are outside the photo: the region stops at the visible torso")
        return TryOnResult(Image.fromarray(final), self.name, kind, person, region, torso,
                           canvas.resize(person.image.size), region.astype(np.float32), lms, t, notes)
