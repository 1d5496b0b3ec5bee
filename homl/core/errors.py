"""The errors a stage or the `homl` command reports in one line, without a traceback."""


class HomlError(Exception):
    """Base of every error that names its cause well enough to be shown to a person as it is."""


class DataError(HomlError, RuntimeError):
    """A data set or download that is missing, corrupt or not what was expected."""


class ParamsError(HomlError, ValueError):
    """A params.yaml section that is missing, misspelt or out of range."""


class DivergenceError(HomlError, ArithmeticError):
    """Gradient descent blew up: the learning rate (or schedule) is too large for the data."""


class CorruptModelError(HomlError, ValueError):
    """A model file whose bytes do not match the checksum written with them."""


class UntrustedModelError(HomlError, ValueError):
    """A model file that names a type or function no homl model holds: refused before anything is called."""


class ClusterError(HomlError, ConnectionError):
    """The Dask scheduler named to run the heavy loops cannot be reached."""
