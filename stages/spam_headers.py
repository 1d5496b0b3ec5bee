"""The shortcut check: the chosen spam classifier trained and tested again with the other `strip_headers` choice."""

from homl.core import io, params, stage
from homl.spam import spam_filter


def main() -> None:
    args = stage.paths(__doc__, "train", "test", "choice", "metrics")
    cfg, seed = params.load("spam", spam_filter.Params), params.load("seed", int)
    choice = io.read_json(args.choice)
    strip_headers = not cfg.preprocessing["strip_headers"]
    preprocessing = {**cfg.preprocessing, "strip_headers": strip_headers}
    figures, model = spam_filter.with_threshold(io.read_table(args.train), cfg, choice, seed, preprocessing)
    metrics, *_ = spam_filter.evaluate(model, io.read_table(args.test))
    io.write_metrics(
        args.metrics,
        {"strip_headers": strip_headers, "classifier": choice["classifier"], **figures, "test": metrics},
    )


if __name__ == "__main__":
    stage.run(main)
