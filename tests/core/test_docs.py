"""Every public estimator of a wing documents itself in numpydoc form, and the examples in its docstring run."""

import doctest
import importlib
import inspect

import pytest
from sklearn.base import BaseEstimator

WINGS = ("digits", "titanic", "spam", "linreg")


def public_estimators() -> list[type]:
    found = []
    for wing in WINGS:
        package = importlib.import_module(f"homl.{wing}")
        found += [
            getattr(package, name)
            for name in package.__all__
            if inspect.isclass(getattr(package, name)) and issubclass(getattr(package, name), BaseEstimator)
        ]
    return found


@pytest.mark.parametrize("estimator", public_estimators(), ids=lambda estimator: estimator.__name__)
def test_a_public_estimator_documents_its_parameters_and_gives_an_example_that_runs(estimator):
    doc = inspect.getdoc(estimator)
    parameters = inspect.signature(estimator).parameters
    assert "Examples\n--------" in doc
    if parameters:
        assert "Parameters\n----------" in doc
        assert [name for name in parameters if name not in doc] == []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    examples = [test for test in doctest.DocTestFinder().find(estimator, globs={}) if test.examples]
    assert examples
    for test in examples:
        runner.run(test)
    assert runner.failures == 0
