"""The GPU path, measured on full-size architectures with random weights (nothing is downloaded):

* SD-1.5 inpainting (UNet 860M, VAE, CLIP ViT-L/14 text encoder, built from their configs, saved, and loaded through
  the Creative Director's loader `core.design.DiffusersInpaint`) at 512 px / 50 steps and at 1024 px;
* CatVTON on that UNet (its self-attention file in CatVTON's layout) at 384x512, 50 steps;
* CLIP ViT-B/32 image ingest: images/s through the project's encoder (`ClipEncoder.encode_images`) against the
  model alone at a large batch, and text-query latency;
* GMM training steps/s at 256x192, batch 16, with the time split into data loading, compute and the loss read-back.

Prints seconds per step, peak GPU memory and images/s. Anchors (published, A100): SD-1.5 inpainting about 1.6 s for
50 steps; CatVTON about 2.6 s. `--quick` builds tiny versions of the same models and runs on the CPU (a test runs it).

    .venv/bin/python -m bench.bench_gpu            # on a GPU machine
    .venv/bin/python -m bench.bench_gpu --quick    # anywhere, seconds
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

ANCHORS_S = {"sd15_inpaint_512_50": 1.6, "catvton_384x512_50": 2.6}  # A100 figures to compare with


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _peak(device: str) -> str:
    if device.startswith("cuda"):
        return f"{torch.cuda.max_memory_allocated() / 2**30:.2f} GiB peak GPU memory"
    return "peak GPU memory: n/a on CPU"


def _reset(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def build_sd15_inpaint(path: Path, quick: bool) -> Path:
    """SD-1.5 inpainting's architecture from configs (random weights), saved like the real one."""
    if quick:
        from testkit.tiny_models import build_tiny_inpaint

        return build_tiny_inpaint(path)
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    from testkit.tiny_models import tiny_tokenizer

    unet = UNet2DConditionModel(
        sample_size=64, in_channels=9, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=768, attention_head_dim=8)
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=512,
                        block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                        num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
                                        pad_token_id=0, bos_token_id=2, eos_token_id=3))
    tok = tiny_tokenizer()
    tok.model_max_length = 77
    sched = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                          set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, scheduler=sched,
                                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(path)
    return path


def bench_inpaint(folder: Path, device: str, quick: bool) -> None:
    from core.design import DesignRequest, DiffusersInpaint

    t0 = time.perf_counter()
    backend = DiffusersInpaint(str(folder), device)
    print(f"inpainting: loaded through core.design.DiffusersInpaint in {time.perf_counter() - t0:.1f}s ({backend.info})")
    sizes = [(64, 2)] if quick else [(512, 50), (1024, 50)]
    for side, steps in sizes:
        img = Image.new("RGB", (side, side), (180, 150, 120))
        mask = np.zeros((side, side), bool)
        mask[side // 4: 3 * side // 4, side // 4: 3 * side // 4] = True
        req = DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255), "a red dress", steps=min(steps, 2), seed=0)
        backend.generate(req)  # warm-up (kernels, allocator)
        _reset(device)
        req = DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255), "a red dress", steps=steps, seed=0)
        _sync(device)
        t0 = time.perf_counter()
        backend.generate(req)
        _sync(device)
        s = time.perf_counter() - t0
        anchor = ANCHORS_S["sd15_inpaint_512_50"]
        ratio = f"; {s / anchor:.2f} x the A100 anchor ({anchor} s)" if side == 512 and steps == 50 else ""
        print(f"  {side}x{side}, {steps} steps: {s:.2f}s = {s / steps:.3f} s/step{ratio}; {_peak(device)}")


def bench_catvton(folder: Path, device: str, quick: bool) -> None:
    from core.tryon.catvton import CatVtonTryOn
    from core.tryon.croquis import draw_figure
    from testkit.tiny_models import build_tiny_catvton_attention

    with tempfile.TemporaryDirectory() as tmp:
        build_tiny_catvton_attention(folder, Path(tmp) / "catvton")
        size, steps = ((64, 128), 1) if quick else ((384, 512), 50)
        cat = CatVtonTryOn(Path(tmp) / "catvton", folder, device=device, steps=steps, size=size)
        person = draw_figure("average")
        garment = Image.open(ROOT / "assets" / "sample_catalog" / "images" / "tshirt-003.jpg")
        cat.run(person.image, garment, "upper", person=person)  # warm-up
        _reset(device)
        _sync(device)
        t0 = time.perf_counter()
        r = cat.run(person.image, garment, "upper", person=person)
        _sync(device)
        s = time.perf_counter() - t0
        anchor = ANCHORS_S["catvton_384x512_50"]
        print(f"catvton: {size[0]}x{size[1]}, {steps} steps with guidance: {s:.2f}s = {s / steps:.3f} s/step"
              + (f"; {s / anchor:.2f} x the A100 anchor ({anchor} s)" if not quick else "")
              + f"; {_peak(device)} (timings {', '.join(f'{k} {v:.2f}s' for k, v in r.timings.items())})")


