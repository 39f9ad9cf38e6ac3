"""Load the dataset as typed pandas DataFrames.

Column types come from ``data/datapackage.json``, the one place they are declared:
``number`` → ``Float64``, ``integer`` → ``Int64``, ``boolean`` → ``boolean``, ``date`` →
``datetime64``; a string field with an ``enum`` becomes a categorical with those categories,
identifier-like fields (document, metric, subject…) categoricals of their values, and other
text the pandas ``string`` dtype, with empty cells as ``<NA>``.

The loaders parse; they do not judge. Run :func:`tspolicy.validate.validate` (or
``tspolicy validate``) for the full list of problems; a loader that cannot parse a file
raises :class:`DataError` with a message naming file, row and field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .errors import TspolicyError, echo

#: Text fields loaded as categoricals (repeated labels that charts group by).
CATEGORICAL = frozenset(
    {
        "document_id",
        "metric",
        "subject",
        "geography",
        "primary_source",
        "language",
        "unit",
        "category",
    }
)
_YEAR = re.compile(r"^(\d{4})")


class DataError(TspolicyError, ValueError):
    """A data file cannot be loaded; the message names the file, row and field."""


@dataclass(frozen=True)
class Dataset:
    """The tables of the dataset (the context series load apart: :mod:`tspolicy.context`)."""

    sources: pd.DataFrame
    figures: pd.DataFrame
    metrics: pd.DataFrame
    events: pd.DataFrame
    primary_checks: pd.DataFrame


def resource_descriptor(name: str, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Return the data package's descriptor of resource ``name`` (path, schema, metadata)."""
    path = paths.data_dir(data_dir) / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{path}: not found; the data directory needs its datapackage.json"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({exc}); run `tspolicy validate`") from None
    for resource in descriptor.get("resources", []):
        if resource.get("name") == name:
            return resource
    raise DataError(f"{path}: no resource named '{name}'; run `tspolicy validate`")


def resource_path(directory: Path, resource: dict[str, Any]) -> Path:
    """The file of a data-package resource, which must lie inside the data folder.

    Raises
    ------
    DataError
        When the descriptor's ``path`` is not a relative path inside ``directory``.
    """
    name = resource.get("name", "?")
    relative = resource.get("path", f"{name}.csv")
    root = directory.resolve()
    path = (root / str(relative)).resolve() if isinstance(relative, str) else None
    if path is None or Path(str(relative)).is_absolute() or not path.is_relative_to(root):
        raise DataError(
            f"{directory / 'datapackage.json'}: resource '{name}' has path {relative!r}, "
            f"outside the data folder; write a path relative to {directory}, e.g. {name}.csv"
        )
    return directory / str(relative)


