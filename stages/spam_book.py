"""The book's own exercise setting on this corpus (its groups, headers, word counts, logistic regression),
to print its precision and recall beside the project's."""

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from homl.core import evaluation, io, params, stage
from homl.data import spam
from homl.spam import parsing, spam_filter, text


def main() -> None:
    args = stage.paths(__doc__, "corpus", "metrics")
    cfg, seed = params.load("spam.book", spam_filter.BookParams), params.load("seed", int)
    corpus = spam.load(args.corpus)
    corpus = corpus[corpus["group"].isin(cfg.groups)]
    parsed = [parsing.parse_email(raw) for raw in corpus["raw"]]
    is_spam = corpus["is_spam"].to_numpy()
    train_x, test_x, train_y, test_y = train_test_split(
        parsed, is_spam, test_size=cfg.test_size, random_state=seed
    )
    model = make_pipeline(
        text.EmailToWords(strip_headers=cfg.strip_headers),
        text.WordsToVector(cfg.vocabulary_size, binary=False),
        LogisticRegression(max_iter=1000, random_state=seed),
    ).fit(train_x, train_y)
    predicted, scores = model.predict(test_x), model.decision_function(test_x)
    io.write_metrics(
        args.metrics,
        {
            "groups": list(cfg.groups),
            "train_messages": len(train_x),
            "test_messages": len(test_x),
            **evaluation.binary_metrics(test_y, predicted, scores),
        },
    )


if __name__ == "__main__":
    stage.run(main)
