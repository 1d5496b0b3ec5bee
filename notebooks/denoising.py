# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Noisy digits: a multi-output KNN that cleans them (chapter 3)
#
# The book's multi-output example: noise added to every MNIST digit, and a `KNeighborsClassifier` that
# predicts all 784 clean pixels of a noisy digit at once. homl compares it with three other ways of
# combining the neighbours, each tuned on held-out training digits. This notebook reads the pipeline's
# results and cleans a few digits with the saved denoiser ([docs/denoising.md](../docs/denoising.md)).

# %%
import dvc.api
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import homl
from homl.data import mnist
from homl.digits.images import add_noise

# %% [markdown]
# ## 1. The noise, as the book adds it

# %%
settings = dvc.api.params_show(stages=["noisy_mnist"])
noise, seed = settings["noisy"], settings["seed"]
settings

# %% [markdown]
# ## 2. Each method on the test digits
#
# PSNR compares a cleaned digit with the clean one (higher is better); the noisy inputs are the baseline.

# %%
scores = pd.read_csv("plots/denoise.csv").set_index("images")
scores["psnr_db"].plot.barh(xlabel="PSNR (dB)")
scores

# %%
print("saved:", dvc.api.metrics_show("metrics/denoise.json")["saved"])

# %% [markdown]
# ## 3. Clean a few digits with the saved denoiser

# %%
clean = mnist.load("data/raw/mnist.npz").test_images[:6]
noisy = add_noise(clean, noise["low"], noise["high"], np.random.default_rng(seed))
cleaned = homl.load("digit-denoiser").predict(noisy)
figure, axes = plt.subplots(3, len(clean), figsize=(8, 4.5))
for row, (name, shown) in enumerate({"noisy": noisy, "cleaned": cleaned, "clean": clean}.items()):
    for axis, image in zip(axes[row], shown, strict=True):
        axis.imshow(np.asarray(image).reshape(28, 28), cmap="binary")
        axis.axis("off")
    axes[row, 0].set_title(name, fontsize=9, loc="left")
