"""Where the heavy loops run: in this process, or on a Dask cluster when one is named.

The neighbour search over query chunks and the grid searches of Titanic and spam dispatch their work
through joblib. Inside `workers()` with a scheduler address (the argument, or the HOML_DASK_SCHEDULER
environment variable, such as tcp://host:8786), joblib sends that work to the cluster's workers,
which need homl installed; without one it runs here, as it always has.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from homl.core.errors import ClusterError

SCHEDULER_VARIABLE = "HOML_DASK_SCHEDULER"
CONNECT_SECONDS = 10


def scheduler_address() -> str | None:
    return os.environ.get(SCHEDULER_VARIABLE) or None


@contextmanager
def workers(address: str | None = None) -> Iterator[str | None]:
    """Run joblib's work on the Dask cluster at `address` (default: $HOML_DASK_SCHEDULER) if any."""
    address = address or scheduler_address()
    if address is None:
        yield None
        return
    import joblib
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except OSError as error:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({SCHEDULER_VARIABLE}): {error}"
        ) from None
    with client, joblib.parallel_config(backend="dask", n_jobs=-1):
        yield address
