"""Which tier this run is: set by conftest.py from `pytest --all`."""

ALL = False
