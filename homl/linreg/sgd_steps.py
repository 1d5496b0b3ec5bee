"""The steps of stochastic gradient descent, compiled: one instance a step is sequential by nature."""

import numba
import numpy as np


@numba.njit(cache=True)  # no fastmath: the dot product summed in column order on every CPU
def stochastic_epoch(
    Xb: np.ndarray, y: np.ndarray, theta: np.ndarray, picks: np.ndarray, etas: np.ndarray, record: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One epoch of steps theta - eta 2 x_i (x_i . theta - y_i), instance `picks[s]` at rate `etas[s]`.

    Returns the final theta and theta after each step numbered in `record` (0-based, ascending).
    """
    theta = theta.copy()
    path = np.empty((len(record), len(theta)))
    recorded = 0
    for step in range(len(picks)):
        xi = Xb[picks[step]]
        dot = 0.0
        for j in range(len(theta)):
            dot += xi[j] * theta[j]
        residual = dot - y[picks[step]]
        scale = etas[step] * 2
        for j in range(len(theta)):
            theta[j] = theta[j] - scale * xi[j] * residual
        if recorded < len(record) and record[recorded] == step:
            path[recorded] = theta
            recorded += 1
    return theta, path
