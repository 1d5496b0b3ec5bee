"""Parse every raw message, drop repeated bodies, group near-copies, and split by group into training and test."""

from homl.core import io, params, selection, stage
from homl.data import spam
from homl.spam import email_features, near_duplicates, parsing


def main() -> None:
    args = stage.paths(__doc__, "corpus", "train", "test", "metrics")
    split, seed = params.load("spam.split", selection.SplitParams), params.load("seed", int)
    copies = params.load("spam.near_copies", near_duplicates.Params)
    corpus = spam.load(args.corpus)
    repeated = spam.duplicate_bodies(corpus).to_numpy()
    unique = corpus[~repeated]
    messages = email_features.messages_table([parsing.parse_email(raw) for raw in unique["raw"]], unique)
    messages["copy_group"] = near_duplicates.copy_groups(messages["body"].tolist(), copies, seed)
    folds = selection.folds(round(1 / split.test_size), seed, grouped=True)
    train_rows, test_rows = next(folds.split(messages, messages["is_spam"], messages["copy_group"]))
    train, test = messages.iloc[train_rows], messages.iloc[test_rows]
    straddling = set(train["copy_group"]) & set(test["copy_group"])
    io.write_table(args.train, train)
    io.write_table(args.test, test)
    io.write_metrics(
        args.metrics,
        {
            "messages": len(corpus),
            "repeated_bodies_removed": int(repeated.sum()),
            "near_copies": near_duplicates.group_sizes(messages["copy_group"].to_numpy()),
            "copy_groups_in_both_parts": len(straddling),
            "parsed_with_defects": int((messages["defects"] > 0).sum()),
            "empty_bodies": int((messages["body"].str.strip() == "").sum()),
            "train": {"messages": len(train), "spam": int(train["is_spam"].sum())},
            "test": {"messages": len(test), "spam": int(test["is_spam"].sum())},
        },
    )


if __name__ == "__main__":
    stage.run(main)
