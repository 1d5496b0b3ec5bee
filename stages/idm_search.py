"""Choose the IDM classifier's settings on a validation split of the training images; the test digits are never read."""

from homl.core import io, params, selection, stage
from homl.data import mnist
from homl.digits import idm


def main() -> None:
    args = stage.paths(__doc__, "mnist", "variant_choice", "table", "choice", "metrics")
    grid, seed = params.load("idm", idm.SearchParams), params.load("seed", int)
    train = mnist.load_train(args.mnist)
    preprocessing = io.read_json(args.variant_choice)["hyperparameters"]
    table = idm.search_idm(
        train.images, train.labels, grid, preprocessing["deskew"], preprocessing["blur_sigma"], seed
    )
    io.write_csv(args.table, idm.best_per_distance(table))
    choice = selection.choice(table, "accuracy", score="validation")
    choice["hyperparameters"].update(deskew=preprocessing["deskew"], blur_sigma=preprocessing["blur_sigma"])
    io.write_choice(args.choice, choice)
    io.write_metrics(args.metrics, {**selection.flat(choice), "validation_images": grid.validation_size})


if __name__ == "__main__":
    stage.run(main)
