"""Fit a digit classifier (knn or idm) with its chosen settings on all 60,000 images; classify the 10,000 test images once."""

from homl.core import io, selection, stage
from homl.data import mnist
from homl.digits import evaluate
from homl.digits.idm import IDMClassifier
from homl.digits.knn import KNNClassifier

MODELS = {"knn": KNNClassifier, "idm": IDMClassifier}


def main() -> None:
    args = stage.paths(__doc__, "kind", "mnist", "choice", "model", "metrics", "confusion", "errors_png")
    data = mnist.load(args.mnist)
    choice = io.read_json(args.choice)
    model = MODELS[str(args.kind)](**choice["hyperparameters"]).fit(data.train_images, data.train_labels)
    context = {**selection.flat(choice), "train_images": len(data.train_images)}
    evaluate.report(model, data.test_images, data.test_labels, args, context)


if __name__ == "__main__":
    stage.run(main)
