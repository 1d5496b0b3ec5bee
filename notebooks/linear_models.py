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
# # Training linear models (chapter 4)
#
# In the chapter's order: the normal equation and the three gradient descents, polynomial regression and
# learning curves, regularized models, early stopping, logistic regression, and the chapter's exercise,
# softmax regression by batch gradient descent with early stopping in NumPy. The pipeline fitted all of
# them; this notebook reads what it wrote, and refits the smallest ones in a blink to show how they are
# called ([docs/linear_models.md](../docs/linear_models.md)).

# %%
import dvc.api
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from homl.linreg import BatchGD, NormalEquation, SoftmaxRegression, synthetic_data

# %% [markdown]
# ## 1. The normal equation and gradient descent
#
# The book's data, drawn as the book draws it, and each solver's distance to the closed form:

# %%
linreg = dvc.api.metrics_show("metrics/linreg.json")["synthetic"]
pd.DataFrame(linreg).T[["distance_to_closed_form", "epochs"]]  # dvc.api shows a metrics file's numbers

# %%
figure, axis = plt.subplots(figsize=(7, 4))
for name in ("stochastic_gd", "minibatch_gd", "batch_gd"):
    path = pd.read_csv(f"plots/linreg/path_{name}.csv")
    axis.plot(path["theta0"], path["theta1"], marker=".", linewidth=1, label=name)
axis.set(xlim=(2.6, 4.6), ylim=(2.3, 3.4), xlabel="theta0", ylabel="theta1")
axis.legend()

# %% [markdown]
# The same in two lines: homl's solvers are scikit-learn estimators.

# %%
settings = dvc.api.params_show(stages=["linreg_data"])
data = settings["linreg"]["synthetic"]
X, y = synthetic_data(
    data["rows"], data["intercept"], data["coefficients"], data["x_max"], data["noise_std"], settings["seed"]
)
closed_form = NormalEquation().fit(X, y).theta_
batch = BatchGD(eta=0.1, n_iterations=1000).fit(X, y).theta_
print(closed_form, batch, np.linalg.norm(batch - closed_form))

# %% [markdown]
# ## 2. Polynomial regression and learning curves

# %%
curves = pd.read_csv("plots/polynomial_learning_curves.csv")
curves.plot(x="training_set_size", ylim=(0, 2.5), ylabel="RMSE")

# %% [markdown]
# ## 3. Regularized models, and early stopping

# %%
regularized = dvc.api.metrics_show("metrics/regularized.json")
pd.DataFrame({name: regularized[name] for name in ("ridge_closed_form", "lasso_gd", "elastic_net_gd")}).T

# %%
epochs = pd.read_csv("plots/early_stopping.csv")
epochs.plot(x="epoch", ylim=(0, 3.5), ylabel="RMSE")
dvc.api.metrics_show("metrics/early_stopping.json")

# %% [markdown]
# ## 4. Logistic regression and the chapter's exercise: softmax regression

# %%
dvc.api.metrics_show("metrics/logistic_iris.json")

# %% [markdown]
# The exercise's model is homl's `SoftmaxRegression`, with the stage's settings; on the standardized
# petals it stops early within a fraction of a second:

# %%
from sklearn.datasets import load_iris

iris = load_iris()
petals = iris.data[:, 2:]  # petal length and width
standardized = (petals - petals.mean(axis=0)) / petals.std(axis=0)
gd = dvc.api.params_show(stages=["softmax_iris"])["softmax_iris"]["gd"]
softmax = SoftmaxRegression(**gd).fit(standardized, iris.target)
print(
    f"stopped at epoch {softmax.best_epoch_}; accuracy on all 150 flowers",
    softmax.score(standardized, iris.target),
)
dvc.api.metrics_show("metrics/softmax_iris.json")
