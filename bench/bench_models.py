"""What each generative model costs here: FLOPs counted on the real architectures, this machine's probe, a measured
UNet step, and the time-per-design estimate the Creative Director and Home show.

    python -m bench.bench_models            # FLOPs + probe + estimates (seconds)
    python -m bench.bench_models --measure  # also one real-size SD-1.5 inpainting UNet forward (random weights, fp32)

The FLOPs come from torch.utils.flop_counter over the diffusers classes built on the meta device with the real
configs (no weights needed). `--measure` times one forward of a random-initialised SD-1.5 inpainting UNet at
512x512 (the same compute as the real weights) and prints the measured GFLOP/s over the probe's: the ratio
core.weights.CPU_EFFICIENCY stands for.
"""
from __future__ import annotations

import argparse
import sys
import time


SD15_UNET = dict(sample_size=64, in_channels=9, out_channels=4, layers_per_block=2,
                 block_out_channels=(320, 640, 1280, 1280),
                 down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
                 up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, cross_attention_dim=768,
                 attention_head_dim=8)
SDXL_UNET = dict(sample_size=128, in_channels=9, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280),
                 down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                 up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                 transformer_layers_per_block=(1, 2, 10), cross_attention_dim=2048, attention_head_dim=(5, 10, 20),
                 use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=256,
                 projection_class_embeddings_input_dim=2816)
SD_VAE = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
              up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
              latent_channels=4, sample_size=512)


def gflop(fn) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as fc:
        fn()
    return fc.get_total_flops() / 1e9


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--measure", action="store_true", help="time one real-size SD-1.5 UNet forward on this machine")
    args = ap.parse_args()
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel

    import core.weights as w

    with torch.device("meta"):
        sd, xl, vae = UNet2DConditionModel(**SD15_UNET), UNet2DConditionModel(**SDXL_UNET), AutoencoderKL(**SD_VAE)
    m = lambda *s: torch.zeros(*s, device="meta")  # noqa: E731
    sd_step = gflop(lambda: sd(m(1, 9, 64, 64), 10, encoder_hidden_states=m(1, 77, 768)))
    cat_step = gflop(lambda: sd(m(1, 9, 128, 48), 10, encoder_hidden_states=m(1, 77, 768)))
    xl_step = gflop(lambda: xl(m(1, 9, 128, 128), 10, encoder_hidden_states=m(1, 77, 2048),
                               added_cond_kwargs={"text_embeds": m(1, 1280), "time_ids": m(1, 6)}))
    enc, dec = gflop(lambda: vae.encode(m(1, 3, 512, 512))), gflop(lambda: vae.decode(m(1, 4, 64, 64)))
    print(f"UNet forward: SD-1.5 inpainting 512x512 {sd_step:.0f} GFLOP; CatVTON 384x1024 latent {cat_step:.0f} GFLOP; "
          f"SDXL inpainting 1024x1024 {xl_step:.0f} GFLOP; SD VAE encode {enc:.0f}, decode {dec:.0f} GFLOP (512x512)")
    for model_id in ("stable-diffusion-v1-5/stable-diffusion-inpainting", "zhengchong/CatVTON",
                     "diffusers/stable-diffusion-xl-1.0-inpainting-0.1"):
        card = w.MODELS[model_id]
        print(f"  {model_id}: {card.gflop_per_run / 1000:.1f} TFLOP per design/try-on at the defaults (table)")
    here = w.machine()
    print(f"machine: {here.summary}; probe {here.probe_ms:.0f} ms")
    for model_id in ("stable-diffusion-v1-5/stable-diffusion-inpainting", "zhengchong/CatVTON",
                     "diffusers/stable-diffusion-xl-1.0-inpainting-0.1"):
        est = w.estimate_run(model_id, budget_s=120)
        print(f"  {model_id}: {est.text}; auto-picked if on disk: {est.ok}")
    if args.measure:
        torch.manual_seed(0)
        unet = UNet2DConditionModel(**SD15_UNET).eval()
        x, e = torch.randn(1, 9, 64, 64), torch.randn(1, 77, 768)
        with torch.inference_mode():
            t0 = time.perf_counter()
            unet(x, 10, encoder_hidden_states=e)
            dt = time.perf_counter() - t0
        probe, _ = w.cpu_gflops_probe()
        measured = sd_step / dt
        print(f"measured: one SD-1.5 UNet forward {dt:.1f} s = {measured:.1f} GFLOP/s; probe now {probe:.1f} GFLOP/s; "
              f"ratio {measured / probe:.2f} (core.weights.CPU_EFFICIENCY = {w.CPU_EFFICIENCY}); a 30-step design "
              f"with guidance would take about {w.human_seconds(dt * 60 + (2 * enc + dec) / measured)} here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
