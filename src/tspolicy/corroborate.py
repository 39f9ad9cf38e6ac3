"""Group the mentions of one claim across documents and say whether they agree.

A *claim* is a metric about a subject over a period ("Facebook's rank among recruitment
platforms, 2020"). Documents often repeat a claim without its period: a mention with an
empty period joins the dated claim of the same metric, subject and primary source when
there is exactly one such claim (it is the same number, reported without its year).

Each claim gets a status:

``single_source``
    Reported by one document only (its mentions, if several, are mutually compatible).
``agree``
    Two or more documents, the same value and qualifier everywhere.
``compatible``
    The statements differ but can all be true at once ("more than 20" and "about 20").
``conflict``
    The statements cannot all be true ("65 %" and "59 %"; "exactly 20" and "more than 20").

"About" is read as within ±10 % (:data:`ABOUT_TOLERANCE`). A vague word ("hundreds") is
no number: it agrees with any count and is never a value to compare.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .numbers import VAGUE, stated_step

#: "About v" is taken to mean a value within v × (1 ± ABOUT_TOLERANCE).
ABOUT_TOLERANCE = 0.10
STATUSES = ("single_source", "agree", "compatible", "conflict")
#: Primary checks of events are keyed "event|<event_id>".
EVENT_PREFIX = "event|"


@dataclass(frozen=True)
class Interval:
    """The values a statement allows: between ``lo`` and ``hi``, each bound open or closed."""

    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool

    @classmethod
    def of(cls, value: float, qualifier: str, step: float = 0.0) -> Interval:
        """Return the interval that ``qualifier value`` allows (any count for ``vague``:
        a word such as "hundreds" states no number, so it contradicts none).

        ``step`` is the precision of the wording (:func:`tspolicy.numbers.stated_step`): an
        exact statement rounded to it allows ``[value - step/2, value + step/2)`` — "36.2
        million" is true of 36,150,000 to 36,249,999. A whole number written out (step 1)
        stays exact: "20" and "more than 20" conflict. Other qualifiers keep their meaning.
        """
        if qualifier == VAGUE:
            return cls(0.0, True, math.inf, False)
        if qualifier == "more_than":
            return cls(value, False, math.inf, False)
        if qualifier == "at_least":
            return cls(value, True, math.inf, False)
        if qualifier == "about":
            spread = abs(value) * ABOUT_TOLERANCE
            return cls(value - spread, True, value + spread, True)
        if step and step != 1:  # a rounded wording (decimals, "million"); whole numbers stay
            return cls(value - step / 2, True, value + step / 2, False)
        return cls(value, True, value, True)

    def meet(self, other: Interval) -> Interval | None:
        """Return the intersection, or None when it is empty."""
        if (self.lo, not self.lo_closed) >= (other.lo, not other.lo_closed):
            lo, lo_closed = self.lo, self.lo_closed
        else:
            lo, lo_closed = other.lo, other.lo_closed
        if (self.hi, self.hi_closed) <= (other.hi, other.hi_closed):
            hi, hi_closed = self.hi, self.hi_closed
        else:
            hi, hi_closed = other.hi, other.hi_closed
        if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
            return None
        return Interval(lo, lo_closed, hi, hi_closed)


def claim_key(metric: str, subject: str, period: str | None) -> str:
    """Return the key naming a claim: ``metric|subject|period`` (period empty if unknown)."""
    return f"{metric}|{subject}|{period or ''}"


def _claim_periods(figures: pd.DataFrame) -> pd.Series:
    """The period each mention is grouped under (see the module docstring)."""
    period = figures["period"].astype("string").fillna("")
    group = [
        figures["metric"].astype(str),
        figures["subject"].astype(str),
        figures["primary_source"].astype(str),
    ]
    dated = period[period != ""].groupby([g[period != ""] for g in group]).unique()
    out = period.copy()
    for i in figures.index[period == ""]:
        key = (
            str(figures.at[i, "metric"]),
            str(figures.at[i, "subject"]),
            str(figures.at[i, "primary_source"]),
        )
        candidates = dated.get(key)
        if candidates is not None and len(candidates) == 1:
            out[i] = candidates[0]
    return out


def claim_keys(figures: pd.DataFrame) -> pd.Series:
    """Return the claim key of each mention (same index as ``figures``).

    ``figures`` needs the columns metric, subject, period and primary_source.
    """
    periods = _claim_periods(figures)
    return pd.Series(
        [
            claim_key(str(m), str(s), p)
            for m, s, p in zip(figures["metric"], figures["subject"], periods, strict=True)
        ],
        index=figures.index,
        dtype="string",
    )


def _status(
    values: list[float], qualifiers: list[str], steps: list[float], n_documents: int
) -> str:
    statements = set(zip(values, qualifiers, strict=True))
    common: Interval | None = Interval(-math.inf, False, math.inf, False)
    for value, qualifier, step in set(zip(values, qualifiers, steps, strict=True)):
        common = common.meet(Interval.of(value, qualifier, step)) if common else None
    if common is None:
        return "conflict"
    if n_documents == 1:
        return "single_source"
    return "agree" if len(statements) == 1 else "compatible"


def _describe(value: float, qualifier: str) -> str:
    if qualifier == VAGUE:
        return "no number (a vague word)"
    number = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return {
        "exact": number,
        "more_than": f">{number}",
        "at_least": f"≥{number}",
        "about": f"~{number}",
    }[qualifier]


def document_origins(sources: pd.DataFrame) -> dict[str, str]:
    """Each document's origin (``sources.origin``): what it relays."""
    return dict(zip(sources["document_id"].astype(str), sources["origin"].astype(str), strict=True))


