"""Geometric Matching Module (CP-VTON / VITON-HD style): learn a thin-plate-spline warp of a flat garment onto
a person from the person's clothing-agnostic representation.

* Data: the VITON-HD folder layout (image/, cloth/, cloth-mask/, image-parse-v3/, openpose_json/, pairs file).
* Model: two CNN encoders, a feature correlation, a regressor to a 5x5 grid of control-point offsets, and a
  differentiable TPS warp (kornia).
* Training: `python -m core train-gmm --data DIR` with progress, a loss log (CSV), sample grids (PNG),
  safetensors checkpoints and resume. Inference loads a checkpoint with safetensors only (no pickle).
"""
from __future__ import annotations

import csv
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from core.errors import AtelierError
from core.tryon.classic import ClassicTryOn

log = logging.getLogger(__name__)

CLOTH_LABELS = (5, 6, 7)  # upper clothes, dress, coat in VITON-HD's image-parse-v3 palette
HEAD_LABELS = (1, 2, 4, 13)  # hat, hair, sunglasses, face
# BODY_25 (VITON-HD's openpose_json) -> COCO-18 (CP-VTON): index of each COCO joint in BODY_25.
BODY25_TO_COCO18 = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]


@dataclass
class GmmConfig:
    height: int = 256
    width: int = 192
    ngf: int = 64  # encoder width; tests use 8
    grid: int = 5
    pose_radius: int = 4

    @property
    def agnostic_channels(self) -> int:
        return 18 + 1 + 3


# ---- data --------------------------------------------------------------------------------------------
def _pairs(root: Path, split: str | None) -> tuple[Path, list[tuple[str, str]]]:
    base = root / split if split and (root / split).is_dir() else root
    for name in ([f"{split}_pairs.txt"] if split else []) + ["train_pairs.txt", "pairs.txt", "test_pairs.txt"]:
        for where in (root, base):
            if (where / name).is_file():
                rows = [ln.split() for ln in (where / name).read_text().splitlines() if ln.strip()]
                return base, [(r[0], r[1]) for r in rows if len(r) >= 2]
    raise AtelierError(f"No pairs file (train_pairs.txt) found in {root}; this is not the VITON-HD layout.")


def read_keypoints(path: Path, size: tuple[int, int] | None = None) -> np.ndarray:
    """(18, 3) COCO keypoints from an OpenPose JSON (COCO-18 or BODY_25)."""
    data = json.loads(path.read_text())
    people = data.get("people") or []
    if not people:
        return np.zeros((18, 3), np.float32)
    kp = np.array(people[0]["pose_keypoints_2d"], np.float32).reshape(-1, 3)
    if len(kp) == 25:
        kp = kp[BODY25_TO_COCO18]
    return kp[:18]


