"""Grid-search one classifier of the Titanic survival pipeline by cross-validation on the training part."""

from homl.core import errors, io, params, stage
from homl.data import titanic
from homl.titanic import survival


def main() -> None:
    args = stage.paths(__doc__, "classifier", "train", "model", "choice", "metrics")
    cfg, seed = params.load("titanic", survival.Params), params.load("seed", int)
    classifier = str(args.classifier)
    if classifier not in cfg.classifiers:
        raise errors.ParamsError(
            f"titanic.classifiers.{classifier}: missing; listed: {', '.join(cfg.classifiers)}"
        )
    X, y = titanic.features_and_target(titanic.load(args.train))
    grid = cfg.classifiers[classifier]
    candidates, choice, model = survival.grid_search(
        X, y, cfg.switched_on, classifier, grid, cfg.cv.folds, seed
    )
    io.save_model(args.model, model)
    io.write_choice(args.choice, choice)
    io.write_json(args.metrics, {**choice, "candidates": len(candidates)})


if __name__ == "__main__":
    stage.run(main)
