"""Benchmark: how fast the `homl` commands answer, each run in a new process as a user runs it.

For `homl predict-digit` (the default model, the artifact digit-classifier) and `homl denoise` (the
artifact digit-denoiser): the wall time and peak memory of one image from a new process (cold start:
imports, loading the model, the answer), and the images per second after loading, from one call with
BATCH images against one call with one. MNIST test digits are the images (noisy ones for `denoise`).
Peak memory is that process's own (each command runs under its own small parent, so no other child's
peak is counted).

Writes bench/results/commands.json. Run after `dvc repro`:  python bench/commands.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image
from timing import RESULTS_DIR, provenance

from homl.core import io, pipeline
from homl.data import mnist

RESULTS = RESULTS_DIR / "commands.json"
BATCH = 1000  # enough that the work after loading, not two start-ups' spread, sets the images per second
REPEATS = 3
HOML = str(Path(sys.executable).parent / "homl")
# Runs one command and prints its wall seconds (from its start to its exit, this parent's own start-up left
# out) and its peak resident memory in kB (the only child of this parent).
MEASURED = "import resource, subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def run(*command: str) -> tuple[float, float]:
    """Wall seconds and peak MB of one command in a new process, best time of REPEATS."""
    best, peak = float("inf"), 0.0
    for _ in range(REPEATS):
        out = subprocess.run(
            [sys.executable, "-c", MEASURED, *command], check=True, capture_output=True, text=True
        ).stdout
        seconds, kilobytes = out.split()[-2:]
        best, peak = min(best, float(seconds)), max(peak, int(kilobytes) / 1024)
    return best, peak


def save_pngs(images: np.ndarray, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        paths.append(str(folder / f"{i:04d}.png"))
        Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(paths[-1])
    return paths


def measure(command: str, paths: list[str], one: tuple[str, ...] = (), many: tuple[str, ...] = ()) -> dict:
    """The command on one image (options `one`), then on every image in one call (options `many`)."""
    one_seconds, one_mb = run(HOML, command, paths[0], *one)
    batch_seconds, batch_mb = run(HOML, command, *paths, *many)
    per_second = (len(paths) - 1) / max(batch_seconds - one_seconds, 1e-9)
    print(
        f"{command}: one image {one_seconds:.2f} s, {one_mb:,.0f} MB; {per_second:.0f} images/s after loading"
    )
    return {
        "cold_start_seconds": one_seconds,
        "cold_start_peak_mb": one_mb,
        "batch_images": len(paths),
        "batch_seconds": batch_seconds,
        "batch_peak_mb": batch_mb,
        "images_per_second_after_loading": per_second,
    }


def main() -> None:
    data = mnist.load(pipeline.output("fetch_mnist"))
    noisy = io.load_arrays(pipeline.output("noisy_mnist"), ["test_images"])["test_images"]
    with tempfile.TemporaryDirectory() as scratch:
        digits = save_pngs(data.test_images[:BATCH], Path(scratch, "digits"))
        noisy_digits = save_pngs(noisy[:BATCH], Path(scratch, "noisy"))
        results = {
            **provenance(),
            "predict_digit": measure("predict-digit", digits),
            "denoise": measure(
                "denoise",
                noisy_digits,
                ("-o", str(Path(scratch, "one.png"))),
                ("-o", str(Path(scratch, "out"))),
            ),
        }
    io.write_json(RESULTS, results)


if __name__ == "__main__":
    main()
