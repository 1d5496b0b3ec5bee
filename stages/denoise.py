"""Clean the 10,000 noisy test images with each multi-output KNN method; score them and the KNN classifier on them."""

import dataclasses
import time

import numpy as np
import pandas as pd

from homl import denoising, figures, io, params, stage
from homl.data import mnist
from homl.images import NoiseParams, mse, psnr, uniform_noise_moments
from homl.neighbors import kneighbors

N_SHOWN = 10


def main() -> None:
    args = stage.paths(__doc__, "mnist", "noisy", "classifier", "metrics", "table", "png")
    methods, noise = params.load("denoise", denoising.Params), params.load("noisy", NoiseParams)
    data, noisy = mnist.load(args.mnist), io.load_arrays(args.noisy)
    classifier = io.load_model(args.classifier)
    started = time.perf_counter()
    k_max = max(settings.n_neighbors for settings in methods.values())
    neighbors = kneighbors(noisy["test_images"], noisy["train_images"], k_max, progress="noisy test set")
    outputs = {"noisy": noisy["test_images"]}
    for method, settings in methods.items():
        denoiser = denoising.KNNDenoiser(
            **dataclasses.asdict(settings),
            method=method,
            noise=uniform_noise_moments(noise.low, noise.high),
            output_dtype=data.train_images.dtype.name,
        )
        denoiser.fit(noisy["train_images"], data.train_images)
        outputs[method] = denoiser.predict(noisy["test_images"], neighbors)
    print(
        f"cleaned {len(data.test_images)} test images with {', '.join(methods)} in {time.perf_counter() - started:.1f} s"
    )

    scores = {}
    for name, images in outputs.items():
        recognized = classifier.predict(images, progress=f"recognizing {name}")
        scores[name] = {
            "mse": mse(images, data.test_images),
            "psnr_db": psnr(images, data.test_images),
            "knn_accuracy": float(np.mean(recognized == data.test_labels)),
        }
    io.write_json(args.metrics, scores)
    io.write_csv(args.table, pd.DataFrame(scores).T.rename_axis("images").reset_index())
    rows = [*outputs.values(), data.test_images]
    labels = [*outputs, "target"]
    shown = np.concatenate([images[:N_SHOWN] for images in rows])
    captions = [label if column == 0 else "" for label in labels for column in range(N_SHOWN)]
    figures.digit_grid(args.png, shown, captions, columns=N_SHOWN)


if __name__ == "__main__":
    stage.run(main)
