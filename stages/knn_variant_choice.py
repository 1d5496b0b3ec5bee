"""Choose the preprocessing variant (deskew, blur) with the best CV accuracy among the knn_variant_search
tables of the deskew settings in params.yaml; the variants side by side in one table."""

import pandas as pd

from homl.core import errors, io, params, selection, stage
from homl.digits.images import VariantParams


def main() -> None:
    args = stage.paths(__doc__, "tables", "table", "choice", "metrics")
    cfg = params.load("knn_variants", VariantParams)
    table = pd.concat(
        [io.read_table(path) for path in sorted(args.tables.glob("*.parquet"))], ignore_index=True
    )
    table = table[table["deskew"].isin(cfg.deskew)]  # a table left by a setting since removed is not read
    if missing := set(cfg.deskew) - set(table["deskew"]):
        raise errors.ParamsError(f"knn_variants.deskew: no table in {args.tables} for {sorted(missing)}")
    table = table.sort_values(["deskew", "blur_sigma"], ignore_index=True)
    io.write_csv(args.table, table)
    candidates = table.drop(columns="variant").rename(
        columns={"cv_accuracy": "mean_accuracy", "cv_std": "std_accuracy"}
    )
    choice = selection.choice(candidates, "accuracy")
    io.write_choice(args.choice, choice)
    io.write_metrics(args.metrics, selection.flat(choice))


if __name__ == "__main__":
    stage.run(main)
