"""Fit KNN with the chosen parameters on all 60,000 images; evaluate on the 10,000 test images."""

import time

from homl import evaluation, figures, io, selection, stage
from homl.data import mnist
from homl.knn import KNNClassifier

N_SHOWN_ERRORS = 24


def main() -> None:
    args = stage.paths(__doc__, "mnist", "choice", "model", "metrics", "confusion", "errors_png")
    data = mnist.load(args.mnist)
    choice = io.read_json(args.choice)
    model = KNNClassifier(**choice["hyperparameters"]).fit(data.train_images, data.train_labels)
    started = time.perf_counter()
    proba = model.predict_proba(data.test_images, progress="test set")
    print(f"predicted {len(proba)} test images in {time.perf_counter() - started:.1f} s")
    predicted = model.classes_[proba.argmax(axis=1)]
    io.save_model(args.model, model)
    scores = evaluation.classification_metrics(data.test_labels, predicted)
    io.write_json(args.metrics, {**selection.flat(choice), "train_images": len(data.train_images), **scores})
    io.write_csv(args.confusion, evaluation.confusion_table(data.test_labels, predicted))
    shown = evaluation.most_confident_errors(data.test_labels, proba, model.classes_, N_SHOWN_ERRORS)
    captions = [f"true {data.test_labels[i]}, said {predicted[i]}" for i in shown]
    figures.digit_grid(args.errors_png, data.test_images[shown], captions)


if __name__ == "__main__":
    stage.run(main)
