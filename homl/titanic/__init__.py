"""Titanic: passenger features and the survival classifiers.

Re-exported here, loaded on first use: `from homl.titanic import PassengerFeatures, survival_model`."""

from importlib import import_module

_HOME = {
    "PassengerFeatures": "survival",
    "survival_model": "survival",
    "preprocessing": "survival",
    "FEATURES": "survival",
    "CLASSIFIERS": "survival",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(f"homl.titanic.{_HOME[name]}"), name)
    raise AttributeError(f"module 'homl.titanic' has no attribute {name!r}")
