"""The private helpers of scikit-learn that homl's estimators use, imported here only, so that an upgrade
that moves one breaks in this module and nowhere else."""

from sklearn.base import _fit_context as fit_context
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

__all__ = ["Interval", "InvalidParameterError", "StrOptions", "fit_context"]
