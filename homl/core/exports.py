"""A package's public names, each imported from its module on first use (PEP 562), so that importing one
module of a wing loads no other."""

from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, homes: dict[str, str]) -> tuple[list[str], Callable[[str], object]]:
    """`__all__` and `__getattr__` for `package`, whose public names live in the modules `homes` names."""

    def __getattr__(name: str) -> object:
        if name in homes:
            return getattr(import_module(f"{package}.{homes[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return sorted(homes), __getattr__
