"""The shortcut check: train and test the spam model again with the other `strip_headers` choice."""

import dataclasses

from homl import io, params, spam_filter, stage


def main() -> None:
    args = stage.paths(__doc__, "train", "test", "metrics")
    cfg, seed = params.load("spam", spam_filter.Params), params.load("seed", int)
    strip_headers = not cfg.preprocessing["strip_headers"]
    cfg = dataclasses.replace(cfg, preprocessing={**cfg.preprocessing, "strip_headers": strip_headers})
    model, report, _ = spam_filter.train(io.read_table(args.train), cfg, seed)
    metrics, _, _ = spam_filter.evaluate(model, io.read_table(args.test))
    io.write_json(args.metrics, {"strip_headers": strip_headers, **report, "test": metrics})


if __name__ == "__main__":
    stage.run(main)
