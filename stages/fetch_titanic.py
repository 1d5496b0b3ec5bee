"""Fetch the 1,309 Titanic passengers from the source in params.yaml as a typed table."""

from homl.core import params, stage
from homl.data import titanic


def main() -> None:
    args = stage.paths(__doc__, "out")
    titanic.fetch(params.load("data.titanic.source", titanic.Source), args.out)


if __name__ == "__main__":
    stage.run(main)
