"""Strict report parameters.

papermill only warns about a parameter a notebook does not declare, and checks no value.
Here every report declares its parameters with the values the data allow; :func:`check`
rejects an unknown name or a bad value with one message naming the notebook, the parameter
and what is allowed. The build calls it before running anything, and each notebook calls it
first (through :func:`tspolicy.report.start`).
"""

from __future__ import annotations

import ast
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import paths
from . import registry as registry_
from .errors import TspolicyError, echo
from .i18n import LANGUAGES

if TYPE_CHECKING:  # the plan's structure is read without pandas (fast no-op builds)
    from .data import Dataset
    from .registry import Entry, Registry


class ParameterError(TspolicyError, ValueError):
    """A report parameter is unknown or has a value the data do not allow."""


@dataclass(frozen=True)
class Parameter:
    """A report parameter: its default, what it means, and the values it may take."""

    name: str
    default: Any
    help: str
    allowed: Callable[[Dataset], list[Any]] | None = None  # None: any value of the type
    many: bool = False  # a list of allowed values
    whole: bool = False  # a whole number

    def describe_allowed(self, dataset: Dataset) -> str:
        """The allowed values, for messages."""
        if self.allowed is None:
            return "any"
        values = self.allowed(dataset)
        return ", ".join(repr(v) for v in values)


def _metrics(entry: Entry, options: dict[str, Any]) -> list[str]:
    """The metrics an allowed-values function looks at: the report's own, or some of them."""
    metrics = options.get("metrics", list(entry.reads.metrics))
    if entry.reads.everything:
        return list(metrics)
    outside = [m for m in metrics if m not in entry.reads.metrics]
    if outside or not metrics:
        raise registry_.RegistryError(
            f"{entry.source}: report '{entry.name}': its parameters' values come from metrics "
            f"it reads; add {', '.join(outside) or 'some'} to reads.metrics"
        )
    return list(metrics)


def _series(entry: Entry, options: dict[str, Any]) -> str:
    series = options.get("series")
    if series not in entry.reads.context:
        raise registry_.RegistryError(
            f"{entry.source}: report '{entry.name}': context_years needs `series:`, a context "
            f"series the report reads (reads.context: {', '.join(entry.reads.context) or '-'})"
        )
    return str(series)


def _subjects(entry: Entry, options: dict[str, Any]) -> Callable[[Dataset], list[Any]]:
    from .selection import subjects

    metrics = _metrics(entry, options)
    return lambda ds: subjects(ds.figures, metrics)


def _period_years(entry: Entry, options: dict[str, Any]) -> Callable[[Dataset], list[Any]]:
    from .selection import period_years

    metrics = _metrics(entry, options)
    return lambda ds: period_years(ds.figures, metrics)


def _geographies(entry: Entry, options: dict[str, Any]) -> Callable[[Dataset], list[Any]]:
    from .selection import geographies

    metrics = _metrics(entry, options)
    return lambda ds: geographies(ds.figures, metrics)


def _context_years(entry: Entry, options: dict[str, Any]) -> Callable[[Dataset], list[Any]]:
    from .context import load_context
    from .selection import context_years

    series = _series(entry, options)
    return lambda ds: context_years(load_context(series, ds.data_dir))  # the data in use


#: The allowed values a registry entry may name (``parameters: {year: {allowed: …}}``): each
#: takes the entry and its options and returns a function of the dataset in use, so every
#: value is checked against ``--data-dir`` (the notebook's ``data_dir``), never against the
#: repository's data.
ALLOWED: dict[str, Callable[[Entry, dict[str, Any]], Callable[[Dataset], list[Any]]]] = {
    "subjects": _subjects,
    "period_years": _period_years,
    "geographies": _geographies,
    "context_years": _context_years,
}


def _allowed(entry: Entry, name: str) -> Callable[[Dataset], list[Any]] | None:
    if name == "language":
        return lambda ds: list(LANGUAGES)
    options = entry.allowed.get(name)
    if options is None:
        return None
    rule = options["allowed"]
    if isinstance(rule, list):
        return lambda ds: list(rule)
    if rule not in ALLOWED:
        raise registry_.RegistryError(
            f"{entry.source}: report '{entry.name}', parameter '{name}': allowed {echo(rule)} "
            f"is not a list of values nor one of {', '.join(ALLOWED)}"
        )
    return ALLOWED[rule](entry, options)


