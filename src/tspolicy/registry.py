"""The report registry: each report declared once, in ``registry.yml`` beside its notebook.

A report is a notebook and one entry of the registry, which says what the package cannot
read from the notebook itself::

    content_counts:
      notebook: 30_content_counts.ipynb
      charts: [content_counts]       # chart kinds (charts.FOR_REPORT); rep.chart() shows the 1st
      narrative: content_counts      # narrative topic (tspolicy.narrative.TOPICS)
      evidence: cited                # or everything: the page's notes hold every figure and event
      strings: report.content_counts # its title and description in strings.yaml (the default)
      reads:                         # the data it reads (all it may read), its cache key's data
        metrics: [content_reported]  # these metrics' rows of figures, metrics, primary_checks
        events: false                # events.csv and the events' checks
        context: [meta_content_actioned, ncmec_reports_by_platform]
        # or tables: all             # every table of the dataset
      parameters:                    # values the data allow (tspolicy.parameters.ALLOWED)
        platforms: {allowed: subjects}
        scale: {allowed: [auto, linear, log]}
        ncmec_year: {allowed: context_years, series: ncmec_reports_by_platform}

Everything else is derived: the parameters' names, types, defaults and help come from the
notebook's ``parameters`` cell (papermill's :func:`~papermill.inspection.inspect_notebook`,
the same reader as ``papermill --help-notebook``); the strict checks, the charts and the
narrative a page shows, and the data its cache key hashes (:func:`tspolicy.cache.data_view`)
come from the entry.

Why a YAML file beside the notebooks rather than Python: a kernel run by papermill is
another process whose working folder is the notebook's, and a test (or a researcher) must
be able to add a report without editing the installed package. So the registry a notebook
and a plan use is ``registry.yml`` in the notebook's (the plan's) folder when there is one,
else the repository's ``notebooks/registry.yml``. The Python it needs is referred to by
name from the package's own registries of functions (chart kinds, narrative topics, the
allowed values of parameters).

This module reads YAML only (no pandas), so a build with nothing to do stays fast.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import paths, yamlfile
from .errors import TspolicyError, echo

FILE = "registry.yml"
DEFAULT = paths.NOTEBOOKS_DIR / FILE
EVIDENCE = ("cited", "everything")
FIELDS = ("notebook", "charts", "narrative", "evidence", "strings", "reads", "parameters")
#: Parameters every report notebook declares; their checks are the package's own.
COMMON = ("language", "data_dir")


class RegistryError(TspolicyError, ValueError):
    """The registry file is unreadable, or one of its entries is invalid."""


@dataclass(frozen=True)
class Reads:
    """The data a report reads (see the module docstring)."""

    everything: bool = False
    metrics: tuple[str, ...] = ()
    events: bool = False
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotebookParameter:
    """A parameter as the notebook's parameters cell declares it."""

    name: str
    type: str  # papermill's inferred type name: "str", "int", "list", "None"…
    default: Any
    help: str


@dataclass(frozen=True)
class Entry:
    """One report of the registry."""

    name: str
    notebook: Path
    charts: tuple[str, ...]
    narrative: str | None
    evidence: str
    strings: str
    reads: Reads
    allowed: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: Path = DEFAULT

    def parameters(self) -> list[NotebookParameter]:
        """The notebook's parameters, read from its parameters cell (papermill's inspection)."""
        return list(_inspect(str(self.notebook), _stamp(self.notebook)))


@dataclass(frozen=True)
class Registry:
    """Every report of one registry file."""

    path: Path
    entries: dict[str, Entry]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __getitem__(self, name: str) -> Entry:
        if name not in self.entries:
            raise RegistryError(
                f"unknown report {echo(name)}; reports are: {', '.join(self.entries)} "
                f"(registry: {self.path})"
            )
        return self.entries[name]

    @property
    def names(self) -> list[str]:
        return list(self.entries)


def path_for(folder: str | Path | None = None) -> Path:
    """The registry a notebook in ``folder`` uses: ``folder/registry.yml`` if it exists,
    else the repository's. Without a folder, the working folder's (a kernel runs in its
    notebook's folder: Jupyter, ``tspolicy build``, ``papermill --cwd``)."""
    candidate = Path(folder if folder is not None else Path.cwd()) / FILE
    return candidate if candidate.is_file() else DEFAULT


