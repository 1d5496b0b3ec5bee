"""Choose how `homl predict-digit` reads a photo: each reader of `digit_reading` reads training digits held
out and degraded as `digit_degradations` says, classified by the chosen KNN fitted on the other training
digits; the best on average over the degradations is saved. The test digits are not read."""

from homl.core import io, params, selection, stage
from homl.data import mnist
from homl.digits import reading
from homl.digits.knn import KNNClassifier


def main() -> None:
    args = stage.paths(__doc__, "mnist", "knn_choice", "reader", "metrics", "table")
    cfg = params.load("digit_reading", reading.ReadingParams)
    degradations = params.load("digit_degradations", reading.DegradationParams).degradations
    images, labels = mnist.load_train(args.mnist)
    fitted, held_out = selection.validation_split(labels, cfg.validation_digits, params.load("seed", int))
    knn = KNNClassifier(**io.read_json(args.knn_choice)["hyperparameters"])
    models = {"knn": knn.fit(images[fitted], labels[fitted])}
    readers = reading.candidate_readers(cfg, images[fitted])
    table = reading.accuracies(
        readers, models, reading.photographs(images[held_out], degradations), labels[held_out]
    )
    choice = reading.reader_choice(table, readers)
    io.save_model(args.reader, readers[choice["reader"]])
    io.write_metrics(args.metrics, choice)
    io.write_csv(args.table, table)


if __name__ == "__main__":
    stage.run(main)
