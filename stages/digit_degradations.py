"""MNIST test digits written and photographed worse (pencil on grey paper, blur, thicker and thinner strokes,
each at a few strengths), read by the chosen reader as `homl predict-digit` reads a photo, then classified
by every saved digit model."""

import numpy as np

from homl.core import figures, io, params, stage
from homl.data import mnist
from homl.digits import evaluate, reading


def main() -> None:
    args = stage.paths(__doc__, "mnist", "reader", "metrics", "table", "examples_png", "models...")
    cfg, seed = params.load("digit_degradations", reading.DegradationParams), params.load("seed", int)
    data = mnist.load(args.mnist)
    drawn = np.sort(np.random.default_rng(seed).choice(len(data.test_labels), cfg.digits, replace=False))
    photos = reading.photographs(data.test_images[drawn], cfg.degradations)
    reader = io.load_model(args.reader)
    models = {path.stem: evaluate.verbose(io.load_model(path), 0) for path in args.models}
    table = reading.accuracies({"chosen": reader}, models, photos, data.test_labels[drawn])
    table = table.drop(columns="reader")
    io.write_csv(args.table, table)
    by_model = table.pivot(index="degradation", columns="model", values="accuracy").loc[
        table["degradation"].unique()
    ]
    io.write_metrics(args.metrics, {"digits": cfg.digits, "accuracy": by_model.to_dict()})
    shown = [photo[0] for photo in photos.values()]  # the first digit under each degradation, then read
    figures.digit_grid(
        args.examples_png,
        [255 - photo for photo in shown] + [reader.read(photo) for photo in shown],  # dark ink shown dark
        [*by_model.index, *(f"read: {name}" for name in by_model.index)],
        columns=len(shown),
        value_range=(0, 255),
    )


if __name__ == "__main__":
    stage.run(main)
