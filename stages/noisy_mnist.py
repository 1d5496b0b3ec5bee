"""Add the book's noise to every MNIST train and test image (range and seed from params.yaml)."""

import numpy as np

from homl.core import io, params, stage
from homl.data import mnist
from homl.digits.images import NoiseParams, add_noise


def main() -> None:
    args = stage.paths(__doc__, "mnist", "out")
    cfg, seed = params.load("noisy", NoiseParams), params.load("seed", int)
    data = mnist.load(args.mnist)
    rng = np.random.default_rng(seed)
    train = add_noise(data.train_images, cfg.low, cfg.high, rng)
    test = add_noise(data.test_images, cfg.low, cfg.high, rng)
    io.save_arrays(args.out, train_images=train, test_images=test)


if __name__ == "__main__":
    stage.run(main)
