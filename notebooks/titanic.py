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
# # Titanic: who survived (chapter 3, exercise 3)
#
# The book asks for a survival classifier with a proper preprocessing pipeline. homl's is one
# scikit-learn `Pipeline` (engineered features, imputation, scaling, one-hot encoding, the classifier),
# four classifiers are grid-searched by cross-validation, and each is scored again on repeated folds so
# that the comparison has error bars. This notebook reads the results and asks the saved model about two
# passengers ([docs/titanic.md](../docs/titanic.md)).

# %%
import dvc.api
import pandas as pd

import homl

# %% [markdown]
# ## 1. The classifiers compared
#
# The mean accuracy over the repeated folds, with its standard error: a difference within about two
# standard errors is not a real one.

# %%
classifiers = pd.read_csv("plots/titanic_classifiers.csv")
classifiers

# %% [markdown]
# ## 2. The chosen classifier on the held-out passengers

# %%
dvc.api.metrics_show("metrics/titanic_test.json")

# %% [markdown]
# ## 3. What each engineered feature adds
#
# The cross-validated accuracy of the chosen classifier with every feature, minus without that one:

# %%
gains = pd.read_csv("plots/titanic_feature_gains.csv").set_index("feature")
gains["gain"].sort_values().plot.barh(xlabel="CV accuracy with it minus without it")
gains

# %% [markdown]
# ## 4. Ask the saved model
#
# Two passengers as the book's story has them: a third-class young man travelling alone and a first-class
# young woman with her mother. The model takes the passenger columns of the data set.

# %%
passengers = pd.DataFrame(
    {
        "pclass": [3, 1],
        "name": ["Dawson, Mr. Jack", "Bukater, Miss. Rose"],
        "sex": ["male", "female"],
        "age": [20.0, 17.0],
        "sibsp": [0, 0],
        "parch": [0, 1],
        "ticket": ["A/5 21171", "PC 17599"],
        "fare": [7.25, 71.28],
        "cabin": [None, "B58"],
        "embarked": ["S", "S"],
    }
)
model = homl.load("titanic-survival")
passengers.assign(
    survival_probability=model.predict_proba(passengers)[:, 1], survives=model.predict(passengers) == 1
)[["name", "survival_probability", "survives"]]
