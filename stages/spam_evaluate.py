"""Evaluate the spam model once on the test messages: precision, recall, F1, ROC AUC, the precision-recall curve,
and the messages it gets wrong."""

from homl.core import evaluation, figures, io, stage
from homl.spam import spam_filter

SHOWN = (0.8, 1.005)  # the corner of the precision-recall plane the picture shows


def main() -> None:
    args = stage.paths(__doc__, "test", "model", "metrics", "curve", "curve_png", "confusion", "errors")
    messages = io.read_table(args.test)
    model = io.load_model(args.model)
    metrics, curve, predicted, errors = spam_filter.evaluate(model, messages)
    io.write_metrics(args.metrics, metrics)
    io.write_csv(args.curve, curve)
    figures.curves(
        args.curve_png,
        curve,
        "recall",
        "precision",
        xlim=SHOWN,
        ylim=SHOWN,
        point=(metrics["recall"], metrics["precision"], f"the threshold, {metrics['threshold']:.3f}"),
    )
    io.write_csv(
        args.confusion, evaluation.confusion_table(messages["is_spam"].astype(int), predicted.astype(int))
    )
    io.write_csv(args.errors, errors)


if __name__ == "__main__":
    stage.run(main)
