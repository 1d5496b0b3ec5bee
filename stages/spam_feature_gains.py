"""Measure each spam feature set's gain for the chosen classifier by group-aware CV on the training messages."""

from homl import io, params, spam_filter, stage


def main() -> None:
    args = stage.paths(__doc__, "train", "choice", "gains")
    cfg, seed = params.load("spam", spam_filter.Params), params.load("seed", int)
    gains = spam_filter.feature_gains(io.read_table(args.train), cfg, io.read_json(args.choice), seed)
    io.write_csv(args.gains, gains)


if __name__ == "__main__":
    stage.run(main)
