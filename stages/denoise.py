"""Fit each denoising method with its chosen settings on the noisy training images; save the chosen
method's model, and every method's cleaning of the 10,000 noisy test images (denoise_evaluate scores them)."""

from homl.core import io, params, stage
from homl.data import mnist
from homl.digits import denoise
from homl.digits.images import NoiseParams


def main() -> None:
    args = stage.paths(__doc__, "mnist", "noisy", "choice", "model", "cleaned")
    noise = params.load("noisy", NoiseParams)
    clean, noisy, choice = (
        mnist.load(args.mnist).train_images,
        io.load_arrays(args.noisy),
        io.read_json(args.choice),
    )
    denoisers = {
        method: denoise.KNNDenoiser(
            **chosen["hyperparameters"],
            method=method,
            noise=(noise.low, noise.high) if method in denoise.NOISE_AWARE else None,
            output_dtype=clean.dtype.name,
        ).fit(noisy["train_images"], clean)
        for method, chosen in choice["methods"].items()
    }
    io.save_model(args.model, denoisers[choice["saved"]])
    io.save_arrays(
        args.cleaned, **denoise.clean_each(denoisers, noisy["test_images"], progress="noisy test set")
    )


if __name__ == "__main__":
    stage.run(main)
