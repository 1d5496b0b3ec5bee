"""Chapter 4's logistic regression on one feature: the estimated probability across it and the decision
boundary where it crosses one half (the book's figure 4-23)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd

from homl.core.errors import ParamsError
from homl.core.params import Range

BOOK_GRID = (0.0, 3.0, 1000)  # np.linspace's arguments where the book reads its boundary


@dataclass(frozen=True)
class BoundaryParams:
    """params.yaml's `logistic_iris`: the feature, the species told from the others, the split, and C."""

    feature: str  # a column of scikit-learn's iris table
    positive: str  # the species that is the positive class
    test_size: Annotated[float, Range(0.05, 0.5)]
    C: Annotated[float, Range(1e-12, None)]


def of_species(species: np.ndarray, names: list[str], positive: str) -> np.ndarray:
    """Whether each flower (species as 0-2) is of the species named `positive`."""
    if positive not in names:
        raise ParamsError(f"logistic_iris.positive: {positive!r} is no iris species; they are {names}")
    return np.asarray(names)[species] == positive


def boundary_figures(model: Any, X_test: np.ndarray, y_test: np.ndarray) -> dict:
    """The fitted logistic regression's decision boundary (where the probability is one half: minus the
    intercept over the weight), the first point of the book's grid past it, and the test accuracy."""
    grid = np.linspace(*BOOK_GRID).reshape(-1, 1)
    past = grid[model.predict_proba(grid)[:, 1] >= 0.5]
    return {
        "decision_boundary": float(-model.intercept_[0] / model.coef_[0, 0]),
        "book_grid_boundary": float(past[0, 0]) if len(past) else None,
        "weight": float(model.coef_[0, 0]),
        "intercept": float(model.intercept_[0]),
        "test_accuracy": float(model.score(X_test, y_test)),
        "test_flowers": len(y_test),
    }


def probability_curve(model: Any, feature: str, positive: str) -> pd.DataFrame:
    """The estimated probability of the positive class and of the others across the book's grid."""
    grid = np.linspace(*BOOK_GRID)
    probability = model.predict_proba(grid.reshape(-1, 1))[:, 1]
    return pd.DataFrame({feature: grid, positive: probability, f"not {positive}": 1 - probability})
