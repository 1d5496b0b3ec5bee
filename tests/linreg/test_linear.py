import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from homl.linreg.datasets import large_synthetic_data, standardize, synthetic_data
from homl.linreg.linear import (
    BatchGD,
    DivergenceError,
    MiniBatchGD,
    NormalEquation,
    PseudoInverse,
    StochasticGD,
    gram_chunked,
    recorded_steps,
    with_bias,
)
from homl.linreg.sgd_steps import stochastic_epoch


def random_problem(seed, rows=200, features=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    theta = rng.uniform(-3, 3, features + 1)
    return X, with_bias(X) @ theta + 0.3 * rng.normal(size=rows)


@pytest.mark.parametrize("seed", range(5))
def test_closed_forms_equal_scikit_learn(seed):
    X, y = random_problem(seed)
    reference = LinearRegression().fit(X, y)
    expected = np.concatenate([[reference.intercept_], reference.coef_])
    np.testing.assert_allclose(NormalEquation().fit(X, y).theta_, expected, atol=1e-10)
    np.testing.assert_allclose(PseudoInverse().fit(X, y).theta_, expected, atol=1e-10)


def test_pseudo_inverse_handles_a_singular_design():
    X = np.random.default_rng(0).normal(size=(50, 1))
    X = np.hstack([X, 2 * X])  # two collinear columns: X^T X is singular
    y = 1 + X[:, 0]
    model = PseudoInverse().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-10)


def test_chunked_normal_matrix_equals_the_direct_one():
    X, y = random_problem(1, rows=1_003)
    gram, moment = gram_chunked(X, y, chunk_rows=100)
    Xb = with_bias(X)
    np.testing.assert_allclose(gram, Xb.T @ Xb)
    np.testing.assert_allclose(moment, Xb.T @ y)


@pytest.mark.parametrize("seed", range(5))
def test_gradient_descent_solvers_converge_to_the_closed_form(seed):
    X, y = random_problem(seed)
    closed = NormalEquation().fit(X, y).theta_
    batch = BatchGD(eta=0.1, n_iterations=5000, tolerance=1e-10).fit(X, y)
    assert np.linalg.norm(batch.theta_ - closed) < 1e-6
    minibatch = MiniBatchGD(batch_size=20, n_epochs=300, t0=50, t1=1000, random_state=seed).fit(X, y)
    assert np.linalg.norm(minibatch.theta_ - closed) < 1e-2
    stochastic = StochasticGD(n_epochs=300, t0=5, t1=50, random_state=seed).fit(X, y)
    assert np.linalg.norm(stochastic.theta_ - closed) < 5e-2


def test_the_books_data_and_settings():
    X, y = synthetic_data(100, 4.0, [3.0], 2.0, 1.0, seed=42)
    closed = NormalEquation().fit(X, y).theta_
    assert np.linalg.norm(closed - [4, 3]) < 0.5
    batch = BatchGD(eta=0.1, n_iterations=1000).fit(X, y)
    assert np.linalg.norm(batch.theta_ - closed) < 1e-6
    assert batch.n_iter_ < 1000 and len(batch.loss_) == batch.n_iter_
    assert batch.loss_[0] > batch.loss_[-1]
    np.testing.assert_array_equal(batch.path_[0], [0, 0])


def test_runs_are_reproducible():
    X, y = random_problem(3)
    first = StochasticGD(n_epochs=5, random_state=1).fit(X, y).theta_
    np.testing.assert_array_equal(first, StochasticGD(n_epochs=5, random_state=1).fit(X, y).theta_)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (BatchGD(eta=5.0), "batch GD diverged at step .*: eta=5.0 is too large"),
        (StochasticGD(n_epochs=3, t0=500, t1=1), "stochastic GD diverged .*t0/t1=500/1"),
        (MiniBatchGD(n_epochs=3, t0=1e4, t1=1), "mini-batch GD diverged"),
    ],
)
def test_a_diverging_learning_rate_is_a_clear_error(model, message):
    X, y = random_problem(0)
    with pytest.raises(DivergenceError, match=message):
        model.fit(X * 10, y)


def test_large_data_is_generated_in_chunks_reproducibly():
    X, y, theta = large_synthetic_data(2_500, 4, seed=7, chunk_rows=1_000)
    X2, y2, _ = large_synthetic_data(2_500, 4, seed=7, chunk_rows=1_000)
    np.testing.assert_array_equal(X, X2)
    assert np.linalg.norm(NormalEquation().fit(X, y).theta_ - theta) < 0.1


def test_helpers():
    assert recorded_steps(10, 100).tolist() == list(range(1, 11))
    assert len(recorded_steps(10**6, 50)) <= 50
    Z = standardize(np.array([[1.0, 10.0], [3.0, 30.0]]))
    np.testing.assert_allclose(Z, [[-1, -1], [1, 1]])


def dot_in_order(x, theta):
    total = 0.0
    for a, b in zip(x, theta, strict=True):
        total += a * b
    return total


def test_the_compiled_stochastic_steps_are_the_books_step_summed_in_order():
    """NumPy's `xi @ theta` sums in whatever order the CPU's BLAS kernel chooses; the compiled step sums
    in column order on every CPU. Otherwise the same operations: equal value for value."""
    rng = np.random.default_rng(5)
    Xb = np.column_stack([np.ones(40), rng.normal(size=(40, 10))])
    y = rng.normal(size=40)
    picks, etas = rng.integers(40, size=200), 5 / (np.arange(200) + 50)
    theta = np.zeros(11)
    expected_path = []
    for i, eta in zip(picks, etas, strict=True):
        theta = theta - eta * 2 * Xb[i] * (dot_in_order(Xb[i], theta) - y[i])
        expected_path.append(theta)
    record = np.array([0, 7, 199])
    final, path = stochastic_epoch(Xb, y, np.zeros(11), picks, etas, record)
    np.testing.assert_array_equal(final, theta)
    np.testing.assert_array_equal(path, np.array(expected_path)[record])
