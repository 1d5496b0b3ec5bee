"""Linear models (chapter 4): linear regression's closed forms and gradient-descent solvers, ridge's closed
form and proximal GD for ridge, lasso and elastic net, and softmax regression by batch gradient descent
with early stopping (the chapter's exercise).

Re-exported here, loaded on first use: `from homl.linreg import NormalEquation, BatchGD`."""

from homl.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "NormalEquation": "linear",
        "PseudoInverse": "linear",
        "BatchGD": "linear",
        "StochasticGD": "linear",
        "MiniBatchGD": "linear",
        "RidgeClosedForm": "regularized",
        "ProximalGD": "regularized",
        "SoftmaxRegression": "softmax",
        "synthetic_data": "datasets",
    },
)
