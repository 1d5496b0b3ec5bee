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
# # MNIST with k-nearest neighbours (chapter 3, exercises 1 and 2)
#
# The book asks for a classifier over 97% accuracy on the MNIST test set, found by a grid search over
# `KNeighborsClassifier`'s `n_neighbors` and `weights`; then for a training set five times as large, every
# image shifted by one pixel in each direction. This notebook computes nothing heavy: it reads what
# `dvc repro` wrote (the parameters, the metrics, the plots' data) and asks the saved models. Run it from
# the project's root after `make repro`; [docs/mnist.md](../docs/mnist.md) tells the whole story.

# %%
import dvc.api
import matplotlib.pyplot as plt
import pandas as pd

import homl
from homl.data import mnist

# %% [markdown]
# ## 1. The grid search
#
# `knn_search` scores every candidate by stratified k-fold cross-validation on the training digits only:
# the test digits are read once, at the end.

# %%
grid = dvc.api.params_show(stages=["knn_search"])["knn"]
grid

# %%
search = pd.read_csv("plots/knn_search.csv")
search.plot(x="n_neighbors", y=["uniform_mean", "distance_mean"], marker="o", ylabel="mean CV accuracy")
search

# %% [markdown]
# ## 2. The chosen candidate on the test digits

# %%
knn = dvc.api.metrics_show("metrics/knn_test.json")
print(f"k={knn['n_neighbors']}, {knn['weights']} weights: test accuracy {knn['accuracy']:.4f}")

# %% [markdown]
# ## 3. Shifted copies of the training digits, and beyond the book
#
# Each row trains on more, or compares digits more cleverly: the shifted copies (the exercise), deskewing
# and a slight blur chosen by cross-validation, and the image distortion model, which lets every pixel
# match the best pixel nearby.

# %%
steps = {
    "plain KNN": "metrics/knn_test.json",
    "+ one-pixel shifts": "metrics/knn_augmented.json",
    "deskewed, blurred, + shifts": "metrics/knn_best.json",
    "image distortion model": "metrics/idm_test.json",
}
pd.Series(
    {step: dvc.api.metrics_show(path)["accuracy"] for step, path in steps.items()}, name="test accuracy"
)

# %% [markdown]
# ## 4. Ask the saved model
#
# `homl.load` loads a model by its name under `artifacts:` in `dvc.yaml`. Here, the first ten test digits:

# %%
digits = mnist.load("data/raw/mnist.npz")
images, labels = digits.test_images[:10], digits.test_labels[:10]
classifier = homl.load("digit-classifier")
predicted = classifier.predict(images)
figure, axes = plt.subplots(1, len(images), figsize=(12, 1.8))
for axis, image, label, said in zip(axes, images, labels, predicted, strict=True):
    axis.imshow(image.reshape(28, 28), cmap="binary")
    axis.set_title(f"{label}: said {said}", fontsize=9)
    axis.axis("off")
print(f"{(predicted == labels).sum()} of {len(labels)} right")
