"""Compare the spam classifiers on every allowed combination of feature sets by CV on the training messages; keep
the best, at a threshold for the target precision, and measure each feature set's gain for it."""

from homl.core import io, params, stage
from homl.spam import spam_filter


def main() -> None:
    args = stage.paths(__doc__, "train", "model", "choice", "metrics", "comparison", "gains")
    cfg, seed = params.load("spam", spam_filter.Params), params.load("seed", int)
    model, choice, comparison, gains = spam_filter.train(io.read_table(args.train), cfg, seed)
    io.save_model(args.model, model)
    io.write_choice(args.choice, choice)
    io.write_metrics(args.metrics, choice)
    io.write_csv(args.comparison, comparison)
    io.write_csv(args.gains, gains)


if __name__ == "__main__":
    stage.run(main)
