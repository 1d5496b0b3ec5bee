"""The shortcut check: train and test the spam model again with the other `strip_headers` choice."""

import dataclasses

from homl import evaluation, io, params, spam_filter, stage


def main() -> None:
    args = stage.paths(__doc__, "train", "test", "metrics")
    cfg = params.load("spam")
    preprocessing = dataclasses.asdict(cfg.preprocessing)
    preprocessing["strip_headers"] = not preprocessing["strip_headers"]
    model, report, _ = spam_filter.train(
        io.read_table(args.train),
        preprocessing,
        dataclasses.asdict(cfg.vectorizer),
        {name: dataclasses.asdict(grid) for name, grid in vars(cfg.classifiers).items()},
        evaluation.stratified_folds(cfg.cv.folds, cfg.cv.seed),
        cfg.target_precision,
    )
    metrics, _ = spam_filter.evaluate(model, io.read_table(args.test))
    io.write_json(args.metrics, {"strip_headers": preprocessing["strip_headers"], **report, "test": metrics})


if __name__ == "__main__":
    stage.run(main)
