"""Parse every raw message, drop repeated bodies, and split stratified into training and test messages."""

from sklearn.model_selection import train_test_split

from homl import io, params, selection, spam_filter, stage, text
from homl.data import spam


def main() -> None:
    args = stage.paths(__doc__, "corpus", "train", "test", "metrics")
    cfg, seed = params.load("spam.split", selection.SplitParams), params.load("seed", int)
    corpus = spam.load(args.corpus)
    repeated = spam.duplicate_bodies(corpus).to_numpy()
    unique = corpus[~repeated]
    messages = spam_filter.messages_table([text.parse_email(raw) for raw in unique["raw"]], unique)
    train, test = train_test_split(
        messages, test_size=cfg.test_size, stratify=messages["is_spam"], random_state=seed
    )
    io.write_table(args.train, train.sort_index())
    io.write_table(args.test, test.sort_index())
    io.write_json(
        args.metrics,
        {
            "messages": len(corpus),
            "repeated_bodies_removed": int(repeated.sum()),
            "parsed_with_defects": int((messages["defects"] > 0).sum()),
            "empty_bodies": int((messages["body"].str.strip() == "").sum()),
            "train": {"messages": len(train), "spam": int(train["is_spam"].sum())},
            "test": {"messages": len(test), "spam": int(test["is_spam"].sum())},
        },
    )


if __name__ == "__main__":
    stage.run(main)
