"""Digits printed in the fonts matplotlib ships, read by each saved digit model as `homl predict-digit` reads an image."""

import numpy as np
import pandas as pd

from homl.core import figures, io, params, stage
from homl.digits import evaluate, reading

N_SHOWN = 24


def main() -> None:
    args = stage.paths(__doc__, "reader", "images", "metrics", "table", "errors_png", "models...")
    printed = reading.font_digits(params.load("font_digits", reading.FontParams), io.load_model(args.reader))
    images = np.stack(printed["image"])
    io.save_arrays(args.images, images=images, labels=printed["digit"].to_numpy(np.uint8))
    answers = {path.stem: evaluate.verbose(io.load_model(path)).predict(images) for path in args.models}
    correct = pd.DataFrame({name: said == printed["digit"] for name, said in answers.items()})
    by_font = correct.groupby(printed["font"], sort=False).mean().rename_axis("font").reset_index()
    by_font = by_font.melt(id_vars="font", var_name="model", value_name="accuracy")
    by_font.insert(0, "reading", by_font["font"].str.removesuffix(".ttf") + " (" + by_font["model"] + ")")
    io.write_csv(args.table, by_font)
    io.write_metrics(
        args.metrics,
        {
            "digits": len(printed),
            "accuracy": correct.mean().to_dict(),
            "accuracy_by_rotation": correct.groupby(printed["rotation"]).mean().T.to_dict("index"),
        },
    )
    best = correct.mean().idxmax()
    wrong = np.flatnonzero(~correct[best])[:N_SHOWN]
    captions = [f"{printed['font'][i].removesuffix('.ttf')[:12]}: {answers[best][i]}" for i in wrong]
    figures.digit_grid(args.errors_png, images[wrong], captions)


if __name__ == "__main__":
    stage.run(main)
