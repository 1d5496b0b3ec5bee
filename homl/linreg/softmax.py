"""Softmax regression, chapter 4's exercise: batch gradient descent on the cross entropy with l2
regularization and early stopping, in NumPy alone (scikit-learn only lends the estimator interface)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from homl.core.errors import DivergenceError, ParamsError
from homl.core.params import Range


@dataclass(frozen=True)
class GDParams:
    """The exercise's gradient descent: `SoftmaxRegression`'s parameters."""

    eta: Annotated[float, Range(1e-6, None)]
    max_epochs: Annotated[int, Range(1, None)]
    alpha: Annotated[float, Range(0, None)]
    validation_fraction: Annotated[float, Range(0, 0.5)]
    patience: Annotated[int, Range(1, None)]
    tol: Annotated[float, Range(0, None)]


@dataclass(frozen=True)
class IrisParams:
    """params.yaml's `softmax_iris`: the features, the split, and the exercise's gradient descent."""

    features: tuple[str, str]  # two columns of scikit-learn's iris table (the figure's axes)
    test_size: Annotated[float, Range(0.05, 0.5)]
    gd: GDParams

    def __post_init__(self):
        if len(self.features) != 2:
            raise ParamsError(f"softmax_iris.features: {len(self.features)} given; two, the figure's axes")


def comparison(early_stopped, converged, sklearn, X_test: np.ndarray, y_test: np.ndarray) -> dict:
    """The exercise's figures: each model's test accuracy, the early stopping's epochs, and how close the
    gradient descent run to the end comes to scikit-learn's minimum of the same loss."""
    stopped, ours, theirs = early_stopped[-1], converged[-1], sklearn[-1]
    return {
        "softmax_gd": {
            "test_accuracy": float(early_stopped.score(X_test, y_test)),
            "best_epoch": int(stopped.best_epoch_),
            "epochs_run": len(stopped.loss_curve_),
            "validation_loss": float(stopped.validation_loss_curve_[stopped.best_epoch_ - 1]),
        },
        "softmax_gd_to_the_end": {
            "test_accuracy": float(converged.score(X_test, y_test)),
            "epochs_run": len(ours.loss_curve_),
            "largest_difference_to_sklearn": float(
                max(
                    np.abs(ours.coef_ - theirs.coef_).max(), np.abs(ours.intercept_ - theirs.intercept_).max()
                )
            ),
        },
        "sklearn_logistic_regression": {"test_accuracy": float(sklearn.score(X_test, y_test))},
        "test_flowers": len(y_test),
    }


def loss_curves(model: SoftmaxRegression) -> pd.DataFrame:
    """The training and validation loss after each epoch of an early-stopped fit."""
    return pd.DataFrame(
        {
            "epoch": np.arange(1, len(model.loss_curve_) + 1),
            "training_loss": model.loss_curve_,
            "validation_loss": model.validation_loss_curve_,
        }
    )


def softmax(scores: np.ndarray) -> np.ndarray:
    """Each row's class probabilities: exp(s_k) / sum_j exp(s_j), computed without overflow."""
    exponentials = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def cross_entropy(Xb: np.ndarray, onehot: np.ndarray, theta: np.ndarray, alpha: float) -> float:
    """The mean cross entropy of the probabilities, plus alpha / 2 times the squared weights (not the bias)."""
    probabilities = softmax(Xb @ theta)
    loss = -np.mean(np.sum(onehot * np.log(np.clip(probabilities, 1e-300, None)), axis=1))
    return float(loss + alpha / 2 * np.sum(theta[1:] ** 2))


