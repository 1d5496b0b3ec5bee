"""Benchmark: the closed form and mini-batch GD on 10,000,000 x 20 rows against scikit-learn.

Each solver runs in a process of its own that makes the data and fits it, so that its peak memory
(`ru_maxrss`) is its own, not inherited from the solver before it; a process that only makes the data gives
the baseline. Writes bench/results/linreg_large.json (wall time of the fit, peak memory, distance to the
closed form). Needs about 5 GB of memory (scikit-learn copies X).
python bench/linreg_large.py [--rows N] [--out PATH]
"""

import argparse
import multiprocessing
import resource
import time
from pathlib import Path

import numpy as np
from timing import RESULTS_DIR, provenance

from homl.core import io

RESULTS = RESULTS_DIR / "linreg_large.json"
FEATURES, BATCH_SIZE, N_EPOCHS, T0, T1, SEED = 20, 1000, 2, 50, 1000, 42
SOLVERS = ("normal_equation", "minibatch_gd", "sklearn_linear_regression", "sklearn_sgd_regressor")


def solver(name: str):
    from sklearn.linear_model import LinearRegression, SGDRegressor

    from homl.linreg.linear import MiniBatchGD, NormalEquation

    return {
        "normal_equation": lambda: NormalEquation(),
        "minibatch_gd": lambda: MiniBatchGD(BATCH_SIZE, N_EPOCHS, T0, T1, SEED),
        "sklearn_linear_regression": lambda: LinearRegression(),
        "sklearn_sgd_regressor": lambda: SGDRegressor(
            max_iter=N_EPOCHS, tol=None, penalty=None, random_state=SEED
        ),
    }[name]()


def fit_alone(rows: int, name: str | None) -> dict:
    """In a fresh process: make the data, fit `name` (None: nothing), and report its own peak memory."""
    from homl.linreg.datasets import large_synthetic_data
    from homl.linreg.linear import theta_of

    X, y, _ = large_synthetic_data(rows, FEATURES, SEED)
    report = {"data_mb": (X.nbytes + y.nbytes) / 2**20}
    if name is not None:
        model = solver(name)
        started = time.perf_counter()
        model.fit(X, y)
        report |= {"seconds": time.perf_counter() - started, "theta": theta_of(model).tolist()}
    return report | {"peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def in_own_process(rows: int, name: str | None) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fit_alone, (rows, name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    baseline = in_own_process(args.rows, None)
    report = {
        **provenance(),
        "rows": args.rows,
        "features": FEATURES,
        "data_mb": baseline["data_mb"],
        "data_only_peak_memory_mb": baseline["peak_memory_mb"],
        "batch_size": BATCH_SIZE,
        "n_epochs": N_EPOCHS,
    }
    fits = {name: in_own_process(args.rows, name) for name in SOLVERS}
    closed_form = np.array(fits["normal_equation"]["theta"])
    report["solvers"] = {}
    for name, fit in fits.items():
        report["solvers"][name] = {
            "seconds": fit["seconds"],
            "peak_memory_mb": fit["peak_memory_mb"],
            "distance_to_closed_form": float(np.linalg.norm(np.array(fit["theta"]) - closed_form)),
        }
        print(f"{name}: {fit['seconds']:.1f} s, peak memory {fit['peak_memory_mb']:.0f} MB")
    io.write_json(args.out, report)


if __name__ == "__main__":
    main()
