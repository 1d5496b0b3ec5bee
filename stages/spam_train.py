"""Compare the spam classifiers by CV on the training messages; keep the best, at a threshold for the target precision."""

from homl import io, params, spam_filter, stage


def main() -> None:
    args = stage.paths(__doc__, "train", "model", "metrics", "comparison")
    model, report, comparison = spam_filter.train_as_configured(
        io.read_table(args.train), params.load("spam")
    )
    io.save_model(args.model, model)
    io.write_json(args.metrics, report)
    io.write_csv(args.comparison, comparison)


if __name__ == "__main__":
    stage.run(main)
