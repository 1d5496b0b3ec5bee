"""The chosen preprocessing variant plus shift augmentation, fitted on the training set, evaluated on the test set."""

from homl.core import evaluation, io, params, selection, stage
from homl.data import mnist
from homl.digits import evaluate
from homl.digits.images import ShiftParams, augment_with_shifts, preprocess
from homl.digits.knn import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "choice", "metrics")
    shifts = params.load("augment", ShiftParams)
    data = mnist.load(args.mnist)
    choice = io.read_json(args.choice)
    chosen = dict(choice["hyperparameters"])
    deskewed, sigma = chosen.pop("deskew"), chosen.pop("blur_sigma")
    train = preprocess(data.train_images, deskewed, sigma)
    test = preprocess(data.test_images, deskewed, sigma)
    train, labels = augment_with_shifts(train, data.train_labels, shifts.directions, shifts.distance)
    model = KNNClassifier(**chosen).fit(train, labels)
    proba = evaluate.classify(model, test)
    metrics = evaluation.classification_metrics(data.test_labels, model.classes_[proba.argmax(axis=1)])
    io.write_metrics(
        args.metrics,
        {**selection.flat(choice), "train_images": len(labels), **metrics},
    )


if __name__ == "__main__":
    stage.run(main)
