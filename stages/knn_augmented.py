"""Fit the chosen KNN on the shift-augmented training set; evaluate on the 10,000 test images."""

from homl import evaluation, io, stage
from homl.data import mnist
from homl.knn import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "augmented", "choice", "metrics")
    data = mnist.load(args.mnist)
    augmented = io.load_arrays(args.augmented)
    chosen = io.read_json(args.choice)["hyperparameters"]
    model = KNNClassifier(**chosen).fit(augmented["images"], augmented["labels"])
    predicted = model.predict(data.test_images, progress="test set")
    metrics = evaluation.classification_metrics(data.test_labels, predicted)
    io.write_json(args.metrics, {**chosen, "train_images": len(augmented["labels"]), **metrics})


if __name__ == "__main__":
    stage.run(main)
