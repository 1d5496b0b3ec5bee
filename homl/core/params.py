"""Load a section of `params.yaml` and validate it against a schema before any work starts.

A schema is a type: usually a frozen dataclass kept next to the code that uses the section (for
example `homl.digits.knn.SearchParams`). Types come from the annotations; `Literal[...]` lists the allowed
values (read from the code that owns them), `Annotated[..., Range(lo, hi)]` bounds a number,
`dict[Literal[...], ...]` is a mapping with known keys. Unknown keys, missing keys, wrong types and
out-of-range values raise `ParamsError` naming the dotted key.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml

from homl.core.errors import ParamsError

PARAMS_FILE = Path("params.yaml")


@dataclass(frozen=True)
class Range:
    """Inclusive bounds for a number; `None` leaves a side open."""

    low: float | None = None
    high: float | None = None


def _check(value: Any, hint: Any, key: str) -> Any:
    if hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin is Annotated:
        inner, *extras = typing.get_args(hint)
        value = _check(value, inner, key)
        for extra in extras:
            if isinstance(extra, Range) and not (
                (extra.low is None or value >= extra.low) and (extra.high is None or value <= extra.high)
            ):
                low = "-inf" if extra.low is None else extra.low
                high = "inf" if extra.high is None else extra.high
                raise ParamsError(f"{key}: {value!r} is out of range; allowed: [{low}, {high}]")
        return value
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ParamsError(f"{key}: {value!r} is not allowed; allowed: {', '.join(map(repr, allowed))}")
        return value
    if origin is dict:
        key_hint, value_hint = typing.get_args(hint)
        if not isinstance(value, dict):
            raise ParamsError(f"{key}: expected a mapping, got {value!r}")
        for name in value:
            _check(name, key_hint, f"{key}.{name}")
        return {name: _check(item, value_hint, f"{key}.{name}") for name, item in value.items()}
    if origin in (list, tuple):
        (item,) = typing.get_args(hint)[:1]
        if not isinstance(value, list):
            raise ParamsError(f"{key}: expected a list, got {value!r}")
        return tuple(_check(v, item, f"{key}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _check(value, option, key)
            except ParamsError as error:
                errors.append(str(error))
        raise ParamsError(errors[0] if len(errors) == 1 else f"{key}: {value!r} fits none of {options}")
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ParamsError(f"{key}: expected a whole number, got {value!r}")
    if not isinstance(value, hint):
        raise ParamsError(f"{key}: expected {hint.__name__}, got {value!r}")
    return value


def _build(cls: type, raw: Any, key: str):
    if not isinstance(raw, dict):
        raise ParamsError(f"{key}: expected a mapping of {cls.__name__} settings, got {raw!r}")
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise ParamsError(f"{key}.{unknown[0]}: unknown key; allowed: {', '.join(fields)}")
    values = {}
    for name, field in fields.items():
        if name in raw:
            values[name] = _check(raw[name], hints[name], f"{key}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamsError(f"{key}.{name}: missing")
    return cls(**values)


def parse(key: str, schema: Any, raw: dict) -> Any:
    """Validate the value at the dotted `key` of `raw` (the parsed params.yaml) against `schema`."""
    value = raw
    for depth, part in enumerate(key.split(".")):
        if not isinstance(value, dict) or part not in value:
            raise ParamsError(f"{'.'.join(key.split('.')[: depth + 1])}: missing from params.yaml")
        value = value[part]
    return _check(value, schema, key)


def load(key: str, schema: Any, path: str | Path = PARAMS_FILE) -> Any:
    """Read `path` and return the value at the dotted `key`, validated against `schema` (as the run reads
    it: a quick run's overrides applied)."""
    return parse(key, schema, as_run(_read(path)))


@dataclass(frozen=True)
class QuickParams:
    """params.yaml's `quick_run`: what a quick run (`quick: true`) keeps of the data, and the params it
    reads instead (`overrides`: nested like params.yaml, each value replacing the one at its place)."""

    mnist_train: Annotated[int, Range(100, None)]
    mnist_test: Annotated[int, Range(100, None)]
    spam_share: Annotated[float, Range(0.01, 1)]
    overrides: dict[str, Any]


def quick(path: str | Path = PARAMS_FILE) -> QuickParams | None:
    """The quick run's settings when params.yaml says `quick: true`, else None."""
    return _quick(_read(path))


def _quick(raw: dict) -> QuickParams | None:
    if "quick" not in raw or not parse("quick", bool, raw):
        return None
    return parse("quick_run", QuickParams, raw)


def as_run(raw: dict) -> dict:
    """The parsed params.yaml as the run reads it: in a quick run, `quick_run.overrides` laid over it."""
    settings = _quick(raw)
    if settings is None:
        return raw
    run = copy.deepcopy(raw)
    _lay_over(run, settings.overrides, "quick_run.overrides")
    return run


def _lay_over(node: dict, overrides: dict, key: str) -> None:
    """Set each of `overrides` (nested like `node`) at the same place in `node`; mappings are entered."""
    for name, value in overrides.items():
        if name not in node:
            raise ParamsError(f"{key}.{name}: no such key in params.yaml")
        if isinstance(value, dict) and isinstance(node[name], dict):
            _lay_over(node[name], value, f"{key}.{name}")
        else:
            node[name] = value


def _read(path: str | Path) -> dict:
    """The parsed params file, a copy of its own: a stage reads it at every `load` and at every metrics
    write, but parses each content once."""
    return copy.deepcopy(_parse(Path(path).read_text()))


@functools.lru_cache(maxsize=4)
def _parse(text: str) -> dict:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def check_settings(key: str, estimator: Any, settings: dict[str, Any]) -> None:
    """Check each setting with the estimator's own parameter constraints (scikit-learn's)."""
    from sklearn.base import clone  # here, so that reading params costs no scikit-learn import

    from homl.core.sklearn_private import InvalidParameterError

    for parameter, value in settings.items():
        try:
            clone(estimator).set_params(**{parameter: value})._validate_params()
        except InvalidParameterError as error:
            raise ParamsError(f"{key}.{parameter}: {error}") from None
        except ValueError:
            allowed = ", ".join(sorted(estimator.get_params(deep=False)))
            raise ParamsError(f"{key}.{parameter}: unknown; allowed: {allowed}") from None


def check_grids(key: str, estimators: dict[str, Any], grids: dict[str, dict[str, list]]) -> None:
    """Check every value of every grid with its estimator's own parameter constraints."""
    for name, grid in grids.items():
        for parameter, values in grid.items():
            if not isinstance(values, list | tuple) or not values:
                raise ParamsError(f"{key}.{name}.{parameter}: expected a non-empty list, got {values!r}")
            for value in values:
                check_settings(f"{key}.{name}", estimators[name], {parameter: value})