def bench_clip(device: str, quick: bool) -> None:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    from core.encoders.clip import ClipEncoder
    from testkit.tiny_models import build_tiny_clip, tiny_tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "clip"
        if quick:
            build_tiny_clip(folder)
        else:  # CLIPConfig's defaults are ViT-B/32: 224 px, 32 px patches, 512-d projection
            cfg = CLIPConfig(text_config=dict(pad_token_id=0, bos_token_id=2, eos_token_id=3))
            CLIPModel(cfg).save_pretrained(folder)
            tiny_tokenizer().save_pretrained(folder)
            CLIPImageProcessor().save_pretrained(folder)
        enc = ClipEncoder(folder, device)
        n = 16 if quick else 512
        rng = np.random.default_rng(0)
        images = [Image.fromarray(rng.integers(0, 255, (384, 384, 3), dtype=np.uint8)) for _ in range(n)]
        enc.encode_images(images[:8])  # warm-up
        _reset(device)
        _sync(device)
        t0 = time.perf_counter()
        enc.encode_images(images)
        _sync(device)
        project = n / (time.perf_counter() - t0)
        model = enc.model
        side = model.config.vision_config.image_size
        batch = 16 if quick else 256
        pix = torch.randn(batch, 3, side, side, device=enc.device, dtype=next(model.parameters()).dtype)
        with torch.inference_mode():
            model.get_image_features(pixel_values=pix)
            _sync(device)
            t0 = time.perf_counter()
            reps = 2 if quick else 4
            for _ in range(reps):
                model.get_image_features(pixel_values=pix)
            _sync(device)
        raw = reps * batch / (time.perf_counter() - t0)
        enc.encode_texts(["a red dress"])
        lat = []
        for q in ("a red dress", "striped shirt", "black leather bag", "blue jeans", "white sneakers"):
            _sync(device)
            t0 = time.perf_counter()
            enc.encode_texts([q])
            _sync(device)
            lat.append(time.perf_counter() - t0)
        print(f"clip {'tiny' if quick else 'ViT-B/32'}: ingest {project:.1f} images/s through ClipEncoder.encode_images "
              f"(batch {enc.batch_size}) vs {raw:.1f} images/s for the model alone at batch {batch} "
              f"= {project / raw:.2f} of raw; text query {1000 * float(np.median(lat)):.1f} ms median; {_peak(device)}")


def bench_gmm(device: str, quick: bool) -> None:
    from core.tryon.gmm import GMM, GmmConfig, VitonDataset, train_gmm
    from testkit.viton_tiny import make_viton_tiny

    cfg = GmmConfig(height=64, width=48, ngf=8) if quick else GmmConfig(height=256, width=192)
    batch = 4 if quick else 16
    steps = 3 if quick else 60
    with tempfile.TemporaryDirectory() as tmp:
        make_viton_tiny(Path(tmp) / "data", n=batch * 2)
        # Data loading alone: the loader train_gmm builds.
        ds = VitonDataset(Path(tmp) / "data", cfg)
        loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True)
        t0 = time.perf_counter()
        got = 0
        while got < steps:
            for b in loader:
                got += 1
                if got >= steps:
                    break
        load_s = (time.perf_counter() - t0) / steps
        # Compute alone: one batch kept on the device, with and without reading the loss back every step.
        model = GMM(cfg).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        b = {k: v.to(device) for k, v in next(iter(loader)).items()}

        def step(read_back: bool):
            warped, warped_mask, _ = model(b["agnostic"], b["cloth"], b["cloth_mask"])
            loss = torch.nn.functional.l1_loss(warped * b["target_mask"], b["target"]) + \
                torch.nn.functional.l1_loss(warped_mask, b["target_mask"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            return float(loss.item()) if read_back else loss.detach()

        step(True)
        timing = {}
        for read_back in (True, False):
            _sync(device)
            t0 = time.perf_counter()
            for _ in range(steps):
                step(read_back)
            _sync(device)
            timing[read_back] = (time.perf_counter() - t0) / steps
        _reset(device)
        t0 = time.perf_counter()
        train_gmm(Path(tmp) / "data", Path(tmp) / "run", steps=steps, batch_size=batch, cfg=cfg, device=device,
                  save_every=10**9, sample_every=10**9)
        total = (time.perf_counter() - t0) / steps
        print(f"gmm {cfg.height}x{cfg.width} batch {batch}: train_gmm {1 / total:.2f} steps/s ({total:.3f} s/step, "
              f"{batch / total:.1f} images/s); data loading alone {load_s:.3f} s/batch; compute alone "
              f"{timing[False]:.3f} s/step, {timing[True]:.3f} s/step with loss.item() every step; {_peak(device)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="GPU figures on full-size random-weight architectures")
    ap.add_argument("--quick", action="store_true", help="tiny models on the CPU (seconds)")
    ap.add_argument("--only", choices=["inpaint", "catvton", "clip", "gmm"], action="append")
    args = ap.parse_args(argv)
    device = "cpu" if args.quick else ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu" and not args.quick:
        print("no GPU here: these are CPU figures for the full-size models (slow); the GPU figures are not measured")
    print(f"device: {torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu'}; torch {torch.__version__}")
    only = set(args.only or ["inpaint", "catvton", "clip", "gmm"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sd15-inpaint"
        if only & {"inpaint", "catvton"}:
            t0 = time.perf_counter()
            build_sd15_inpaint(folder, args.quick)
            print(f"built {'tiny' if args.quick else 'full-size SD-1.5'} inpainting from configs in "
                  f"{time.perf_counter() - t0:.1f}s")
        if "inpaint" in only:
            bench_inpaint(folder, device, args.quick)
        if "catvton" in only:
            bench_catvton(folder, device, args.quick)
    if "clip" in only:
        bench_clip(device, args.quick)
    if "gmm" in only:
        bench_gmm(device, args.quick)


if __name__ == "__main__":
    main()
