"""Score each denoising method's settings on a validation split of the noisy training images; choose
each method's best settings, and the method with the best validation PSNR as the one to save."""

from homl.core import io, params, selection, stage
from homl.data import mnist
from homl.digits import denoise
from homl.digits.images import NoiseParams


def main() -> None:
    args = stage.paths(__doc__, "mnist", "noisy", "table", "choice", "metrics")
    grid, seed = params.load("denoise", denoise.Params), params.load("seed", int)
    noise = params.load("noisy", NoiseParams)
    data, noisy = mnist.load(args.mnist), io.load_arrays(args.noisy, ["train_images"])
    search = denoise.search_denoisers(
        noisy["train_images"], data.train_images, data.train_labels, grid, (noise.low, noise.high), seed
    )
    io.write_csv(args.table, search)
    choices = {
        method: selection.choice(rows.drop(columns="method"), "psnr_db", score="validation")
        for method, rows in search.groupby("method", sort=False)
    }
    for choice in choices.values():
        choice["hyperparameters"] = denoise.settings(choice["hyperparameters"])
    chosen = list(choices)[selection.best([c["validation_psnr_db"] for c in choices.values()])]
    io.write_choice(args.choice, {"methods": choices, "saved": chosen})
    io.write_metrics(args.metrics, {**{m: selection.flat(c) for m, c in choices.items()}, "saved": chosen})


if __name__ == "__main__":
    stage.run(main)
