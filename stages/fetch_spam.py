"""Fetch the SpamAssassin public corpus as one message table (part of it in a quick run); write its counts as
metrics."""

from homl.core import io, params, stage
from homl.data import spam


def main() -> None:
    args = stage.paths(__doc__, "out", "counts")
    quick = params.quick()
    source, seed = params.load("data.spam.source", spam.Source), params.load("seed", int)
    counts = spam.fetch(source, args.out, share=quick.spam_share if quick else 1.0, seed=seed)
    io.write_metrics(args.counts, counts)


if __name__ == "__main__":
    stage.run(main)
