"""Closed form and mini-batch GD on a large synthetic set, timed against scikit-learn (when linreg.large.enabled)."""

import resource
import time

from sklearn.linear_model import LinearRegression, SGDRegressor

from homl import io, params, stage
from homl.linear import MiniBatchGD, NormalEquation, large_synthetic_data, theta_of


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = stage.paths(__doc__, "metrics")
    cfg = params.load("linreg")
    large, schedule = cfg.large, cfg.minibatch_gd
    if not large.enabled:
        io.write_json(args.metrics, {"enabled": False})
        return
    X, y, _ = large_synthetic_data(large.rows, large.features, large.seed)
    data_mb = (X.nbytes + y.nbytes) / 2**20
    models = {
        "normal_equation": NormalEquation(),
        "minibatch_gd": MiniBatchGD(large.batch_size, large.n_epochs, schedule.t0, schedule.t1, large.seed),
        "sklearn_linear_regression": LinearRegression(),
        "sklearn_sgd_regressor": SGDRegressor(
            max_iter=large.n_epochs, tol=None, penalty=None, random_state=large.seed
        ),
    }
    report = {"enabled": True, "rows": large.rows, "features": large.features, "data_mb": data_mb}
    for name, model in models.items():
        started = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - started
        report[name] = {"seconds": seconds, "peak_memory_mb": peak_memory_mb()}
        print(f"{name}: {seconds:.1f} s, peak memory {peak_memory_mb():.0f} MB (data: {data_mb:.0f} MB)")
    closed_form = models["normal_equation"].theta_
    for name, model in models.items():
        report[name]["distance_to_closed_form"] = float(((theta_of(model) - closed_form) ** 2).sum() ** 0.5)
    io.write_json(args.metrics, report)


if __name__ == "__main__":
    stage.run(main)
