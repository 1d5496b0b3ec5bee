"""Fingerprint the content of every data file (values, not bytes) for the reproduction check."""

from homl.core import io, stage
from homl.report.fingerprints import fingerprints


def main() -> None:
    args = stage.paths(__doc__, "out", "data...")
    io.write_json(args.out, fingerprints(args.data))


if __name__ == "__main__":
    stage.run(main)
