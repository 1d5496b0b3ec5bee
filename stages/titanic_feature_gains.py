"""Measure each engineered feature's gain in CV accuracy for the best classifier (the README's "what mattered")."""

import dataclasses

from homl import io, params, stage, survival
from homl.data import titanic


def main() -> None:
    args = stage.paths(__doc__, "train", "reports", "gains")
    cfg = params.load("titanic")
    reports = survival.read_reports(args.reports)
    best = reports[survival.best_of(reports)]
    X, y = titanic.features_and_target(titanic.load(args.train))
    gains = survival.feature_gains(
        X,
        y,
        dataclasses.asdict(cfg.features),
        best["classifier"],
        best["hyperparameters"],
        cfg.cv.folds,
        cfg.cv.seed,
    )
    io.write_csv(args.gains, gains)


if __name__ == "__main__":
    stage.run(main)
