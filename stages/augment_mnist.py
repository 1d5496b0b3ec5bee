"""Add shifted copies of every MNIST training image (directions and distance from params.yaml)."""

from homl.core import io, params, stage
from homl.data import mnist
from homl.digits.images import ShiftParams, augment_with_shifts


def main() -> None:
    args = stage.paths(__doc__, "mnist", "out")
    cfg = params.load("augment", ShiftParams)
    data = mnist.load(args.mnist)
    images, labels = augment_with_shifts(data.train_images, data.train_labels, cfg.directions, cfg.distance)
    io.save_arrays(args.out, images=images, labels=labels)


if __name__ == "__main__":
    stage.run(main)
