"""Grid-search one classifier of the Titanic survival pipeline by cross-validation on the training part."""

import dataclasses

from homl import errors, evaluation, io, params, stage, survival
from homl.data import titanic


def main() -> None:
    args = stage.paths(__doc__, "classifier", "train", "model", "report")
    cfg = params.load("titanic")
    classifier = str(args.classifier)
    if classifier not in survival.CLASSIFIERS:
        raise errors.ParamsError(
            f"unknown classifier {classifier!r}; known: {', '.join(survival.CLASSIFIERS)}"
        )
    X, y = titanic.features_and_target(titanic.load(args.train))
    grid = dataclasses.asdict(getattr(cfg.classifiers, classifier))
    search = survival.grid_search(
        X, y, dataclasses.asdict(cfg.features), classifier, grid, cfg.cv.folds, cfg.cv.seed
    )
    io.save_model(args.model, search.best_estimator_)
    best = search.best_index_
    io.write_json(
        args.report,
        {
            "classifier": classifier,
            "cv_accuracy": search.cv_results_["mean_test_score"][best],
            "cv_std": search.cv_results_["std_test_score"][best],
            "candidates": len(search.cv_results_["params"]),
            "hyperparameters": evaluation.best_hyperparameters(search),
        },
    )


if __name__ == "__main__":
    stage.run(main)
