"""Titanic: passenger features and the survival classifiers.

Re-exported here, loaded on first use: `from homl.titanic import PassengerFeatures, survival_model`."""

from homl.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "PassengerFeatures": "survival",
        "survival_model": "survival",
        "preprocessing": "survival",
        "FEATURES": "survival",
        "CLASSIFIERS": "survival",
    },
)
