"""Ridge's closed form and proximal GD for the elastic-net family, against scikit-learn's models."""

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from homl.linreg.datasets import synthetic_data
from homl.linreg.linear import theta_of as theta
from homl.linreg.regularized import ProximalGD, RidgeClosedForm


@pytest.fixture(scope="module")
def book_data():
    return synthetic_data(20, 1.0, [0.5], 3.0, 1 / 1.5, 42)


@pytest.fixture(scope="module")
def wide_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 8))
    return X, 2 + X[:, :3] @ [3.0, -2.0, 1.0] + 0.5 * rng.standard_normal(60)  # five useless features


@pytest.mark.parametrize("alpha", [0.0, 0.1, 10.0])
def test_ridges_closed_form_is_scikit_learns_ridge(wide_data, alpha):
    X, y = wide_data
    np.testing.assert_allclose(
        theta(RidgeClosedForm(alpha).fit(X, y)), theta(Ridge(alpha).fit(X, y)), atol=1e-10
    )


def test_proximal_gd_reaches_lasso_elastic_net_and_ridge(wide_data):
    X, y = wide_data
    exact = {"tol": 1e-12, "max_iter": 100_000}
    lasso = ProximalGD(alpha=0.3, l1_ratio=1.0).fit(X, y)
    np.testing.assert_allclose(lasso.theta_, theta(Lasso(alpha=0.3, **exact).fit(X, y)), atol=1e-8)
    assert np.count_nonzero(lasso.coef_[3:]) < 5  # lasso sets useless weights exactly to 0
    net = ProximalGD(alpha=0.3, l1_ratio=0.5).fit(X, y)
    np.testing.assert_allclose(
        net.theta_, theta(ElasticNet(alpha=0.3, l1_ratio=0.5, **exact).fit(X, y)), atol=1e-8
    )
    ridge = ProximalGD(alpha=2.0 / len(y), l1_ratio=0.0).fit(X, y)
    np.testing.assert_allclose(ridge.theta_, RidgeClosedForm(2.0).fit(X, y).theta_, atol=1e-8)
    assert ridge.n_iter_ < 100_000  # stopped by the tolerance


def test_the_books_printed_predictions(book_data):
    X, y = book_data
    assert RidgeClosedForm(0.1).fit(X, y).predict([[1.5]])[0] == pytest.approx(1.55325833, abs=1e-8)
    assert ProximalGD(0.1, 1.0).fit(X, y).predict([[1.5]])[0] == pytest.approx(1.53788174, abs=1e-6)
    assert ProximalGD(0.1, 0.5).fit(X, y).predict([[1.5]])[0] == pytest.approx(1.54333232, abs=1e-6)
