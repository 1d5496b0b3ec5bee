"""Fit the best searched KNN on the shift-augmented training set; evaluate on the 10,000 test images."""

from homl import evaluation, io, stage
from homl.data import mnist
from homl.neighbors import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "augmented", "best", "metrics")
    data = mnist.load(args.mnist)
    augmented = io.load_arrays(args.augmented)
    best = io.read_json(args.best)
    model = KNNClassifier(best["n_neighbors"], best["weights"]).fit(augmented["images"], augmented["labels"])
    predicted = model.predict(data.test_images, progress="test set")
    metrics = evaluation.classification_metrics(data.test_labels, predicted)
    io.write_json(
        args.metrics,
        {
            "n_neighbors": best["n_neighbors"],
            "weights": best["weights"],
            "train_images": len(augmented["labels"]),
            **metrics,
        },
    )


if __name__ == "__main__":
    stage.run(main)