def corroborate(figures: pd.DataFrame, origins: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Group figure mentions into claims and rate their agreement across documents.

    Several documents relaying one investigation are one source repeated, not several
    confirmations: a claim is *corroborated* only when two or more **independent origins**
    report it without conflict.

    Parameters
    ----------
    figures
        The figures table, as :func:`tspolicy.data.load_figures` returns it.
    origins
        Each document's origin, :func:`document_origins` of the sources table. Without it
        the origins are unknown: ``origins`` is empty, ``independent_origins`` is NA and
        nothing is called corroborated.

    Returns
    -------
    pandas.DataFrame
        One row per claim, sorted by metric, subject and period: ``claim`` (the key),
        ``metric``, ``subject``, ``period``, ``n_mentions``, ``n_documents``, ``documents``
        and ``figure_ids`` (tuples), ``statements`` (e.g. ``">73,300,000"``), ``status``
        (one of :data:`STATUSES`), ``origins`` (tuple of the documents' distinct origins),
        ``independent_origins`` (their number) and ``corroborated`` (two or more
        independent origins, without conflict).
    """
    frame = figures.assign(claim_period=_claim_periods(figures))
    rows = []
    keys = ["metric", "subject", "claim_period"]
    for (metric, subject, period), group in frame.groupby(
        [frame[k].astype(str) for k in keys], sort=True
    ):  # the groups are the claims of claim_keys(); grouping keeps their parts as columns
        documents = tuple(sorted(group["document_id"].astype(str).unique()))
        values = [float(v) if pd.notna(v) else math.nan for v in group["value"]]
        qualifiers = [str(q) for q in group["qualifier"]]
        steps = (
            [stated_step(str(e), v) for e, v in zip(group["excerpt"], values, strict=True)]
            if "excerpt" in group
            else [0.0] * len(values)
        )
        status = _status(values, qualifiers, steps, len(documents))
        relayed = tuple(sorted({origins[d] for d in documents})) if origins is not None else ()
        independent = len(relayed) if origins is not None else pd.NA
        statements = sorted({_describe(v, q) for v, q in zip(values, qualifiers, strict=True)})
        rows.append(
            {
                "claim": claim_key(metric, subject, period),
                "metric": metric,
                "subject": subject,
                "period": period,
                "n_mentions": len(group),
                "n_documents": len(documents),
                "documents": documents,
                "figure_ids": tuple(sorted(group["figure_id"].astype(str))),
                "statements": " / ".join(statements),
                "status": status,
                "origins": relayed,
                "independent_origins": independent,
                "corroborated": origins is not None and len(relayed) >= 2 and status != "conflict",
            }
        )
    result = pd.DataFrame(rows)
    if not result.empty:
        result["status"] = pd.Categorical(result["status"], categories=STATUSES)
        result["independent_origins"] = result["independent_origins"].astype("Int64")
    return result