def load(folder: str | Path | None = None) -> Registry:
    """The registry a notebook in ``folder`` uses (see :func:`path_for`), checked."""
    path = path_for(folder).resolve()
    return _load(path, _stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def _names(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RegistryError(f"{where}: {what} must be a list of names; found {echo(value)}")
    return tuple(value)


@lru_cache(maxsize=16)
def _load(path: Path, stamp: tuple[int, int]) -> Registry:
    raw = yamlfile.read(path, RegistryError, "registry file")
    reports = raw.get("reports") if isinstance(raw, dict) else None
    if not isinstance(reports, dict) or not reports:
        raise RegistryError(f"{path}: expected a mapping 'reports' of report names to entries")
    entries = {}
    for name, spec in reports.items():
        where = f"{path}: report {echo(name)}"
        if not isinstance(spec, dict):
            raise RegistryError(f"{where}: expected a mapping (notebook, charts, reads…)")
        unknown = sorted(str(k) for k in set(spec) - set(FIELDS))
        if unknown:
            raise RegistryError(
                f"{where}: unknown field {echo(unknown[0])}; the fields are {', '.join(FIELDS)}"
            )
        notebook = spec.get("notebook")
        if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
            raise RegistryError(f"{where}: notebook must name a .ipynb file beside {path.name}")
        resolved = (path.parent / notebook).resolve()
        if not resolved.is_relative_to(path.parent) or not resolved.is_file():
            raise RegistryError(f"{where}: notebook {echo(notebook)} not found in {path.parent}")
        evidence = spec.get("evidence", "cited")
        if evidence not in EVIDENCE:
            raise RegistryError(
                f"{where}: evidence {echo(evidence)} is not one of {', '.join(EVIDENCE)}"
            )
        narrative = spec.get("narrative")
        if narrative is not None and not isinstance(narrative, str):
            raise RegistryError(f"{where}: narrative must be a topic name; found {echo(narrative)}")
        reads = spec.get("reads") or {}
        if not isinstance(reads, dict) or set(reads) - {"tables", "metrics", "events", "context"}:
            raise RegistryError(
                f"{where}: reads must be a mapping of tables (all), metrics, events, context; "
                f"found {echo(reads)}"
            )
        if reads.get("tables", "all") != "all":
            raise RegistryError(f"{where}: reads.tables can only be 'all'")
        allowed = spec.get("parameters") or {}
        if not isinstance(allowed, dict) or not all(
            isinstance(v, dict) and "allowed" in v for v in allowed.values()
        ):
            raise RegistryError(
                f"{where}: parameters must map names to {{allowed: …}}; found {echo(allowed)}"
            )
        entries[str(name)] = Entry(
            name=str(name),
            notebook=resolved,
            charts=_names(spec.get("charts"), where, "charts"),
            narrative=narrative,
            evidence=evidence,
            strings=str(spec.get("strings") or f"report.{name}"),
            reads=Reads(
                everything="tables" in reads,
                metrics=_names(reads.get("metrics"), where, "reads.metrics"),
                events=bool(reads.get("events", False)),
                context=_names(reads.get("context"), where, "reads.context"),
            ),
            allowed={str(k): dict(v) for k, v in allowed.items()},
            source=path,
        )
    return Registry(path, entries)


@lru_cache(maxsize=64)
def _inspect(notebook: str, stamp: tuple[int, int]) -> tuple[NotebookParameter, ...]:
    from papermill.inspection import inspect_notebook

    found = inspect_notebook(notebook)
    out = []
    for name, p in found.items():
        text = str(p["default"])
        try:
            default = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise RegistryError(
                f"{notebook}: parameter {name!r} = {text} is not a literal value; write its "
                "default as one (a string, a number, a list, None)"
            ) from None
        out.append(NotebookParameter(name, str(p["inferred_type_name"]), default, str(p["help"])))
    return tuple(out)


def validate(registry: Registry, dataset: Any = None) -> Registry:
    """Check what the entries name against the package (chart kinds, narrative topics,
    context series, allowed-value rules, the notebooks' parameters) and, given a dataset,
    the metrics they read; return the registry.

    Raises
    ------
    RegistryError
        Naming the registry file, the report, the field and what it may be.
    """
    from .charts import KINDS
    from .context import SERIES
    from .narrative import TOPICS
    from .parameters import spec

    known_metrics = set(dataset.metrics["metric"].astype(str)) if dataset is not None else None
    for entry in registry.entries.values():
        where = f"{registry.path}: report '{entry.name}'"
        for kind in entry.charts:
            if kind not in KINDS:
                raise RegistryError(f"{where}: chart {echo(kind)} is not one of {', '.join(KINDS)}")
        if entry.narrative is not None and entry.narrative not in TOPICS:
            raise RegistryError(
                f"{where}: narrative {echo(entry.narrative)} is not one of {', '.join(TOPICS)}"
            )
        for series in entry.reads.context:
            if series not in SERIES:
                raise RegistryError(
                    f"{where}: context series {echo(series)} is not one of {', '.join(SERIES)}"
                )
        if known_metrics is not None:
            for metric in entry.reads.metrics:
                if metric not in known_metrics:
                    raise RegistryError(
                        f"{where}: reads metric {echo(metric)}, which metrics.csv does not "
                        "define; name a metric of metrics.csv"
                    )
        spec(entry.name, registry)  # the notebook declares what the entry names; rules exist
    return registry
