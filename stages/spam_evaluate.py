"""Evaluate the spam model once on the test messages: precision, recall, F1, ROC AUC, the precision-recall curve,
and the messages it gets wrong."""

from homl.core import evaluation, io, stage
from homl.spam import spam_filter


def main() -> None:
    args = stage.paths(__doc__, "test", "model", "metrics", "curve", "confusion", "errors")
    messages = io.read_table(args.test)
    model = io.load_model(args.model)
    metrics, curve, predicted, errors = spam_filter.evaluate(model, messages)
    io.write_json(args.metrics, metrics)
    io.write_csv(args.curve, curve)
    io.write_csv(
        args.confusion, evaluation.confusion_table(messages["is_spam"].astype(int), predicted.astype(int))
    )
    io.write_csv(args.errors, errors)


if __name__ == "__main__":
    stage.run(main)
