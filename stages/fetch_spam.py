"""Fetch the SpamAssassin public corpus as one message table; write its counts as metrics."""

from homl.core import io, params, stage
from homl.data import spam


def main() -> None:
    args = stage.paths(__doc__, "out", "counts")
    counts = spam.fetch(params.load("data.spam.source", spam.Source), args.out)
    io.write_json(args.counts, counts)


if __name__ == "__main__":
    stage.run(main)
