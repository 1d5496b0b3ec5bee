"""The book's own gradient-descent loops as printed (random start, instances drawn with replacement, legacy
seeding), to compare with the figures the book prints."""

from __future__ import annotations

import numpy as np

from homl.linreg.linear import learning_schedule, with_bias

FIGURE_4_11_AXES = ((2.6, 4.6), (2.3, 3.4))  # the window the book's figure of the three paths shows


def book_stochastic_gd(X: np.ndarray, y: np.ndarray, n_epochs: int, t0: float, t1: float, seed: int):
    """The book's stochastic GD loop as printed: random start, one instance drawn with replacement a step."""
    Xb, y = with_bias(X), np.asarray(y, dtype=np.float64)
    legacy = np.random.RandomState(seed)
    theta, m = legacy.randn(Xb.shape[1]), len(y)
    for epoch in range(n_epochs):
        for iteration in range(m):
            i = legacy.randint(m)
            theta = theta - learning_schedule(epoch * m + iteration, t0, t1) * 2 * Xb[i] * (
                Xb[i] @ theta - y[i]
            )
    return theta


def book_minibatch_gd(
    X: np.ndarray, y: np.ndarray, batch_size: int, n_epochs: int, t0: float, t1: float, seed: int
):
    """The book's mini-batch GD loop as printed: random start, shuffled batches, t counted from 1."""
    Xb, y = with_bias(X), np.asarray(y, dtype=np.float64)
    legacy = np.random.RandomState(seed)
    theta, m, t = legacy.randn(Xb.shape[1]), len(y), 0
    for _ in range(n_epochs):
        order = legacy.permutation(m)
        for start in range(0, m, batch_size):
            t += 1
            xi, yi = Xb[order[start : start + batch_size]], y[order[start : start + batch_size]]
            theta = theta - learning_schedule(t, t0, t1) * 2 / batch_size * xi.T @ (xi @ theta - yi)
    return theta
