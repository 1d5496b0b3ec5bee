"""Fit the chosen KNN on the shift-augmented training set; evaluate on the 10,000 test images."""

from homl.core import evaluation, io, stage
from homl.data import mnist
from homl.digits import evaluate
from homl.digits.knn import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "augmented", "choice", "metrics")
    data = mnist.load(args.mnist)
    augmented = io.load_arrays(args.augmented)
    chosen = io.read_json(args.choice)["hyperparameters"]
    model = KNNClassifier(**chosen).fit(augmented["images"], augmented["labels"])
    proba = evaluate.classify(model, data.test_images)
    metrics = evaluation.classification_metrics(data.test_labels, model.classes_[proba.argmax(axis=1)])
    io.write_metrics(args.metrics, {**chosen, "train_images": len(augmented["labels"]), **metrics})


if __name__ == "__main__":
    stage.run(main)
