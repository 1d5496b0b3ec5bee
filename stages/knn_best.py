"""The best preprocessing variant plus shift augmentation, fitted on the training set, evaluated on the test set."""

from homl import evaluation, io, params, stage
from homl.data import mnist
from homl.images import augment_with_shifts, preprocess
from homl.neighbors import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "best", "metrics")
    shifts = params.load("augment")
    data = mnist.load(args.mnist)
    best = io.read_json(args.best)
    train = preprocess(data.train_images, best["deskew"], best["blur_sigma"])
    test = preprocess(data.test_images, best["deskew"], best["blur_sigma"])
    train, labels = augment_with_shifts(train, data.train_labels, shifts.directions, shifts.distance)
    model = KNNClassifier(best["n_neighbors"], best["weights"]).fit(train, labels)
    predicted = model.predict(test, progress="test set")
    metrics = evaluation.classification_metrics(data.test_labels, predicted)
    io.write_json(args.metrics, {**best, "train_images": len(labels), **metrics})


if __name__ == "__main__":
    stage.run(main)
