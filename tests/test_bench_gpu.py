"""bench/bench_gpu.py's quick mode: the same code paths as the GPU run (SD-1.5 inpainting through the Creative
Director loader, CatVTON on it, CLIP ingest against the model alone, GMM training split into its parts) on tiny
models on the CPU; every section prints its figures."""
import re

import pytest


@pytest.mark.slow  # four model families built and run: about 95 s on a busy 2-core box
def test_bench_gpu_quick_runs_every_section_and_prints_figures(capsys):
    from bench import bench_gpu

    bench_gpu.main(["--quick"])
    out = capsys.readouterr().out
    assert re.search(r"inpainting: loaded through core\.design\.DiffusersInpaint", out)
    assert re.search(r"64x64, 2 steps: [\d.]+s = [\d.]+ s/step", out)
    assert re.search(r"catvton: 64x128, 1 steps with guidance: [\d.]+s = [\d.]+ s/step", out)
    assert re.search(r"clip tiny: ingest [\d.]+ images/s .* vs [\d.]+ images/s for the model alone .* = [\d.]+ of raw; "
                     r"text query [\d.]+ ms", out)
    assert re.search(r"gmm 64x48 batch 4: train_gmm [\d.]+ steps/s .* data loading alone [\d.]+ s/batch; compute alone "
                     r"[\d.]+ s/step, [\d.]+ s/step with loss.item\(\)", out)
    assert "peak GPU memory" in out
