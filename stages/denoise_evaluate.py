"""Score each method's cleaning of the noisy test digits against the clean ones (MSE, PSNR), and ask the
KNN digit classifier to recognize them: does cleaning help it? The noisy digits themselves are the baseline."""

import numpy as np
import pandas as pd

from homl.core import figures, io, stage
from homl.data import mnist
from homl.digits import evaluate
from homl.digits.images import mse, psnr

N_SHOWN = 10


def main() -> None:
    args = stage.paths(
        __doc__, "mnist", "noisy", "cleaned", "choice", "classifier", "metrics", "table", "png"
    )
    data, choice = mnist.load(args.mnist), io.read_json(args.choice)
    image_sets = {
        "noisy": io.load_arrays(args.noisy, ["test_images"])["test_images"],
        **io.load_arrays(args.cleaned, list(choice["methods"])),
    }
    classifier = evaluate.verbose(io.load_model(args.classifier))
    scores = {
        name: {
            "mse": mse(images, data.test_images),
            "psnr_db": psnr(images, data.test_images),
            "knn_accuracy": float(np.mean(classifier.predict(images) == data.test_labels)),
        }
        for name, images in image_sets.items()
    }
    io.write_metrics(args.metrics, {**scores, "saved": choice["saved"]})
    io.write_csv(args.table, pd.DataFrame(scores).T.rename_axis("images").reset_index())
    rows = [*image_sets.values(), data.test_images]
    shown = np.concatenate([images[:N_SHOWN] for images in rows])
    captions = [
        label if column == 0 else "" for label in [*image_sets, "target"] for column in range(N_SHOWN)
    ]
    figures.digit_grid(args.png, shown, captions, columns=N_SHOWN)


if __name__ == "__main__":
    stage.run(main)
