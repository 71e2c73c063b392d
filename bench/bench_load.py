"""Pipeline load time and peak memory with and without accelerate (prints figures, not a test).

Without accelerate, diffusers builds each model with random weights and then copies the checkpoint in
(`low_cpu_mem_usage=False`, its fallback when accelerate is missing); with it, the model is built on the meta
device and the weights are loaded once. Each load runs in a fresh process; peak memory is that process's peak
resident size (VmHWM), and the figure that matters is the ratio without/with.

    .venv/bin/python -m bench.bench_load            # tiny random SD inpainting pipeline (seconds)
    nice -n 10 .venv/bin/python -m bench.bench_load --full   # + full-size SD-1.5 inpainting, random weights
                                                   # built from its configs (3.4 GB UNet; about 5 GB on disk)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHILD = r"""
import json, sys, time
import torch, diffusers
from diffusers import AutoPipelineForInpainting
mode, folder = sys.argv[1], sys.argv[2]
t1 = time.perf_counter()
if mode != "imports":
    pipe = AutoPipelineForInpainting.from_pretrained(folder, safety_checker=None, requires_safety_checker=False,
                                                     low_cpu_mem_usage=(mode == "accelerate"))
    params = [p for m in (pipe.unet, pipe.vae, pipe.text_encoder) for p in m.parameters()]
    n = sum(p.numel() for p in params)
    # Read every weight once, as the first generation does: memory-mapped safetensors count only when touched.
    t_touch = time.perf_counter()
    float(sum(p.detach().float().abs().sum() for p in params))
    touch_s = time.perf_counter() - t_touch
else:
    n, touch_s, t_touch = 0, 0.0, time.perf_counter()
# VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's size and exec does not reset it.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"load_s": t_touch - t1, "touch_s": touch_s, "peak_kib": hwm, "params": n}))
"""


def build_full_inpaint(path: Path) -> Path:
    """SD-1.5 inpainting's architecture (UNet 9-channel, VAE, CLIP ViT-L/14 text encoder) with random weights."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    from testkit.tiny_models import tiny_tokenizer

    torch.manual_seed(0)
    with torch.no_grad():
        unet = UNet2DConditionModel(sample_size=64, in_channels=9, out_channels=4, cross_attention_dim=768,
                                    attention_head_dim=8, layers_per_block=2,
                                    block_out_channels=(320, 640, 1280, 1280))
        vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=512,
                            block_out_channels=(128, 256, 512, 512),
                            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
        text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                            num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                                            hidden_act="quick_gelu", projection_dim=768))
    pipe = StableDiffusionInpaintPipeline(vae=vae, text_encoder=text, tokenizer=tiny_tokenizer(), unet=unet,
                                          scheduler=DDIMScheduler(steps_offset=1), safety_checker=None,
                                          feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(path)
    return path


def measure(mode: str, folder: Path) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(folder)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    if proc.wait() != 0:
        raise SystemExit(f"child {mode} failed with status {proc.returncode}")
    res = json.loads(out.strip().splitlines()[-1])
    res["peak_mib"] = res["peak_kib"] / 1024
    return res


def report(label: str, folder: Path, repeats: int) -> None:
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
    imports = measure("imports", folder)
    rows = {}
    for mode in ("accelerate", "no-accelerate"):
        runs = [measure(mode, folder) for _ in range(repeats)]
        best = min(runs, key=lambda r: r["load_s"])
        rows[mode] = best | {"peak_mib": max(r["peak_mib"] for r in runs)}
    a, b = rows["accelerate"], rows["no-accelerate"]
    print(f"\n{label}: {a['params'] / 1e6:.1f} M parameters, {size:,.0f} MiB on disk; "
          f"imports alone peak at {imports['peak_mib']:,.0f} MiB")
    print(f"  {'':<16}{'load s':>10}{'first read s':>14}{'peak MiB':>12}{'peak - imports':>16}")
    for mode, r in rows.items():
        print(f"  {mode:<16}{r['load_s']:>10.2f}{r['touch_s']:>14.2f}{r['peak_mib']:>12,.0f}"
              f"{r['peak_mib'] - imports['peak_mib']:>16,.0f}")
    extra_a, extra_b = a["peak_mib"] - imports["peak_mib"], b["peak_mib"] - imports["peak_mib"]
    print(f"  without/with accelerate: load time x{b['load_s'] / a['load_s']:.2f}, "
          f"memory above imports x{extra_b / max(extra_a, 1):.2f} (weights on disk: {size:,.0f} MiB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="also the full-size SD-1.5 inpainting (slow to build)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--build-full", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build_full:
        build_full_inpaint(Path(args.build_full))
        return
    try:
        import accelerate  # noqa: F401
    except ImportError:
        raise SystemExit("accelerate is not installed: pip install -r requirements.txt")
    from testkit.tiny_models import build_tiny_inpaint

    with tempfile.TemporaryDirectory() as tmp:
        report("tiny SD inpainting (random)", build_tiny_inpaint(Path(tmp) / "tiny"), args.repeats)
        if args.full:
            t0 = time.perf_counter()
            folder = Path(tmp) / "full"  # built in its own process, so this one stays small
            subprocess.run([sys.executable, "-m", "bench.bench_load", "--build-full", str(folder)], cwd=ROOT,
                           check=True)
            print(f"\n(built and saved the full-size pipeline in {time.perf_counter() - t0:.0f} s)")
            report("full-size SD-1.5 inpainting (random weights)", folder, 1)


if __name__ == "__main__":
    main()