def _read(name: str, data_dir: str | Path | None) -> pd.DataFrame:
    directory = paths.data_dir(data_dir)
    resource = resource_descriptor(name, directory)
    fields = resource["schema"]["fields"]
    path = resource_path(directory, resource)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: not found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8; run `tspolicy validate` for the line") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not readable as CSV ({exc}); run `tspolicy validate`") from None
    missing = [f["name"] for f in fields if f["name"] not in raw.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; run `tspolicy validate`")
    return pd.DataFrame({f["name"]: _convert(raw[f["name"]], f, path) for f in fields})


#: Fields holding a date or period, which cannot lie after today.
DATED_FIELDS = frozenset({"period", "date", "published"})
_FOUR_DIGITS = re.compile(r"\d{4}")


def _example(fld: dict[str, Any]) -> str:
    example = fld.get("example")
    return f", e.g. {example}" if example not in (None, "") else ""


def cell_problem(
    value: str, fld: dict[str, Any], today: date | None = None
) -> tuple[str, str] | None:
    """What is wrong with one cell under its field's schema, as (problem, fix); None if fine.

    The one wording of every cell-level rule, used by the loaders (which refuse the cell)
    and by :func:`tspolicy.validate.validate` (which lists it): type, finite numbers,
    required, enum, pattern, minimum and maximum, no date in the future, no NUL character,
    and no text that a spreadsheet would run as a formula.
    """
    from .csvsafe import is_formula

    name, kind = fld.get("name", ""), fld.get("type", "string")
    constraints = fld.get("constraints", {})
    shown = echo(value)
    if "\x00" in value:
        return (
            f"{shown} holds a NUL character (byte 0)",
            "delete it: the file was probably saved by a program that wrote binary data",
        )
    if value == "":
        if constraints.get("required"):
            return f"{name} is empty but required", f"fill it in: {fld.get('description', '')}"
        return None
    if kind in {"number", "integer"}:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and not math.isfinite(number):
            return (
                f"{shown} is not a finite number",
                "write the number the document states, in base units (no inf, NaN or 1e309)",
            )
        if number is None or (kind == "integer" and not re.fullmatch(r"[+-]?\d+", value)):
            fix = (
                "write a plain number in base units, with no spaces, commas or % sign "
                f"(73.3 million is 73300000){_example(fld)}"
                if kind == "number"
                else f"write a whole number{_example(fld)}"
            )
            return f"{shown} is not a valid {kind}", fix
        for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
            limit = constraints.get(bound)
            if limit is None or (number >= limit if bound == "minimum" else number <= limit):
                continue
            if bound == "minimum" and name == "value":
                return (
                    f"negative value {value}: counts, shares and ranks cannot be below {limit}",
                    "write the number as the document states it, without a sign",
                )
            return f"{value} is {word} {limit}", f"check the value{_example(fld)}"
        return None
    if kind == "boolean":
        if value not in {"true", "false"}:
            return f"{shown} is not a valid boolean", "write true or false"
        return None
    if kind == "date":
        try:
            parsed = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            return (
                f"{shown} is not a valid date",
                "write an ISO date, YYYY-MM-DD (e.g. 2024-06-24), or leave it empty",
            )
    enum = constraints.get("enum")
    if enum and value not in enum:
        return f"{shown} is not an allowed {name}", f"use one of: {', '.join(enum)}"
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return (
            f"{shown} does not have the form a {name} must have",
            f"{fld.get('description', 'see data/README.md')}{_example(fld)}",
        )
    today = today or date.today()
    if name in DATED_FIELDS and any(int(y) > today.year for y in _FOUR_DIGITS.findall(value)):
        return (
            f"{name} {shown} lies in the future (today is {today.isoformat()})",
            "write the date or period the document states; a typo in the year is likely",
        )
    if kind == "date" and date.fromisoformat(value) > today:
        return (
            f"{name} {shown} lies in the future (today is {today.isoformat()})",
            "write the date the document states; a typo in the year is likely",
        )
    if kind == "string" and not enum and not pattern and is_formula(value):
        return (
            f"{shown} starts with '{value.lstrip()[0]}': a spreadsheet opening the file "
            "would run it as a formula",
            "reword the cell so that it does not start with =, +, - or @ "
            "(quote the document's words after it)",
        )
    return None


def _convert(column: pd.Series, fld: dict[str, Any], path: Path) -> pd.Series:
    name, kind = fld["name"], fld.get("type", "string")
    for index, value in column.items():
        problem = cell_problem(value, fld)
        if problem:
            raise DataError(
                f"{path.name}, row {int(index) + 2}, field {name}: {problem[0]}; {problem[1]}. "
                "Run `tspolicy validate` for every problem"
            )
    empty = column == ""
    if kind in {"number", "integer"}:
        numbers = pd.to_numeric(column.where(~empty))
        return numbers.astype("Int64" if kind == "integer" else "Float64")
    if kind == "boolean":
        return column.map({"true": True, "false": False}).astype("boolean")
    if kind == "date":
        return pd.to_datetime(column.where(~empty), format="%Y-%m-%d")
    text = column.where(~empty).astype("string")
    enum = fld.get("constraints", {}).get("enum")
    if enum or name in CATEGORICAL:
        categories = enum or sorted(set(text.dropna()))
        return pd.Series(pd.Categorical(text, categories=categories), index=column.index, name=name)
    return text


def _period_years(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split ISO periods ('2020', '2011/..', '2022-01/2022-09') into start and end years."""
    starts, ends = [], []
    for value in period:
        if value is pd.NA or not value:
            starts.append(pd.NA)
            ends.append(pd.NA)
            continue
        start, sep, end = value.partition("/")
        starts.append(int(start[:4]))
        if not sep:
            ends.append(int(start[:4]))
        else:
            ends.append(int(end[:4]) if _YEAR.match(end) else pd.NA)
    return pd.Series(starts, dtype="Int64", index=period.index), pd.Series(
        ends, dtype="Int64", index=period.index
    )


def _start_of(date: str) -> str:
    """'2016' → '2016-01-01', '2024-05' → '2024-05-01'; a full date is kept."""
    return {4: f"{date}-01-01", 7: f"{date}-01", 10: date}.get(len(date), "")


def load_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``sources.csv``: one row per document.

    Parameters
    ----------
    data_dir
        Folder holding the data package; default the repository's ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``published`` as ``datetime64`` (``NaT`` where the text gives no date), ``kind`` and
        ``language`` as categoricals.
    """
    return _read("sources", data_dir)


def load_figures(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``figures.csv``: one row per mention of a figure in a document.

    Parameters
    ----------
    data_dir
        Folder holding the data package; default the repository's ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``value`` as ``Float64``; ``vague`` as ``boolean``; ``qualifier``, ``unit``,
        ``metric``, ``subject``, ``document_id`` as categoricals; plus ``period_start`` and
        ``period_end``, the years of ``period`` as ``Int64`` (``<NA>`` where open or unstated).
    """
    figures = _read("figures", data_dir)
    start, end = _period_years(figures["period"])
    figures.insert(figures.columns.get_loc("period") + 1, "period_start", start)
    figures.insert(figures.columns.get_loc("period_start") + 1, "period_end", end)
    return figures


def load_metrics(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``metrics.csv``: the metric vocabulary with labels in en, fr and ar and caveats."""
    return _read("metrics", data_dir)


def load_events(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``events.csv``: dated events.

    Returns
    -------
    pandas.DataFrame
        ``date`` as ``datetime64``, the first day of the stated period ('2024-05' is
        1 May 2024): read it with ``date_precision`` (year, month or day).
    """
    events = _read("events", data_dir)
    text = events["date"].astype(str)
    dates = pd.to_datetime(text.map(_start_of), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().idxmax())
        raise DataError(
            f"events.csv, row {row + 2}, field date: '{text[row]}' is not an ISO date "
            "(YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    events["date"] = dates
    return events


def load_primary_checks(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``primary_checks.csv``: each claim checked against its primary source.

    Returns
    -------
    pandas.DataFrame
        ``verdict`` as a categorical of matches, differs_in_value, differs_in_definition,
        differs_in_date and unverified; ``claim`` keys the figures' claims as
        :func:`tspolicy.corroborate.claim_keys` does, or ``event|<event_id>``.
    """
    return _read("primary_checks", data_dir)


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Load the dataset's tables at once."""
    return Dataset(
        sources=load_sources(data_dir),
        figures=load_figures(data_dir),
        metrics=load_metrics(data_dir),
        events=load_events(data_dir),
        primary_checks=load_primary_checks(data_dir),
    )
