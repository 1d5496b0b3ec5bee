"""Measure each engineered feature's gain in CV accuracy for the chosen classifier (the README's "what mattered")."""

from homl.core import figures, io, params, stage
from homl.data import titanic
from homl.titanic import survival


def main() -> None:
    args = stage.paths(__doc__, "train", "models", "gains", "gains_png")
    cfg, seed = params.load("titanic", survival.Params), params.load("seed", int)
    _, best = survival.read_choices(args.models)
    X, y = titanic.features_and_target(titanic.load(args.train))
    gains = survival.feature_gains(
        X, y, cfg.switched_on, best["classifier"], best["hyperparameters"], cfg.cv.folds, seed
    )
    io.write_csv(args.gains, gains)
    figures.bars(args.gains_png, gains.set_index("feature")["gain"], "CV accuracy with it minus without it")


if __name__ == "__main__":
    stage.run(main)
