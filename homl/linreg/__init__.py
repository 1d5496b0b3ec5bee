"""Linear regression (chapter 4): the closed forms and the gradient-descent solvers.

Re-exported here, loaded on first use: `from homl.linreg import NormalEquation, BatchGD`."""

from importlib import import_module

_HOME = {
    "NormalEquation": "linear",
    "PseudoInverse": "linear",
    "BatchGD": "linear",
    "StochasticGD": "linear",
    "MiniBatchGD": "linear",
    "synthetic_data": "datasets",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"homl.linreg.{_HOME[name]}"), name)
    raise AttributeError(f"module 'homl.linreg' has no attribute {name!r}")
