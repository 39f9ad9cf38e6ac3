"""Which rows a report shows: the selection that charts draw and narratives write from.

A chart (:mod:`tspolicy.charts`) and a narrative (:mod:`tspolicy.narrative`) of the same
report must speak of the same figures, so both take their rows from here, and neither
imports the other: this module needs pandas only (no matplotlib, no seaborn, no Jinja2).

It also says which values of a report's parameters select something (the years of the
rankings, the subjects of some metrics, the years of a context series):
:mod:`tspolicy.parameters` allows exactly these, from the data in use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from .context import ContextSeries, meta_sum
from .corroborate import claim_keys
from .groups import CONTENT, ENFORCEMENT, RANK, SHARE

#: Qualifiers that make a value a lower bound ("more than 1,470").
LOWER_BOUNDS = frozenset({"more_than", "at_least"})


def claims(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with each mention's ``claim`` key and that claim's ``claim_period``."""
    out = figures.copy()
    out["claim"] = claim_keys(figures)
    out["claim_period"] = out["claim"].str.rsplit("|", n=1).str[-1]
    return out


def of_metrics(figures: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """The mentions of some metrics (as they are in ``figures``: no claim column added)."""
    return figures[figures["metric"].isin(list(metrics))]


def consensus(group: pd.DataFrame) -> pd.Series:
    """One statement for a claim: the most common (value, qualifier) among its mentions."""
    counts = (
        group.groupby(["value", "qualifier"], observed=True).size().sort_values(ascending=False)
    )
    value, qualifier = counts.index[0]
    row = group.iloc[0].copy()
    row["value"], row["qualifier"] = float(value), str(qualifier)
    return row


def single(values: pd.Series) -> str:
    """The one value of a column, or "" when it holds none or several."""
    unique = [v for v in values.astype(str).unique() if v]
    return unique[0] if len(unique) == 1 else ""


# --------------------------------------------------------------------------- per report


def shares(figures: pd.DataFrame, year: int | str | None = None) -> pd.DataFrame:
    """Platform shares and ranks (with claims), of one period if ``year`` is given
    (undated repetitions of a dated claim count as dated)."""
    rows = claims(figures)
    rows = rows[rows["metric"].isin([SHARE, RANK])]
    return rows[rows["claim_period"] == str(year)] if year is not None else rows


def enforcement(
    figures: pd.DataFrame, organisation: str | None = None, country: str | None = None
) -> pd.DataFrame:
    """Enforcement outcomes (with claims) of one organisation and country, when given."""
    rows = claims(figures)
    rows = rows[rows["metric"].isin(ENFORCEMENT)]
    if organisation is not None:
        rows = rows[rows["subject"] == organisation]
    if country is not None:
        rows = rows[rows["geography"] == country]
    return rows


def content(figures: pd.DataFrame, platforms: Sequence[str] | None = None) -> pd.DataFrame:
    """Content counts (with claims) of some platforms, or of every platform."""
    rows = claims(figures)
    rows = rows[rows["metric"] == CONTENT]
    return rows[rows["subject"].isin(list(platforms))] if platforms is not None else rows


def events(table: pd.DataFrame) -> pd.DataFrame:
    """The dated events in order."""
    return table.sort_values(["date", "event_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- context

_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?")


def _quarter(text: str, end: bool) -> str | None:
    match = _MONTH.match(text.strip())
    if not match:
        return None
    year, month = match.group(1), match.group(2)
    quarter = (int(month) - 1) // 3 + 1 if month else (4 if end else 1)
    return f"{year}Q{quarter}"


def window(rows: pd.DataFrame) -> tuple[str, str] | None:
    """The quarters the rows' periods span ("2022-01/2022-09" → ("2022Q1", "2022Q3")): the
    window of Meta's quarterly data that matches the documents' figures. None when no row
    states a period."""
    firsts, lasts = [], []
    for period in rows["period"].dropna().astype(str):
        start, _, stop = period.partition("/")
        first, last = _quarter(start, False), _quarter(stop or start, True)
        if first and last:
            firsts.append(first)
            lasts.append(last)
    return (min(firsts), max(lasts)) if firsts else None


def window_year(rows: pd.DataFrame) -> int | None:
    """The last year of :func:`window`: the year of NCMEC's reports that matches the rows."""
    span = window(rows)
    return int(span[1][:4]) if span else None


def meta_totals(
    series: ContextSeries, first: str, last: str, areas: Sequence[str] | None = None
) -> dict[str, float]:
    """Meta's content actioned per app, summed over quarters ``first``..``last``."""
    apps = sorted(series.frame["app"].astype(str).unique())
    return {app: meta_sum(series, app, first, last, list(areas) if areas else None) for app in apps}


def ncmec_reports(series: ContextSeries, year: int) -> dict[str, float]:
    """NCMEC CyberTipline reports per provider in ``year`` (a provider's entries summed);
    {} when the series has no such year."""
    frame = series.frame[series.frame["year"] == year]
    return frame.groupby("platform")["reports_received"].sum().astype(float).to_dict()


# --------------------------------------------------------------------------- allowed values


def subjects(figures: pd.DataFrame, metrics: Iterable[str]) -> list[str]:
    """The subjects some metrics' figures are about."""
    return sorted(of_metrics(figures, metrics)["subject"].astype(str).unique())


def period_years(figures: pd.DataFrame, metrics: Iterable[str]) -> list[int]:
    """The years some metrics' figures are of (their periods' first years)."""
    return sorted({int(y) for y in of_metrics(figures, metrics)["period_start"].dropna()})


def geographies(figures: pd.DataFrame, metrics: Iterable[str]) -> list[str]:
    """The geographies some metrics' figures are of."""
    rows = of_metrics(figures, metrics)
    return sorted(rows["geography"].dropna().astype(str).unique())


def context_years(series: ContextSeries) -> list[int]:
    """The years a context series holds."""
    return sorted({int(y) for y in series.frame["year"].dropna()})


# --------------------------------------------------------------------------- behind a chart


def rows_behind(dataset, ids: Iterable[str], lang: str = "en") -> pd.DataFrame:
    """The figure mentions and events behind some evidence ids (a chart's marks), in order:
    what each document states (value, qualifier, unit, period), its verbatim excerpt and
    that excerpt in ``lang`` (the curated translation; empty while it is pending), and the
    claim's primary-source verdict. A researcher's table: values as the data hold them."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    checks = dict(
        zip(
            dataset.primary_checks["claim"].astype(str),
            dataset.primary_checks["verdict"].astype(str),
            strict=True,
        )
    )
    figures = claims(dataset.figures).set_index("figure_id", drop=False)
    events = dataset.events.set_index("event_id", drop=False)
    records = []
    for ident in wanted:
        if ident in figures.index:
            row = figures.loc[ident]
            records.append(
                {
                    "id": ident,
                    "document_id": str(row["document_id"]),
                    "metric": str(row["metric"]),
                    "subject": str(row["subject"]),
                    "value": row["value"],
                    "qualifier": str(row["qualifier"]),
                    "unit": str(row["unit"]),
                    "period": row["period"],
                    "excerpt": row["excerpt"],
                    f"excerpt_{lang}": _translation(row, dataset, lang),
                    "verdict": checks.get(str(row["claim"]), "unverified"),
                }
            )
        elif ident in events.index:
            row = events.loc[ident]
            records.append(
                {
                    "id": ident,
                    "document_id": str(row["document_id"]),
                    "metric": "event",
                    "subject": row["event" if lang == "en" else f"event_{lang}"],
                    "period": row["date"],
                    "qualifier": "inferred" if bool(row["date_inferred"]) else "stated",
                    "excerpt": row["excerpt"],
                    f"excerpt_{lang}": _translation(row, dataset, lang),
                    "verdict": checks.get(f"event|{ident}", "unverified"),
                }
            )
    columns = [
        "id",
        "document_id",
        "metric",
        "subject",
        "value",
        "qualifier",
        "unit",
        "period",
        "excerpt",
        f"excerpt_{lang}",
        "verdict",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _translation(row: pd.Series, dataset, lang: str) -> str:
    """The excerpt in ``lang``: itself when the document is in ``lang``, else its curated
    translation, or "" while that is pending (never machine-made)."""
    sources = dataset.sources.set_index("document_id")
    own = (
        str(sources.loc[row["document_id"], "language"])
        if row["document_id"] in sources.index
        else ""
    )
    if own == lang:
        return str(row["excerpt"])
    value = row.get(f"excerpt_{lang}")
    return str(value) if isinstance(value, str) else ""
