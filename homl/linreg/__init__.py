"""Linear regression (chapter 4): the closed forms and the gradient-descent solvers.

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
        "synthetic_data": "datasets",
    },
)
