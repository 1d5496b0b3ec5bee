"""Fetch MNIST from the source in params.yaml, verify every array, save it as one .npz (part of it in a quick
run)."""

from homl.core import params, stage
from homl.data import mnist


def main() -> None:
    args = stage.paths(__doc__, "out")
    quick = params.quick()
    mnist.fetch(
        params.load("data.mnist.source", mnist.Source),
        args.out,
        keep=(quick.mnist_train, quick.mnist_test) if quick else None,
        seed=params.load("seed", int),
    )


if __name__ == "__main__":
    stage.run(main)