def spec(report: str, registry: Registry | None = None) -> tuple[Parameter, ...]:
    """All parameters of ``report``, as its notebook's parameters cell declares them, with
    the values its registry entry allows."""
    registry = registry or registry_.load()
    if report not in registry:
        raise ParameterError(f"unknown report '{report}'; reports are: {', '.join(registry.names)}")
    entry = registry[report]
    declared = entry.parameters()
    names = [p.name for p in declared]
    missing = [n for n in (*registry_.COMMON, *entry.allowed) if n not in names]
    if missing:
        raise registry_.RegistryError(
            f"{entry.notebook.name}: the parameters cell does not declare {missing[0]!r}; "
            f"every report notebook declares {', '.join(registry_.COMMON)}, and each parameter "
            f"{registry_.FILE} names (report '{report}')"
        )
    return tuple(
        Parameter(
            p.name,
            p.default,
            p.help,
            _allowed(entry, p.name),
            many=p.type == "list" or isinstance(p.default, list),
            whole=p.type == "int"
            or (isinstance(p.default, int) and not isinstance(p.default, bool)),
        )
        for p in declared
    )


def defaults(report: str, registry: Registry | None = None) -> dict[str, Any]:
    """The default value of every parameter of ``report`` (from its notebook)."""
    return {p.name: p.default for p in spec(report, registry)}


def notebook_name(report: str, registry: Registry | None = None) -> str:
    """The file name of the notebook of ``report``, for messages."""
    registry = registry or registry_.load()
    return registry.entries[report].notebook.name if report in registry else report


def __getattr__(name: str) -> Any:
    if name == "NOTEBOOKS":  # {report: notebook file name}, from the repository's registry
        return {n: e.notebook.name for n, e in registry_.load(paths.NOTEBOOKS_DIR).entries.items()}
    raise AttributeError(name)


def check_data_dir(report: str, data_dir: Any, registry: Registry | None = None) -> None:
    """Reject a ``data_dir`` that is not a path (papermill's ``-p data_dir 5`` gives 5)
    before anything is loaded from it."""
    if data_dir is not None and not isinstance(data_dir, str):
        raise ParameterError(
            f"{notebook_name(report, registry)}: parameter 'data_dir' = {echo(data_dir)} is not "
            "a folder; write a path in quotes, or None for the repository's data/"
        )


def check(
    report: str,
    values: Mapping[str, Any],
    dataset: Dataset,
    registry: Registry | None = None,
) -> dict[str, Any]:
    """Return the full parameter set of ``report``, or raise ParameterError.

    Parameters
    ----------
    report
        Report name (an entry of the registry).
    values
        Parameters given; missing ones take their default.
    dataset
        The data the allowed values come from (the data in use: ``--data-dir``).
    registry
        The report registry (default: :func:`tspolicy.registry.load`).

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter and the allowed values.
    """
    registry = registry or registry_.load()
    notebook = notebook_name(report, registry)
    known = {p.name: p for p in spec(report, registry)}
    unknown = sorted(str(v) for v in set(values) - set(known))
    if unknown:
        names = ", ".join(echo(name) for name in unknown)
        raise ParameterError(
            f"{notebook}: unknown parameter{'s' if len(unknown) > 1 else ''} {names}; "
            f"its parameters are: {', '.join(known)}"
        )
    result = {**{p.name: p.default for p in known.values()}, **values}
    check_data_dir(report, result["data_dir"], registry)
    for parameter in known.values():
        value = result[parameter.name]
        if parameter.whole and (not isinstance(value, int) or isinstance(value, bool)):
            raise ParameterError(
                f"{notebook}: parameter '{parameter.name}' = {echo(value)} is not a whole "
                f"number; write it as one, e.g. -p {parameter.name} {parameter.default}"
            )
        if parameter.allowed is None or (value is None and parameter.default is None):
            continue
        allowed = parameter.allowed(dataset)
        given = value if parameter.many and isinstance(value, list | tuple) else [value]
        if parameter.many and not isinstance(value, list | tuple):
            given = _list_value(notebook, parameter, value)
            result[parameter.name] = given
        bad = [v for v in given if v not in allowed]
        if bad or not given:
            raise ParameterError(
                f"{notebook}: parameter '{parameter.name}' = {echo(value)} is not allowed; "
                f"allowed: {parameter.describe_allowed(dataset)}"
                + (" (one or more)" if parameter.many else "")
            )
    return result


def _list_value(notebook: str, parameter: Parameter, value: Any) -> list[Any]:
    """A list parameter given as one value: papermill's ``-p`` passes ``Instagram`` or
    ``Facebook,Instagram`` as a string, which means that list."""
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    example = ",".join(str(v) for v in parameter.default)
    if text[:1] in "[(" or text[-1:] in "])":
        raise ParameterError(
            f"{notebook}: parameter '{parameter.name}' = {echo(value)} is a list written as "
            f"text; give it as -p {parameter.name} {shlex.quote(example)} (names separated by "
            f"commas), or as a YAML list: -y '{parameter.name}: [{', '.join(parameter.default)}]'"
        )
    return [part.strip() for part in text.split(",") if part.strip()]


def assigned_names(source: str) -> list[str]:
    """Names a cell assigns at top level (``year = 2020``); [] if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names
