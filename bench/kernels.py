"""Benchmark: each heavy kernel against the machine's limit, measured in the same run.

The limit is this machine's float32 matrix product (numpy's BLAS on every core), timed on a product of
the size each kernel's arithmetic would have as one. For each kernel: the arithmetic it must do, the
arithmetic per second it reaches, and that as a share of the matrix product's (1.0 = at the limit):

- the IDM re-ranking (`homl.digits.idm.idm_distances`, the pipeline's window and context): per pair
  of images, for every shift, the squared differences over the patch span, the row and column sums of
  the box filter and the running minimum;
- the denoising search (`homl.digits.neighbors.kneighbors`, brute force as the denoiser runs it): noisy test
  digits against the 300,000 clean and shifted training digits, k = 200; its arithmetic is the distance
  matrix's product, 2 n_queries n_references 784;
- the exact neighbour search (`kneighbors` with its bounds): test digits against the 60,000 training
  digits, k = 10; the brute-force product it stands for, 2 n_queries n_references 784, over its time,
  so a share above 1 means the bounds save more than the product costs.

Writes bench/results/kernels.json. Run after `dvc repro`:  python bench/kernels.py
"""

import numpy as np
from timing import RESULTS_DIR, best_of, provenance

from homl.core import io, params, pipeline, stage
from homl.data import mnist
from homl.digits.idm import IDMClassifier, feature_planes, idm_distances
from homl.digits.images import DIRECTIONS, NoiseParams, augment_with_shifts, uniform_noise_moments
from homl.digits.neighbors import kneighbors

RESULTS = RESULTS_DIR / "kernels.json"
IDM_QUERIES, IDM_CANDIDATES = 1000, 50
DENOISE_QUERIES, DENOISE_K = 1000, 200
SEARCH_QUERIES, SEARCH_K = 10_000, 10
REPEATS = 3


def best_seconds(function) -> float:
    return best_of(function, REPEATS)[1]


def matmul_flops_per_second(rows: int, inner: int, columns: int) -> float:
    """The machine's limit: a float32 product of this size, best of REPEATS."""
    rng = np.random.default_rng(0)
    a = rng.random((rows, inner), dtype=np.float32)
    b = rng.random((inner, columns), dtype=np.float32)
    return 2 * rows * inner * columns / best_seconds(lambda: a @ b)


def idm_operations(height: int, width: int, window: int, context: int, planes: int) -> int:
    """The arithmetic one pair needs in `idm_distances` (the padding's columns it also computes, then drops, not counted)."""
    span_y, span_x, side = height + 2 * context, width + 2 * context, 2 * context + 1
    per_shift = (
        2 * planes * span_y * span_x  # difference and square, per plane
        + (side - 1) * span_y * width  # row sums
        + (side - 1) * height * width  # column sums
        + height * width  # running minimum
    )
    return (2 * window + 1) ** 2 * per_shift + height * width  # and the final sum


def share(name: str, operations: float, seconds: float, peak: float, **details) -> dict:
    rate = operations / seconds
    print(f"{name}: {seconds:.2f} s, {rate / 1e9:.1f} G operations/s, {rate / peak:.3f} of the limit")
    return {
        "seconds": seconds,
        "operations": operations,
        "operations_per_second": rate,
        "peak_flops": peak,
        "share_of_peak": rate / peak,
        **details,
    }


def idm_kernel(train: np.ndarray) -> dict:
    choice = io.read_json(pipeline.output("idm_search", suffix="choice.json"))["hyperparameters"]
    window, context, features = choice["window"], choice["context"], choice["features"]
    model = IDMClassifier(
        n_candidates=IDM_CANDIDATES, deskew=choice["deskew"], blur_sigma=choice["blur_sigma"]
    )
    references = model._prepared(train.reshape(len(train), -1))
    margin = window + context
    queries = feature_planes(references[:IDM_QUERIES], features, margin)
    planes = feature_planes(references[IDM_QUERIES:], features, margin)
    pairs = np.random.default_rng(0).integers(0, len(planes), (IDM_QUERIES, IDM_CANDIDATES))
    idm_distances(queries[:2], planes, pairs[:2], window, context, margin)  # compiled or loaded once
    seconds = best_seconds(lambda: idm_distances(queries, planes, pairs, window, context, margin))
    height, width = train.shape[1:]
    operations = (
        IDM_QUERIES * IDM_CANDIDATES * idm_operations(height, width, window, context, queries.shape[1])
    )
    # a float32 product of about the same arithmetic: queries x pixels x (candidates x shifts)
    peak = matmul_flops_per_second(IDM_QUERIES, height * width, IDM_CANDIDATES * (2 * window + 1) ** 2)
    return share(
        "IDM re-ranking",
        operations,
        seconds,
        peak,
        pairs=IDM_QUERIES * IDM_CANDIDATES,
        pairs_per_second=IDM_QUERIES * IDM_CANDIDATES / seconds,
        window=window,
        context=context,
    )


def denoising_search(train: np.ndarray, noisy_test: np.ndarray) -> dict:
    shifted, _ = augment_with_shifts(train, np.zeros(len(train)), list(DIRECTIONS), 1)
    references = shifted.reshape(len(shifted), -1)  # as the denoiser searches: the stored clean digits
    noise = params.load("noisy", NoiseParams)
    noise_mean = np.float32(uniform_noise_moments(noise.low, noise.high)[0])
    queries = noisy_test[:DENOISE_QUERIES].reshape(DENOISE_QUERIES, -1).astype(np.float32) - noise_mean
    seconds = best_seconds(lambda: kneighbors(queries, references, DENOISE_K, bounds=False))
    operations = 2 * DENOISE_QUERIES * len(references) * references.shape[1]
    peak = matmul_flops_per_second(DENOISE_QUERIES, references.shape[1], len(references))
    return share(
        "denoising search",
        operations,
        seconds,
        peak,
        queries=DENOISE_QUERIES,
        references=len(references),
        k=DENOISE_K,
    )


def exact_search(train: np.ndarray, test: np.ndarray) -> dict:
    queries, references = test.reshape(len(test), -1)[:SEARCH_QUERIES], train.reshape(len(train), -1)
    seconds = best_seconds(lambda: kneighbors(queries, references, SEARCH_K))
    operations = 2 * len(queries) * len(references) * references.shape[1]
    peak = matmul_flops_per_second(len(queries), references.shape[1], len(references))
    return share(
        "exact neighbour search (brute-force product it stands for)",
        operations,
        seconds,
        peak,
        queries=len(queries),
        references=len(references),
        k=SEARCH_K,
    )


def main() -> None:
    stage.keep_freed_memory()  # as in every stage
    data = mnist.load(pipeline.output("fetch_mnist"))
    noisy = io.load_arrays(pipeline.output("noisy_mnist"), ["test_images"])["test_images"]
    results = {
        **provenance(),
        "idm": idm_kernel(data.train_images),
        "denoising_search": denoising_search(data.train_images, noisy),
        "exact_search": exact_search(data.train_images, data.test_images),
    }
    io.write_json(RESULTS, results)


if __name__ == "__main__":
    main()
