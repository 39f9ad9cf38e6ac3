"""Public context series: NCMEC CyberTipline reports and Meta's content actioned.

``../shared/external/`` holds the series as extracted from the Diaphanous dataset;
:func:`import_external` turns them into the tidy tables of ``data/context/`` (one
observation per row, aggregates kept apart from the rows they sum), byte-for-byte
reproducibly. Their origin (producer, URLs, dates, licence, intermediate dataset), unit and
caveat live in ``data/datapackage.json``; :func:`load_context` returns them with the data,
so that a chart can never show the numbers without saying what they are not.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .data import (
    DataError,
    _read,
    cell_problem,
    decode_table,
    held,
    parse_records,
    resource_descriptor,
)
from .errors import echo

#: The context series: name → (file under data/context/, file under ../shared/external/).
SERIES = {
    "ncmec_reports_by_platform": (
        "ncmec_reports_by_platform.csv",
        "ncmec_cybertipline_reports_by_platform.csv",
    ),
    "ncmec_reports_per_year": (
        "ncmec_reports_per_year.csv",
        "ncmec_cybertipline_reports_per_year.csv",
    ),
    "meta_content_actioned": (
        "meta_content_actioned.csv",
        "meta_child_endangerment_content_actioned.csv",
    ),
}
#: Meta's two child-endangerment policy areas since 2021 Q2; their sums over 2022 Q1–Q3 are
#: the documents' 73.3 million (Facebook) and 6.1 million (Instagram).
CHILD_ENDANGERMENT = (
    "Child Endangerment: Nudity and Physical Abuse",
    "Child Endangerment: Sexual Exploitation",
)
#: Rows of NCMEC's per-platform table that are sums, not platforms.
_NCMEC_AGGREGATES = {"Total", "ESP Total"}


@dataclass(frozen=True)
class ContextSeries:
    """A context series with what a reader must know about it.

    Attributes
    ----------
    name
        Resource name in the data package.
    frame
        The observations, typed.
    unit
        What one unit of the value column counts ("reports", "items").
    value_column
        The column holding the counts.
    caveat
        What the numbers are not (never a count of children).
    origin
        Producer, title, URL, dates, licence and the intermediate dataset.
    """

    name: str
    frame: pd.DataFrame
    unit: str
    value_column: str
    caveat: str
    origin: dict[str, Any]

    def citation(self) -> str:
        """A one-line citation: producer, title; via the intermediate dataset."""
        via = self.origin.get("intermediate", {})
        text = f"{self.origin['producer']}, {self.origin['title']}"
        if via:
            text += f"; via {via['author']}, {via['title']} ({via['publisher']}, doi:{via['doi']})"
        return text


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Read an extract as the data tables are read (:func:`tspolicy.data.decode_table`,
    :func:`~tspolicy.data.parse_records`): (row number, record) pairs, the header being
    row 1, blank lines skipped but counted; a row of the wrong length is an error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            f"{path}: not found; pass --external-dir with the folder holding the extracts"
        ) from None
    text, _ = decode_table(raw, path.name, path)  # a BOM or CRLF in an extract is harmless
    records = parse_records(text, path.name) or [[]]
    header = records[0]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path}: column(s) {', '.join(missing)} missing; expected {columns}")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not record:
            continue
        if len(record) != len(header):
            raise DataError(
                f"{path.name}, row {number}: {len(record)} cells where the header has "
                f"{len(header)}; fix the extract. Nothing was written"
            )
        rows.append((number, dict(zip(header, record, strict=True))))
    return rows


def _count(path: Path, row: int, record: dict[str, str], column: str) -> int:
    """A whole, non-negative count from an extract, or a DataError naming the cell."""
    value = (record.get(column) or "").strip()
    if not re.fullmatch(r"\d+", value):
        raise DataError(
            f"{path.name}, row {row}, field {column}: {echo(value)} is not a whole number of "
            "0 or more; fix the extract (a missing value is a missing row, not N/A), then "
            "run `tspolicy import-context` again. Nothing was written"
        )
    return int(value)


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def import_external(
    external_dir: str | Path | None = None, out_dir: str | Path | None = None
) -> list[Path]:
    """Write the tidy context tables from the external extracts.

    Parameters
    ----------
    external_dir
        Folder holding the extracts; default ``../shared/external``.
    out_dir
        Where to write; default ``data/context``.

    Returns
    -------
    list of Path
        The files written. The same inputs always give the same bytes.

    Notes
    -----
    - NCMEC's per-platform table mixes platforms with two sums ("ESP Total", "Total"): the
      sums move to the per-year table (``esp_reports``; ``reports`` equals "Total"), and a
      provider listed several times in one year (several reporting entities of one company)
      keeps each row, numbered by ``entry`` in source order.
    - Meta's table is kept as is, sorted by app, policy area and quarter.
    """
    src = Path(external_dir) if external_dir else paths.EXTERNAL_DIR
    out = Path(out_dir) if out_dir else paths.DATA_DIR / "context"
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {}

    path = src / SERIES["ncmec_reports_by_platform"][1]
    by_platform = _read_csv(path, ("year", "platform", "reports_received"))
    entries: dict[tuple[str, str], int] = defaultdict(int)
    platform_rows, esp_total = [], {}
    for number, row in by_platform:
        year, platform = row["year"], row["platform"]
        count = _count(path, number, row, "reports_received")
        _count(path, number, row, "year")
        if platform == "ESP Total":
            esp_total[year] = count
        elif platform not in _NCMEC_AGGREGATES:
            entries[year, platform] += 1
            platform_rows.append([int(year), platform, entries[year, platform], count])
    platform_rows.sort(key=lambda r: (r[0], r[1].casefold(), r[2]))
    tables["ncmec_reports_by_platform"] = (
        ["year", "platform", "entry", "reports_received"],
        platform_rows,
    )

    path = src / SERIES["ncmec_reports_per_year"][1]
    per_year = _read_csv(path, ("year", "reports"))
    year_rows = sorted(
        [_count(path, n, r, "year"), _count(path, n, r, "reports"), esp_total.get(r["year"], "")]
        for n, r in per_year
    )
    tables["ncmec_reports_per_year"] = (["year", "reports", "esp_reports"], year_rows)

    path = src / SERIES["meta_content_actioned"][1]
    meta = _read_csv(path, ("quarter", "app", "policy_area", "content_actioned"))
    meta_rows = [
        [r["quarter"], r["app"], r["policy_area"], _count(path, n, r, "content_actioned")]
        for n, r in meta
    ]
    meta_rows.sort(key=lambda r: (r[1], r[2], r[0]))
    tables["meta_content_actioned"] = (
        ["quarter", "app", "policy_area", "content_actioned"],
        meta_rows,
    )

    # Every cell is checked against the schema the loaders will apply (data/datapackage.json
    # beside data/context/), with their words, before anything is written.
    for name, (header, rows) in tables.items():
        fields = {f["name"]: f for f in resource_descriptor(name, out.parent)["schema"]["fields"]}
        for number, row in enumerate(rows, start=2):
            for column, value in zip(header, row, strict=True):
                problem = cell_problem(str(value), fields.get(column, {"name": column}))
                if problem:
                    raise DataError(
                        f"{SERIES[name][1]}: the row written as {SERIES[name][0]} row {number}, "
                        f"field {column}: {problem[0]}; {problem[1]}. Fix the extract; nothing "
                        "was written"
                    )
    # Now write all beside, then swap each in, so a bad extract leaves data/context/ as it was.
    out.mkdir(parents=True, exist_ok=True)
    pending = []
    try:
        for name, (header, rows) in tables.items():
            target = out / SERIES[name][0]
            temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            pending.append((temporary, target))  # before writing: a half-written one goes too
            _write_csv(temporary, header, rows)
        for temporary, target in pending:
            os.replace(temporary, target)
    finally:
        for temporary, _ in pending:
            temporary.unlink(missing_ok=True)
    return [target for _, target in pending]


def load_context(name: str, data_dir: str | Path | None = None) -> ContextSeries:
    """Load one context series with its unit, caveat and origin.

    Parameters
    ----------
    name
        One of :data:`SERIES`.
    data_dir
        Folder holding the data package; default the repository's ``data/``.

    Returns
    -------
    ContextSeries
        For Meta's series the frame also has ``year`` and ``q`` (Int64) parsed from
        ``quarter`` ("2022Q3" → 2022, 3).
    """
    if name not in SERIES:
        raise KeyError(f"unknown context series '{name}'; one of: {', '.join(SERIES)}")
    return held(f"context:{name}", data_dir, lambda: _load_context(name, data_dir))


def _load_context(name: str, data_dir: str | Path | None) -> ContextSeries:
    directory = paths.data_dir(data_dir)
    resource = resource_descriptor(name, directory)
    frame = _read(name, directory)
    if name == "meta_content_actioned":
        parts = frame["quarter"].str.extract(r"^(\d{4})Q([1-4])$")
        frame["year"] = parts[0].astype("Int64")
        frame["q"] = parts[1].astype("Int64")
    return ContextSeries(
        name=name,
        frame=frame,
        unit=resource["unit"],
        value_column=resource["valueColumn"],
        caveat=resource["caveat"],
        origin=resource["origin"],
    )


def meta_sum(
    series: ContextSeries, app: str, first: str, last: str, policy_areas: list[str] | None = None
) -> float:
    """Sum Meta's content actioned for one app over quarters ``first``..``last`` (inclusive).

    Parameters
    ----------
    series
        ``load_context("meta_content_actioned")``.
    app
        "Facebook" or "Instagram".
    first, last
        Quarters as "2022Q1".
    policy_areas
        Policy areas to add up; default every area reported in those quarters.
    """
    frame = series.frame
    mask = (frame["app"] == app) & (frame["quarter"] >= first) & (frame["quarter"] <= last)
    if policy_areas is not None:
        mask &= frame["policy_area"].isin(policy_areas)
    return float(frame.loc[mask, "content_actioned"].sum())
