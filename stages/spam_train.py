"""Compare the spam classifiers by CV on the training messages; keep the best, at a threshold for the target precision."""

import dataclasses

from homl import evaluation, io, params, spam_filter, stage


def main() -> None:
    args = stage.paths(__doc__, "train", "model", "metrics", "comparison")
    cfg = params.load("spam")
    model, report, comparison = spam_filter.train(
        io.read_table(args.train),
        dataclasses.asdict(cfg.preprocessing),
        dataclasses.asdict(cfg.vectorizer),
        {name: dataclasses.asdict(grid) for name, grid in vars(cfg.classifiers).items()},
        evaluation.stratified_folds(cfg.cv.folds, cfg.cv.seed),
        cfg.target_precision,
    )
    io.save_model(args.model, model)
    io.write_json(args.metrics, report)
    io.write_csv(args.comparison, comparison)


if __name__ == "__main__":
    stage.run(main)