def pose_heatmaps(kp: np.ndarray, h: int, w: int, radius: int, scale: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    maps = np.zeros((18, h, w), np.float32)
    for i, (x, y, c) in enumerate(kp[:18]):
        if c > 0.05:
            cv2.rectangle(maps[i], (int(x * scale[0]) - radius, int(y * scale[1]) - radius),
                          (int(x * scale[0]) + radius, int(y * scale[1]) + radius), 1.0, -1)
    return maps


def agnostic(image: np.ndarray, body: np.ndarray, head: np.ndarray, kp: np.ndarray, cfg: GmmConfig,
             scale=(1.0, 1.0)) -> np.ndarray:
    """CP-VTON's clothing-agnostic person representation: pose (18) + coarse body shape (1) + head RGB (3)."""
    h, w = cfg.height, cfg.width
    shape = cv2.resize(cv2.resize(body.astype(np.float32), (w // 16, h // 16), interpolation=cv2.INTER_AREA), (w, h),
                       interpolation=cv2.INTER_LINEAR)
    head_rgb = image * head[..., None]
    return np.concatenate([pose_heatmaps(kp, h, w, cfg.pose_radius, scale), shape[None] * 2 - 1,
                           head_rgb.transpose(2, 0, 1) * 2 - 1], axis=0).astype(np.float32)


class VitonDataset(torch.utils.data.Dataset):
    def __init__(self, root: str | Path, cfg: GmmConfig, split: str | None = "train") -> None:
        self.root = Path(root)
        self.cfg = cfg
        self.base, self.pairs = _pairs(self.root, split)
        for sub in ("image", "cloth", "cloth-mask", "image-parse-v3", "openpose_json"):
            if not (self.base / sub).is_dir():
                raise AtelierError(f"{self.base} has no {sub}/ folder; expected the VITON-HD layout.")
        if not self.pairs:
            raise AtelierError(f"The pairs file in {self.root} lists no pairs.")

    def __len__(self) -> int:
        return len(self.pairs)

    def _img(self, path: Path, mode="RGB") -> np.ndarray:
        img = Image.open(path).convert(mode).resize((self.cfg.width, self.cfg.height), Image.BILINEAR if mode != "P" else Image.NEAREST)
        return np.asarray(img, np.float32) / (255.0 if mode != "P" else 1.0)

    def __getitem__(self, i: int) -> dict:
        person, cloth = self.pairs[i]
        stem = Path(person).stem
        image = self._img(self.base / "image" / person)
        parse_path = next((self.base / "image-parse-v3").glob(stem + ".*"))
        parse = np.asarray(Image.open(parse_path).resize((self.cfg.width, self.cfg.height), Image.NEAREST))
        src_w, src_h = Image.open(self.base / "image" / person).size
        kp = read_keypoints(self.base / "openpose_json" / f"{stem}_keypoints.json")
        scale = (self.cfg.width / src_w, self.cfg.height / src_h)
        body = parse > 0
        head = np.isin(parse, HEAD_LABELS)
        worn = np.isin(parse, CLOTH_LABELS).astype(np.float32)
        c = self._img(self.base / "cloth" / cloth)
        cm = self._img(self.base / "cloth-mask" / cloth, "L")
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
        return {"agnostic": t(agnostic(image, body, head, kp, self.cfg, scale)),
                "cloth": t(c.transpose(2, 0, 1) * 2 - 1), "cloth_mask": t((cm > 0.5).astype(np.float32)[None]),
                "target": t((image.transpose(2, 0, 1) * 2 - 1) * worn[None]), "target_mask": t(worn[None]),
                "image": t(image.transpose(2, 0, 1) * 2 - 1)}


# ---- model -------------------------------------------------------------------------------------------
def _encoder(cin: int, ngf: int) -> nn.Sequential:
    layers, c = [], cin
    for k, out in enumerate([ngf, ngf * 2, ngf * 4, ngf * 8]):
        layers += [nn.Conv2d(c, out, 4, 2, 1), nn.BatchNorm2d(out), nn.ReLU(True)]
        c = out
    layers += [nn.Conv2d(c, ngf * 8, 3, 1, 1), nn.BatchNorm2d(ngf * 8), nn.ReLU(True)]
    return nn.Sequential(*layers)


class GMM(nn.Module):
    def __init__(self, cfg: GmmConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.enc_person = _encoder(cfg.agnostic_channels, cfg.ngf)
        self.enc_cloth = _encoder(3, cfg.ngf)
        fh, fw = cfg.height // 16, cfg.width // 16
        self.regress = nn.Sequential(
            nn.Conv2d(fh * fw, cfg.ngf * 8, 3, 1, 1), nn.BatchNorm2d(cfg.ngf * 8), nn.ReLU(True),
            nn.Conv2d(cfg.ngf * 8, cfg.ngf * 4, 3, 1, 1), nn.BatchNorm2d(cfg.ngf * 4), nn.ReLU(True),
            nn.AdaptiveAvgPool2d((4, 3)), nn.Flatten(), nn.Linear(cfg.ngf * 4 * 12, 2 * cfg.grid * cfg.grid))
        nn.init.zeros_(self.regress[-1].weight)  # start from the identity warp
        nn.init.zeros_(self.regress[-1].bias)
        g = torch.linspace(-0.9, 0.9, cfg.grid)
        yy, xx = torch.meshgrid(g, g, indexing="ij")
        self.register_buffer("base_grid", torch.stack([xx.flatten(), yy.flatten()], 1))

    def control_points(self, agnostic_: torch.Tensor, cloth: torch.Tensor) -> torch.Tensor:
        a = F.normalize(self.enc_person(agnostic_), dim=1)
        c = F.normalize(self.enc_cloth(cloth), dim=1)
        b, ch, h, w = a.shape
        corr = torch.bmm(c.flatten(2).transpose(1, 2), a.flatten(2))  # (b, hw_cloth, hw_person)
        corr = F.relu(corr).view(b, h * w, h, w)
        offsets = torch.tanh(self.regress(corr)).view(b, -1, 2) * 0.5
        return self.base_grid[None] + offsets  # where each output control point samples the garment

    @staticmethod
    def warp(image: torch.Tensor, base: torch.Tensor, moved: torch.Tensor) -> torch.Tensor:
        """Sample `image` so the garment at `moved` lands on `base` (kornia TPS; differentiable)."""
        from kornia.geometry.transform import get_tps_transform, warp_image_tps

        b = image.shape[0]
        base = base.expand(b, -1, -1)
        kw, aw = get_tps_transform(base, moved)
        return warp_image_tps(image, moved, kw, aw, align_corners=True)

    def forward(self, agnostic_: torch.Tensor, cloth: torch.Tensor, cloth_mask: torch.Tensor | None = None):
        moved = self.control_points(agnostic_, cloth)
        warped = self.warp(cloth, self.base_grid[None], moved)
        warped_mask = self.warp(cloth_mask, self.base_grid[None], moved) if cloth_mask is not None else None
        return warped, warped_mask, moved


# ---- checkpoints (safetensors only) ------------------------------------------------------------------
def save_checkpoint(path: Path, model: GMM, opt: torch.optim.Optimizer | None, step: int) -> None:
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = {"step": str(step), "config": json.dumps(asdict(model.cfg)), "format": "atelier-gmm-v1"}
    if opt is not None:
        state = opt.state_dict()
        for pid, st in state["state"].items():
            for k, v in st.items():
                if torch.is_tensor(v):
                    tensors[f"opt.{pid}.{k}"] = v.detach().cpu().contiguous()
        meta["opt_param_groups"] = json.dumps(state["param_groups"])
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata=meta)
    tmp.replace(path)  # a kill mid-save never leaves a half-written checkpoint


def load_checkpoint(path: str | Path, device: str = "cpu") -> tuple[GMM, dict, int, dict]:
    from safetensors import safe_open
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise AtelierError(f"No GMM checkpoint at {path}. Train one with `python -m core train-gmm --data DIR`.")
    try:
        with safe_open(str(path), "pt") as fh:
            meta = fh.metadata() or {}
        tensors = load_file(str(path), device=device)
    except Exception as exc:
        raise AtelierError(f"{path} is not a readable safetensors GMM checkpoint ({exc}).") from exc
    if meta.get("format") != "atelier-gmm-v1":
        raise AtelierError(f"{path} is not an Atelier GMM checkpoint.")
    cfg = GmmConfig(**json.loads(meta["config"]))
    model = GMM(cfg).to(device)
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    opt_tensors = {k[4:]: v for k, v in tensors.items() if k.startswith("opt.")}
    return model, meta, int(meta.get("step", 0)), opt_tensors


def _restore_optimizer(opt: torch.optim.Optimizer, meta: dict, tensors: dict) -> None:
    if "opt_param_groups" not in meta:
        return
    state: dict = {}
    for key, v in tensors.items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = v
    opt.load_state_dict({"state": state, "param_groups": json.loads(meta["opt_param_groups"])})


# ---- training ----------------------------------------------------------------------------------------
@dataclass
class TrainReport:
    steps: int
    start_step: int
    first_loss: float
    last_loss: float
    seconds: float
    checkpoint: str


def train_gmm(data: str | Path, out: str | Path, steps: int = 1000, batch_size: int = 4, lr: float = 1e-4,
              cfg: GmmConfig | None = None, resume: bool = True, save_every: int = 200, sample_every: int = 200,
              device: str = "cpu", progress: Callable[[int, int, float], None] | None = None, seed: int = 0) -> TrainReport:
    out = Path(out)
    (out / "samples").mkdir(parents=True, exist_ok=True)
    latest = out / "gmm-latest.safetensors"
    torch.manual_seed(seed)
    # 1. the model and optimiser, resumed from the latest checkpoint when there is one
    model, opt, start = _start(latest if resume and latest.exists() else None, cfg, lr, device)
    # 2. the batches
    on_gpu = torch.device(device).type != "cpu"
    loader = _loader(VitonDataset(data, model.cfg), batch_size, seed + start, on_gpu)
    # 3. the steps, each with its loss.csv row; samples and checkpoints every so many steps
    log_path = out / "loss.csv"
    new_log = not log_path.exists() or start == 0
    t0 = time.perf_counter()
    with open(log_path, "w" if new_log else "a", newline="") as fh:
        writer = csv.writer(fh)
        if new_log:
            writer.writerow(["step", "loss", "seconds"])
        losses = _LossLog(writer, t0, start, steps, progress)
        step = start
        while step < start + steps:
            for batch in loader:
                if step >= start + steps:
                    break
                b = {k: v.to(device, non_blocking=on_gpu) for k, v in batch.items()}
                warped, loss = _train_step(model, opt, b)
                step += 1
                last = step == start + steps
                losses.add(step, loss, flush=(last or step % sample_every == 0 or step % save_every == 0))
                if step % sample_every == 0 or last:
                    _sample_grid(out / "samples" / f"step-{step:06d}.png", b, warped)
                if step % save_every == 0 or last:
                    save_checkpoint(out / f"gmm-step{step:06d}.safetensors", model, opt, step)
                    save_checkpoint(latest, model, opt, step)
    return TrainReport(steps, start, losses.first, losses.last, time.perf_counter() - t0, str(latest))


def _start(checkpoint: Path | None, cfg: GmmConfig | None, lr: float, device: str):
    if checkpoint is not None:
        model, meta, start, opt_tensors = load_checkpoint(checkpoint, device)
        log.info("resuming GMM training at step %d", start)
    else:
        model, meta, start, opt_tensors = GMM(cfg or GmmConfig()).to(device), {}, 0, {}
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.999))
    if opt_tensors:
        _restore_optimizer(opt, meta, opt_tensors)
    model.train()
    return model, opt, start


def _loader(ds: VitonDataset, batch_size: int, seed: int, on_gpu: bool) -> torch.utils.data.DataLoader:
    # On a GPU, decoding PNGs and drawing pose maps in the training process starves the device: worker processes
    # prepare the next batches meanwhile, into pinned memory. On the CPU they would only compete for the same cores.
    workers = min(4, max(0, (os.cpu_count() or 1) - 1)) if on_gpu else 0
    return torch.utils.data.DataLoader(ds, batch_size=min(batch_size, len(ds)), shuffle=True, drop_last=False,
                                       generator=torch.Generator().manual_seed(seed), num_workers=workers,
                                       pin_memory=on_gpu, persistent_workers=workers > 0)


def _train_step(model: GMM, opt: torch.optim.Optimizer, b: dict) -> tuple[torch.Tensor, torch.Tensor]:
    warped, warped_mask, _ = model(b["agnostic"], b["cloth"], b["cloth_mask"])
    loss = F.l1_loss(warped * b["target_mask"], b["target"]) + F.l1_loss(warped_mask, b["target_mask"])
    opt.zero_grad()
    loss.backward()
    opt.step()
    return warped, loss.detach()


class _LossLog:
    """Reading the loss back every step waits for the GPU each time; losses are kept on the device and read in one
    copy every `read_every` steps (and before a sample, a checkpoint and the end). Every step still gets its row."""

    def __init__(self, writer, t0: float, start: int, steps: int, progress) -> None:
        self.writer, self.t0, self.start, self.steps, self.progress = writer, t0, start, steps, progress
        self.pending: list[tuple[int, torch.Tensor]] = []
        self.first = self.last = float("nan")

    def add(self, step: int, loss: torch.Tensor, flush: bool) -> None:
        self.pending.append((step, loss))
        read_every = 25 if loss.device.type != "cpu" else 1
        if len(self.pending) >= read_every or flush:
            values = torch.stack([v for _, v in self.pending]).float().cpu().tolist()
            now = f"{time.perf_counter() - self.t0:.2f}"
            for (done, _), value in zip(self.pending, values):
                self.last = float(value)
                self.first = self.last if self.first != self.first else self.first  # first step's loss (NaN check)
                self.writer.writerow([done, f"{self.last:.6f}", now])
                if self.progress:
                    self.progress(done - self.start, self.steps, self.last)
            self.pending.clear()


def _sample_grid(path: Path, b: dict, warped: torch.Tensor) -> None:
    """One row per sample: garment | warped garment | target (worn garment) | person."""
    to = lambda x: ((x.detach().cpu().clamp(-1, 1) + 1) * 127.5).byte().permute(1, 2, 0).numpy()  # noqa: E731
    rows = [np.concatenate([to(b["cloth"][i]), to(warped[i]), to(b["target"][i]), to(b["image"][i])], 1)
            for i in range(min(4, warped.shape[0]))]
    Image.fromarray(np.concatenate(rows, 0)).save(path)


# ---- inference backend -------------------------------------------------------------------------------
class GmmTryOn(ClassicTryOn):
    """The classic compositing with the warp predicted by a trained GMM instead of landmark TPS."""

    name = "gmm"
    drape_parts = False  # the learned warp moves the whole flat-lay, sleeves included

    def __init__(self, checkpoint: str | Path | None, device: str = "auto") -> None:
        from core.weights import pick_device

        if not checkpoint:
            raise AtelierError("The gmm backend needs a checkpoint: set ATELIER_GMM_CHECKPOINT or train one with "
                               "`python -m core train-gmm --data VITON_HD_DIR`.")
        self.device = pick_device(device)
        self.model, _, self.step, _ = load_checkpoint(checkpoint, self.device)
        self.model.eval()

    def run(self, person_img, garment_img, kind: str = "upper", person=None, seed: int = 0, progress=None):
        result = super().run(person_img, garment_img, kind, person, seed, progress)
        result.notes.append(f"warp from the GMM checkpoint at step {self.step}")
        return result

    @torch.inference_mode()
    def warp(self, garment_img, gmask, src, dst, person, kind):
        cfg = self.model.cfg
        W, H = person.image.size
        small = person.image.resize((cfg.width, cfg.height), Image.BILINEAR)
        img = np.asarray(small, np.float32) / 255.0
        body = cv2.resize(person.mask.astype(np.uint8), (cfg.width, cfg.height), interpolation=cv2.INTER_NEAREST) > 0
        head = np.zeros_like(body)
        neck_y = int(min(person.point("l_shoulder")[1], person.point("r_shoulder")[1]) * cfg.height / H)
        head[:max(0, neck_y)] = body[:max(0, neck_y)]
        kp = person.openpose18()
        a = agnostic(img, body, head, kp, cfg, (cfg.width / W, cfg.height / H))
        g = np.asarray(garment_img.convert("RGB").resize((cfg.width, cfg.height), Image.BILINEAR), np.float32) / 127.5 - 1
        moved = self.model.control_points(torch.from_numpy(a)[None].to(self.device),
                                          torch.from_numpy(g.transpose(2, 0, 1))[None].to(self.device))
        # TPS parameters live in normalised coordinates: apply the same warp at full resolution.
        full = np.asarray(garment_img.convert("RGB").resize((W, H), Image.BILINEAR), np.float32) / 255.0
        m = cv2.resize(gmask.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
        stack = torch.from_numpy(np.concatenate([full, m[..., None]], 2).transpose(2, 0, 1))[None].to(self.device)
        out = GMM.warp(stack, self.model.base_grid[None], moved)[0].permute(1, 2, 0).cpu().numpy()
        return out[..., :3], np.clip(out[..., 3], 0, 1)
