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
    candidates, choice, model = survival.grid_search(X, y, cfg.switched_on, classifier, grid, cfg.cv, seed)
    io.save_model(args.model, model)
    io.write_choice(args.choice, choice)
    figures = {k: v for k, v in choice.items() if k != "repeated_cv_scores"}  # the scores stay in the choice
    io.write_metrics(args.metrics, {**figures, "candidates": len(candidates)})


if __name__ == "__main__":
    stage.run(main)
