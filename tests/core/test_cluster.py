"""The heavy loops give the same results on a Dask cluster as in this process."""

import numpy as np
import pytest
from tiny_data import make_passengers

from homl.core import cluster
from homl.core.errors import ClusterError
from homl.data import titanic
from homl.digits import neighbors
from homl.titanic import survival

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def tasks_run_by(address, work):
    """`work()`'s result, and how many tasks the cluster's workers ran for it."""
    with distributed.Client(address) as observer, distributed.get_task_stream(observer) as stream:
        with cluster.workers(address):
            result = work()
    return result, len(stream.data)


@pytest.mark.slow
def test_neighbour_search_on_the_cluster_equals_the_search_here(scheduler):
    rng = np.random.default_rng(0)
    references = rng.integers(0, 4, (300, 20)).astype(np.float64)  # small integers: many ties
    queries = np.vstack([references[:5], rng.integers(0, 4, (95, 20))])

    def search():
        return neighbors.kneighbors(queries, references, 7, chunk_rows=16)

    here = search()
    there, tasks = tasks_run_by(scheduler, search)
    assert tasks >= 2  # 100 queries in chunks of 16 rows
    np.testing.assert_array_equal(here[1], there[1])
    np.testing.assert_array_equal(here[0], there[0])


@pytest.mark.slow
def test_grid_search_on_the_cluster_equals_the_search_here(scheduler):
    passengers, survived = titanic.features_and_target(make_passengers(300))
    features = tuple(survival.FEATURES)

    def search():
        grid = {"C": [0.1, 1.0]}
        candidates, choice, fitted = survival.grid_search(
            passengers, survived, features, "logistic_regression", grid, survival.CVParams(3, 2), 0
        )
        return (
            candidates["mean_accuracy"].to_numpy(),
            choice["repeated_cv_scores"],
            fitted.predict(passengers),
        )

    here = search()
    there, tasks = tasks_run_by(scheduler, search)
    assert tasks >= 2
    for ours, theirs in zip(here, there, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_the_scheduler_comes_from_the_environment(monkeypatch, scheduler):
    monkeypatch.setenv(cluster.SCHEDULER_VARIABLE, scheduler)
    with cluster.workers() as address:
        assert address == scheduler
    monkeypatch.delenv(cluster.SCHEDULER_VARIABLE)
    with cluster.workers() as address:
        assert address is None


def test_an_unreachable_scheduler_is_one_line_naming_it(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    with pytest.raises(ClusterError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 "):
        with cluster.workers("tcp://127.0.0.1:9"):
            pass