class SoftmaxRegression(ClassifierMixin, BaseEstimator):
    """Softmax (multinomial logistic) regression by batch gradient descent, as the book's chapter 4
    exercise writes it: the mean cross entropy plus `alpha` / 2 times the squared weights, the gradient
    over the whole training set each epoch, and early stopping on a validation part of it.

    With `validation_fraction` 0 it runs until the gradient's norm falls below `tol` and reaches the same
    minimum as scikit-learn's multinomial `LogisticRegression(C=1 / (alpha * n_samples))`, which penalizes
    the weights alike.

    Parameters
    ----------
    eta : float, default 0.5
        The learning rate.
    max_epochs : int, default 5000
    alpha : float, default 0.01
        The l2 penalty's strength (the bias is not penalized).
    validation_fraction : float, default 0.2
        The share of the training rows held out (stratified) for early stopping; 0: none.
    patience : int, default 1
        Epochs without a new lowest validation loss before stopping (the book stops at the first rise);
        the parameters kept are those of the lowest.
    tol : float, default 1e-8
        Stop once the gradient's norm is below it (the minimum is reached).
    random_state : int or None, default 42
        The seed of the validation split.

    Attributes
    ----------
    classes_ : ndarray
    theta_ : ndarray of shape (n_features + 1, n_classes)
        The bias row, then the weights; `intercept_` and `coef_` as scikit-learn lays them out.
    loss_curve_, validation_loss_curve_ : ndarray
        The training and validation loss after each epoch run.
    best_epoch_ : int
        The epoch whose parameters were kept (1-based).

    Examples
    --------
    >>> import numpy as np
    >>> from homl.linreg import SoftmaxRegression
    >>> X = np.array([[0.0], [0.2], [1.0], [1.2], [2.0], [2.2]])
    >>> SoftmaxRegression(validation_fraction=0).fit(X, [0, 0, 1, 1, 2, 2]).predict([[0.1], [2.1]])
    array([0, 2])
    """

    def __init__(
        self,
        eta: float = 0.5,
        max_epochs: int = 5000,
        alpha: float = 0.01,
        validation_fraction: float = 0.2,
        patience: int = 1,
        tol: float = 1e-8,
        random_state: int | None = 42,
    ):
        self.eta = eta
        self.max_epochs = max_epochs
        self.alpha = alpha
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> SoftmaxRegression:
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        onehot = np.eye(len(self.classes_))[labels]
        Xb = np.hstack([np.ones((len(X), 1)), X])
        held_out = self._held_out(labels)
        X_train, onehot_train = Xb[~held_out], onehot[~held_out]
        X_valid, onehot_valid = Xb[held_out], onehot[held_out]
        theta = np.zeros((Xb.shape[1], len(self.classes_)))
        penalized = np.ones_like(theta)
        penalized[0] = 0  # the bias row
        best = (np.inf, theta, 0)
        losses, validation_losses = [], []
        for epoch in range(1, self.max_epochs + 1):
            errors = softmax(X_train @ theta) - onehot_train
            gradient = X_train.T @ errors / len(X_train) + self.alpha * penalized * theta
            with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported just below
                theta = theta - self.eta * gradient
            if not np.all(np.isfinite(theta)):
                raise DivergenceError(
                    f"softmax regression diverged at epoch {epoch}: eta={self.eta} is too large"
                )
            losses.append(cross_entropy(X_train, onehot_train, theta, self.alpha))
            if len(X_valid):
                validation_losses.append(cross_entropy(X_valid, onehot_valid, theta, self.alpha))
                if validation_losses[-1] < best[0]:
                    best = (validation_losses[-1], theta, epoch)
                elif epoch - best[2] >= self.patience:
                    break
            else:
                best = (losses[-1], theta, epoch)
            if np.linalg.norm(gradient) < self.tol:
                break
        _, self.theta_, self.best_epoch_ = best
        self.loss_curve_, self.validation_loss_curve_ = np.array(losses), np.array(validation_losses)
        self.intercept_, self.coef_ = self.theta_[0], self.theta_[1:].T
        return self

    def _held_out(self, labels: np.ndarray) -> np.ndarray:
        """A stratified share `validation_fraction` of the rows, by class."""
        held_out = np.zeros(len(labels), dtype=bool)
        rng = np.random.default_rng(self.random_state)
        for label in np.unique(labels):
            rows = rng.permutation(np.flatnonzero(labels == label))
            held_out[rows[: int(round(self.validation_fraction * len(rows)))]] = True
        return held_out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return softmax(X @ self.coef_.T + self.intercept_)

    def predict(self, X: np.ndarray) -> np.ndarray:
        best = self.predict_proba(X).argmax(axis=1)
        return self.classes_[best]
