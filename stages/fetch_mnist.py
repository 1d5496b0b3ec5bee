"""Fetch MNIST from the source in params.yaml, verify every array, save it as one .npz."""

from homl.core import params, stage
from homl.data import mnist


def main() -> None:
    args = stage.paths(__doc__, "out")
    mnist.fetch(params.load("data.mnist.source", mnist.Source), args.out)


if __name__ == "__main__":
    stage.run(main)
