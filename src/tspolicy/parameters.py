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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import groups
from .errors import TspolicyError, echo
from .i18n import LANGUAGES

if TYPE_CHECKING:  # the plan's structure is read without pandas (fast no-op builds)
    import pandas as pd

    from .data import Dataset

NOTEBOOKS = {
    "overview": "00_overview.ipynb",
    "platform_shares": "10_platform_shares.ipynb",
    "enforcement": "20_enforcement.ipynb",
    "content_counts": "30_content_counts.ipynb",
    "sources": "40_sources.ipynb",
    "timeline": "50_timeline.ipynb",
}


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

    def describe_allowed(self, dataset: Dataset) -> str:
        """The allowed values, for messages."""
        if self.allowed is None:
            return "any"
        values = self.allowed(dataset)
        return ", ".join(repr(v) for v in values)


def _rows(dataset: Dataset, metrics: Iterable[str]) -> pd.DataFrame:
    return dataset.figures[dataset.figures["metric"].isin(list(metrics))]


def _years(dataset: Dataset) -> list[int]:
    rows = _rows(dataset, [groups.SHARE, groups.RANK])
    return sorted({int(y) for y in rows["period_start"].dropna()})


def _platforms(metrics: Iterable[str]) -> Callable[[Dataset], list[str]]:
    return lambda ds: sorted(_rows(ds, metrics)["subject"].astype(str).unique())


def _geographies(ds: Dataset) -> list[str]:
    return sorted(_rows(ds, groups.ENFORCEMENT)["geography"].dropna().astype(str).unique())


def _ncmec_years(ds: Dataset) -> list[int]:
    from .context import load_context

    series = load_context("ncmec_reports_by_platform", ds.data_dir)  # the data being used
    return sorted({int(y) for y in series.frame["year"]})


COMMON = (
    Parameter("language", "en", "Report language: en, fr or ar", lambda ds: list(LANGUAGES)),
    Parameter("data_dir", None, "Data folder (None: the repository's data/)"),
)
SPECS: dict[str, tuple[Parameter, ...]] = {
    "overview": (),
    "platform_shares": (
        Parameter("year", 2020, "Year of the ranking", _years),
        Parameter(
            "highlight",
            "Facebook",
            "Platform drawn in the accent colour",
            _platforms([groups.SHARE, groups.RANK]),
        ),
    ),
    "enforcement": (
        Parameter("country", "Philippines", "Country of the enforcement figures", _geographies),
        Parameter(
            "organisation",
            "International Justice Mission (IJM)",
            "Organisation whose cases they are",
            _platforms(groups.ENFORCEMENT),
        ),
    ),
    "content_counts": (
        Parameter(
            "platforms",
            ["Facebook", "Instagram"],
            "Platforms to show",
            _platforms([groups.CONTENT]),
            many=True,
        ),
        Parameter(
            "scale",
            "auto",
            "Value axis: auto (log past 10x), linear or log",
            lambda ds: ["auto", "linear", "log"],
        ),
        Parameter("ncmec_year", 2022, "Year of the NCMEC reports shown beside", _ncmec_years),
    ),
    "sources": (),
    "timeline": (),
}


def spec(report: str) -> tuple[Parameter, ...]:
    """All parameters of ``report``, the common ones first."""
    if report not in SPECS:
        raise ParameterError(f"unknown report '{report}'; reports are: {', '.join(SPECS)}")
    return COMMON + SPECS[report]


def defaults(report: str) -> dict[str, Any]:
    """The default value of every parameter of ``report``."""
    return {p.name: p.default for p in spec(report)}


def check_data_dir(report: str, data_dir: Any) -> None:
    """Reject a ``data_dir`` that is not a path (papermill's ``-p data_dir 5`` gives 5)
    before anything is loaded from it."""
    if data_dir is not None and not isinstance(data_dir, str):
        raise ParameterError(
            f"{NOTEBOOKS.get(report, report)}: parameter 'data_dir' = {echo(data_dir)} is not "
            "a folder; write a path in quotes, or None for the repository's data/"
        )


def check(report: str, values: Mapping[str, Any], dataset: Dataset) -> dict[str, Any]:
    """Return the full parameter set of ``report``, or raise ParameterError.

    Parameters
    ----------
    report
        Report name (a key of :data:`NOTEBOOKS`).
    values
        Parameters given; missing ones take their default.
    dataset
        The data the allowed values come from.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter and the allowed values.
    """
    notebook = NOTEBOOKS.get(report, report)
    known = {p.name: p for p in spec(report)}
    unknown = sorted(str(v) for v in set(values) - set(known))
    if unknown:
        names = ", ".join(echo(name) for name in unknown)
        raise ParameterError(
            f"{notebook}: unknown parameter{'s' if len(unknown) > 1 else ''} {names}; "
            f"its parameters are: {', '.join(known)}"
        )
    result = {**defaults(report), **values}
    check_data_dir(report, result["data_dir"])
    for parameter in known.values():
        value = result[parameter.name]
        whole = isinstance(parameter.default, int) and not isinstance(parameter.default, bool)
        if whole and (not isinstance(value, int) or isinstance(value, bool)):
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
