"""Choose each denoising method's settings on a validation split of the noisy training images; clean the
10,000 noisy test images with each method; save the method with the best validation PSNR."""

import numpy as np
import pandas as pd

from homl import denoising, figures, io, params, selection, stage
from homl.data import mnist
from homl.images import NoiseParams, mse, psnr

N_SHOWN = 10


def main() -> None:
    args = stage.paths(__doc__, "mnist", "noisy", "classifier", "choice", "model", "metrics", "table", "png")
    grid, seed = params.load("denoise", denoising.Params), params.load("seed", int)
    noise = params.load("noisy", NoiseParams)
    noise = (noise.low, noise.high)
    data, noisy = mnist.load(args.mnist), io.load_arrays(args.noisy)
    search = denoising.search_denoisers(
        noisy["train_images"], data.train_images, data.train_labels, grid, noise, seed
    )
    choices = {
        method: selection.choice(rows.drop(columns="method"), "psnr_db", score="validation")
        for method, rows in search.groupby("method", sort=False)
    }
    for choice in choices.values():
        choice["hyperparameters"] = denoising.settings(choice["hyperparameters"])
    chosen = list(choices)[selection.best([c["validation_psnr_db"] for c in choices.values()])]
    io.write_choice(args.choice, {"methods": choices, "saved": chosen})

    denoisers = {
        method: denoising.KNNDenoiser(
            **choice["hyperparameters"],
            method=method,
            noise=noise if method in denoising.NOISE_AWARE else None,
            output_dtype=data.train_images.dtype.name,
        ).fit(noisy["train_images"], data.train_images)
        for method, choice in choices.items()
    }
    io.save_model(args.model, denoisers[chosen])
    cleaned = denoising.clean_each(denoisers, noisy["test_images"], progress="noisy test set")
    outputs = {"noisy": noisy["test_images"], **{method: images for method, (images, _) in cleaned.items()}}
    seconds = {method: spent for method, (_, spent) in cleaned.items()}

    classifier = io.load_model(args.classifier)
    scores = {}
    for name, images in outputs.items():
        recognized = classifier.predict(images, progress=f"recognizing {name}")
        scores[name] = {
            "mse": mse(images, data.test_images),
            "psnr_db": psnr(images, data.test_images),
            "knn_accuracy": float(np.mean(recognized == data.test_labels)),
        }
        if name in choices:
            scores[name].update(selection.flat(choices[name]), test_seconds=seconds[name])
    io.write_json(args.metrics, {**scores, "saved": chosen})
    table = pd.DataFrame(
        {name: {k: s[k] for k in ("mse", "psnr_db", "knn_accuracy")} for name, s in scores.items()}
    )
    io.write_csv(args.table, table.T.rename_axis("images").reset_index())
    rows = [*outputs.values(), data.test_images]
    labels = [*outputs, "target"]
    shown = np.concatenate([images[:N_SHOWN] for images in rows])
    captions = [label if column == 0 else "" for label in labels for column in range(N_SHOWN)]
    figures.digit_grid(args.png, shown, captions, columns=N_SHOWN)


if __name__ == "__main__":
    stage.run(main)
