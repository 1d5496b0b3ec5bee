"""Benchmark: the closed form and mini-batch GD on 10,000,000 x 20 rows against scikit-learn, in one process.

Writes bench/results/linreg_large.json (wall time, peak memory, distance to the closed form). Needs about
5 GB of memory (scikit-learn copies X).   python bench/linreg_large.py [--rows N] [--out PATH]
"""

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression, SGDRegressor

from homl import io
from homl.linear import MiniBatchGD, NormalEquation, large_synthetic_data, theta_of

RESULTS = Path(__file__).parent / "results" / "linreg_large.json"
FEATURES, BATCH_SIZE, N_EPOCHS, T0, T1, SEED = 20, 1000, 2, 50, 1000, 42


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    X, y, _ = large_synthetic_data(args.rows, FEATURES, SEED)
    models = {
        "normal_equation": NormalEquation(),
        "minibatch_gd": MiniBatchGD(BATCH_SIZE, N_EPOCHS, T0, T1, SEED),
        "sklearn_linear_regression": LinearRegression(),
        "sklearn_sgd_regressor": SGDRegressor(max_iter=N_EPOCHS, tol=None, penalty=None, random_state=SEED),
    }
    report = {
        "rows": args.rows,
        "features": FEATURES,
        "data_mb": (X.nbytes + y.nbytes) / 2**20,
        "cores": os.cpu_count(),
        "batch_size": BATCH_SIZE,
        "n_epochs": N_EPOCHS,
    }
    for name, model in models.items():  # in this order: the peak memory only grows
        started = time.perf_counter()
        model.fit(X, y)
        report[name] = {"seconds": time.perf_counter() - started, "peak_memory_mb": peak_memory_mb()}
        print(f"{name}: {report[name]['seconds']:.1f} s, peak memory {peak_memory_mb():.0f} MB")
    closed_form = models["normal_equation"].theta_
    for name, model in models.items():
        report[name]["distance_to_closed_form"] = float(np.linalg.norm(theta_of(model) - closed_form))
    io.write_json(args.out, report)


if __name__ == "__main__":
    main()
