"""Charts of the dataset, in English, French or Arabic.

One function per chart kind. Each takes DataFrames and options and returns a
:class:`Chart`: a matplotlib :class:`~matplotlib.figure.Figure` (made without pyplot, so no
global figure state), its alt text, and the values it shows. No function reads or writes a
file; :func:`save` writes SVG and PNG deterministically.

Every chart has a title, labelled axes with units, a source line naming the documents and
the primary source, the metric's caveat and, where a claim's primary-source verdict is not
``matches``, that verdict — all in the chart's language. Lower bounds are drawn and labelled
as lower bounds. The palette is seaborn's colour-blind-safe ``colorblind``; the font is the
DejaVu Sans that matplotlib ships (it has Arabic glyphs; matplotlib ≥ 3.11 shapes Arabic
and lays it out right to left). Arabic charts are mirrored: bars grow leftwards and
categories are labelled on the right.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import formatting as fmt
from .context import CHILD_ENDANGERMENT, ContextSeries, load_context, meta_sum
from .corroborate import claim_keys, corroborate
from .data import load_dataset
from .errors import TspolicyError
from .groups import CONTENT, ENFORCEMENT, RANK, SHARE  # re-exported for callers
from .i18n import check_language, event_text, join, metric_text, name, t

LOWER_BOUNDS = frozenset({"more_than", "at_least"})
WIDTH_IN = 8.0  # 800 px at the 100 dpi of the theme: legible at 800 px wide
FONT = "DejaVu Sans"
PALETTE = sns.color_palette("colorblind")
NEUTRAL = "#8c8c8c"
VERDICT_COLOURS = {
    "matches": PALETTE[2],
    "differs_in_value": PALETTE[3],
    "differs_in_definition": PALETTE[1],
    "differs_in_date": PALETTE[4],
    "unverified": NEUTRAL,
}


class ChartDataError(TspolicyError, ValueError):
    """The data hold nothing to draw for the options given; the message says what is missing."""


@dataclass
class Chart:
    """A chart and what a reader needs besides the picture.

    Attributes
    ----------
    kind
        The chart function's name.
    lang
        Language of every label.
    figure
        The matplotlib figure.
    title
        The title shown on the chart.
    alt
        Alt text naming the values shown.
    data
        The values drawn, one row per mark.
    notes
        Source, primary-source, caveat and verdict lines printed under the chart.
    """

    kind: str
    lang: str
    figure: Figure
    title: str
    alt: str
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def png(self, dpi: int = 150, colors: int | None = 128) -> bytes:
        """The chart as PNG bytes, deterministic; by default 1.5x resolution in 128 colours.

        The palette (Pillow's median cut, deterministic) keeps a page with several charts
        well under 500 KB while text stays sharp; ``colors=None`` keeps full colour.
        """
        import io

        from PIL import Image

        buffer = io.BytesIO()
        with _rc(self.lang):
            self.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        if colors is None:
            return buffer.getvalue()
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        out = io.BytesIO()
        image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(
            out, format="PNG", optimize=True
        )
        return out.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Shown in a notebook as a PNG, 800 px wide, with its alt text in the output metadata
        (nbconvert writes it to the ``<img alt>`` of the HTML)."""
        return {"image/png": self.png()}, {"image/png": {"alt": self.alt, "width": 800}}


# --------------------------------------------------------------------------- theme


def theme(lang: str = "en") -> dict:
    """The rcParams every chart is drawn with: seaborn's whitegrid, DejaVu Sans, fixed SVG ids."""
    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.85)}
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "svg.hashsalt": "tspolicy",
            "svg.fonttype": "path",
            "axes.titlelocation": "right" if lang == "ar" else "left",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "text.language": lang,
        }
    )
    return rc


@contextmanager
def _rc(lang: str):
    with mpl.rc_context(theme(lang)):
        yield


def _wrap(text: str, width: int = 110) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def _new_figure(lang: str, body_height: float, notes: list[str]) -> tuple[Figure, object]:
    """A figure with one axes for the chart and, under it, room for the notes."""
    lines = [line for note in notes for line in _wrap(note)]
    note_height = 0.14 * len(lines) + 0.2
    figure = Figure(figsize=(WIDTH_IN, body_height + note_height), layout="constrained")
    grid = figure.add_gridspec(2, 1, height_ratios=[body_height, note_height])
    ax = figure.add_subplot(grid[0])
    footer = figure.add_subplot(grid[1])
    footer.axis("off")
    rtl = lang == "ar"
    footer.text(
        0.985 if rtl else 0.015,
        1.0,
        "\n".join(lines),
        ha="right" if rtl else "left",
        va="top",
        fontsize=7.5,
        color="#333333",
        transform=mpl.transforms.blended_transform_factory(figure.transFigure, footer.transAxes),
    )
    return figure, ax


def _title(ax, title: str) -> None:
    ax.set_title("\n".join(_wrap(title, 70)))


def _mirror(ax, lang: str) -> None:
    """Right-to-left layout for Arabic: values grow leftwards, categories on the right."""
    if lang == "ar":
        ax.invert_xaxis()
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")


# --------------------------------------------------------------------------- notes


def _claims(figures: pd.DataFrame) -> pd.DataFrame:
    out = figures.copy()
    out["claim"] = claim_keys(figures)
    out["claim_period"] = out["claim"].str.rsplit("|", n=1).str[-1]
    return out


def _source_notes(
    rows: pd.DataFrame,
    metrics: pd.DataFrame,
    lang: str,
    checks: pd.DataFrame | None,
    extra: Iterable[str] = (),
) -> list[str]:
    """Source line, primary source, the metrics' caveats and non-matching verdicts."""
    documents = sorted(rows["document_id"].astype(str).unique())
    primaries = sorted(rows["primary_source"].astype(str).unique())
    notes = [t("source", lang, sources=", ".join(documents))]
    notes.append(t("primary", lang, primary=join(primaries, lang)))
    for metric in dict.fromkeys(rows["metric"].astype(str)):
        notes.append(t("caveat", lang, caveat=metric_text(metrics, metric, "caveat", lang)))
    notes.extend(extra)
    notes.extend(_verdict_notes(rows, lang, checks))
    return notes


def _verdict_notes(rows: pd.DataFrame, lang: str, checks: pd.DataFrame | None) -> list[str]:
    if checks is None:
        return []
    verdicts = checks.set_index("claim")["verdict"].astype(str)
    notes = []
    for claim in dict.fromkeys(rows["claim"].astype(str)):
        verdict = verdicts.get(claim, "unverified")
        if verdict != "matches":
            group = rows[rows["claim"] == claim].iloc[0]
            subject = name("subject", str(group["subject"]), lang)
            amount = fmt.quantity(
                float(group["value"]), str(group["qualifier"]), str(group["unit"]), lang
            )
            label = f"{subject}, {amount}"
            notes.append(f"{label}: {t(f'verdict.{verdict}', lang)}")
    return notes


def verdict_of(checks: pd.DataFrame | None, claim: str) -> str:
    """The primary-source verdict of a claim ('unverified' when no check names it)."""
    if checks is None:
        return "unverified"
    match = checks.loc[checks["claim"] == claim, "verdict"]
    return str(match.iloc[0]) if len(match) else "unverified"


def _consensus(group: pd.DataFrame) -> pd.Series:
    """One statement for a claim: the most common (value, qualifier) among its mentions."""
    counts = (
        group.groupby(["value", "qualifier"], observed=True).size().sort_values(ascending=False)
    )
    value, qualifier = counts.index[0]
    row = group.iloc[0].copy()
    row["value"], row["qualifier"] = float(value), str(qualifier)
    return row


# --------------------------------------------------------------------------- platform shares


def platform_shares(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    year: int | str | None = None,
    highlight: str | None = None,
    checks: pd.DataFrame | None = None,
) -> Chart:
    """Platforms' shares of child recruitment, and their ranks where only the order is known.

    Parameters
    ----------
    figures, metrics
        The dataset's tables.
    lang
        "en", "fr" or "ar".
    year
        Keep the claims of this period (undated repetitions of a dated claim count as dated).
    highlight
        A platform drawn in the accent colour; the others are grey.
    checks
        ``primary_checks`` table: claims whose verdict is not ``matches`` are noted.
    """
    check_language(lang)
    rows = _claims(figures)
    rows = rows[rows["metric"].isin([SHARE, RANK])]
    if year is not None:
        rows = rows[rows["claim_period"] == str(year)]
    if rows.empty:
        raise ChartDataError(
            f"no platform shares or ranks{f' for {year}' if year else ''} in the data"
        )
    table = []
    for subject, group in rows.groupby("subject", observed=True):
        ranks = group[group["metric"] == RANK]
        shares = group[group["metric"] == SHARE]
        rank = _consensus(ranks)["value"] if len(ranks) else np.nan
        share = _consensus(shares) if len(shares) else None
        table.append(
            {
                "subject": str(subject),
                "rank": rank,
                "share": share["value"] if share is not None else np.nan,
                "qualifier": share["qualifier"] if share is not None else "",
            }
        )
    data = pd.DataFrame(table).sort_values(
        ["rank", "share"], ascending=[True, False], na_position="last"
    )
    data = data.reset_index(drop=True)
    period = str(year) if year is not None else _single(rows["claim_period"])
    title = (
        t("chart.shares.title", lang, year=period)
        if period
        else t("chart.shares.title_undated", lang)
    )
    notes = _source_notes(rows, metrics, lang, checks)
    with _rc(lang):
        figure, ax = _new_figure(lang, 0.55 * len(data) + 1.2, notes)
        items = []
        for i, row in data.iterrows():
            colour = PALETTE[0] if highlight in (None, row["subject"]) else NEUTRAL
            if highlight is not None and row["subject"] == highlight:
                colour = PALETTE[1]
            rank_text = fmt.value(row["rank"], "rank", lang) if not np.isnan(row["rank"]) else ""
            if not np.isnan(row["share"]):
                ax.barh(i, row["share"], color=colour, height=0.6)
                share_text = fmt.bound(row["share"], row["qualifier"], "percent", lang)
                label = f"{share_text} · {rank_text}" if rank_text else share_text
                ax.text(
                    row["share"] + 1.5,
                    i,
                    label,
                    va="center",
                    ha="right" if lang == "ar" else "left",
                )
                items.append(f"{name('subject', row['subject'], lang)}: {label}")
            else:
                label = t("chart.shares.rank_only", lang, rank=rank_text)
                ax.barh(i, 100, color="none", edgecolor=colour, linestyle=":", height=0.6)
                ax.text(
                    1.5,
                    i,
                    label,
                    va="center",
                    ha="right" if lang == "ar" else "left",
                    color="#333333",
                )
                items.append(f"{name('subject', row['subject'], lang)}: {label}")
        ax.set_yticks(range(len(data)), [name("subject", s, lang) for s in data["subject"]])
        ax.set_ylim(len(data) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"{metric_text(metrics, SHARE, 'label', lang)} (%)")
        ax.set_ylabel(t("chart.shares.ylabel", lang))
        _title(ax, title)
        _mirror(ax, lang)
    alt = t("chart.shares.alt", lang, title=title, items=join(items, lang)) + " " + notes[0]
    return Chart("platform_shares", lang, figure, title, alt, data, notes)


def _single(values: pd.Series) -> str:
    unique = [v for v in values.astype(str).unique() if v]
    return unique[0] if len(unique) == 1 else ""


# --------------------------------------------------------------------------- enforcement


def enforcement_outcomes(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    organisation: str | None = None,
    country: str | None = None,
    checks: pd.DataFrame | None = None,
) -> Chart:
    """Victims rescued, traffickers arrested, people convicted: lower bounds, never rates.

    Parameters
    ----------
    organisation
        Subject of the figures (e.g. "International Justice Mission (IJM)"); default: the
        only one in the data.
    country
        Geography of the figures (e.g. "Philippines"); default: the only one in the data.
    """
    check_language(lang)
    rows = _claims(figures)
    rows = rows[rows["metric"].isin(ENFORCEMENT)]
    if organisation is not None:
        rows = rows[rows["subject"] == organisation]
    if country is not None:
        rows = rows[rows["geography"] == country]
    if rows.empty:
        raise ChartDataError(
            f"no enforcement figures for organisation={organisation!r}, country={country!r}"
        )
    data = pd.DataFrame(
        [_consensus(rows[rows["metric"] == m]) for m in ENFORCEMENT if (rows["metric"] == m).any()]
    ).reset_index(drop=True)
    organisation = organisation or _single(rows["subject"])
    country = country or _single(rows["geography"])
    starts = rows["period_start"].dropna()
    start = str(int(starts.min())) if len(starts) else "?"
    title = t(
        "chart.enforcement.title",
        lang,
        organisation=name("subject", organisation, lang),
        country=name("country", country, lang),
        start=start,
    )
    extra = [t("chart.enforcement.note", lang)] if set(data["qualifier"]) & LOWER_BOUNDS else []
    notes = _source_notes(rows, metrics, lang, checks, extra)
    vmax = float(data["value"].max())
    with _rc(lang):
        figure, ax = _new_figure(lang, 0.7 * len(data) + 1.3, notes)
        items = []
        for i, row in data.iterrows():
            value = float(row["value"])
            ax.barh(i, value, color=PALETTE[0], height=0.55)
            label = fmt.bound(value, row["qualifier"], row["unit"], lang)
            end = value
            if row["qualifier"] in LOWER_BOUNDS:
                end = value + 0.12 * vmax  # an open end: the true number lies beyond the bar
                ax.annotate(
                    "",
                    xy=(end, i),
                    xytext=(value, i),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "linestyle": "--",
                        "color": PALETTE[0],
                        "lw": 1.5,
                    },
                )
            ax.text(
                end + 0.02 * vmax,
                i,
                label,
                va="center",
                ha="right" if lang == "ar" else "left",
                fontweight="bold",
            )
            metric_label = metric_text(metrics, str(row["metric"]), "label", lang)
            items.append(
                f"{metric_label}: {fmt.quantity(value, row['qualifier'], row['unit'], lang)}"
            )
        ax.set_yticks(
            range(len(data)),
            [
                "\n".join(_wrap(metric_text(metrics, str(m), "label", lang), 28))
                for m in data["metric"]
            ],
        )
        ax.set_ylim(len(data) - 0.5, -0.5)
        ax.set_xlim(0, vmax * 1.35)
        ax.set_xlabel(t("chart.enforcement.xlabel", lang))
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: fmt.number(x, lang)))
        _title(ax, title)
        _mirror(ax, lang)
    alt = t("chart.enforcement.alt", lang, title=title, items=join(items, lang)) + " " + notes[0]
    return Chart("enforcement_outcomes", lang, figure, title, alt, data, notes)


# --------------------------------------------------------------------------- content counts


@dataclass(frozen=True)
class Comparison:
    """A context series reduced to one value per platform, to draw beside the documents'."""

    label: str
    values: dict[str, float]
    caveat: str
    citation: str


def meta_comparison(
    series: ContextSeries,
    lang: str,
    first: str = "2022Q1",
    last: str = "2022Q3",
    areas: Sequence[str] | None = None,
) -> Comparison:
    """Meta's content actioned per app, summed over ``first``..``last`` (default 2022 Q1–Q3)."""
    apps = sorted(series.frame["app"].astype(str).unique())
    values = {
        app: meta_sum(series, app, first, last, list(areas) if areas else None) for app in apps
    }
    return Comparison(
        t("context.meta_content_actioned.label", lang, first=first, last=last),
        values,
        t("context.meta_content_actioned.caveat", lang),
        series.citation(),
    )


def ncmec_comparison(series: ContextSeries, lang: str, year: int = 2022) -> Comparison:
    """NCMEC CyberTipline reports per provider in ``year`` (a provider's entries summed)."""
    frame = series.frame[series.frame["year"] == year]
    if frame.empty:
        raise ChartDataError(f"no NCMEC reports for {year}")
    values = frame.groupby("platform")["reports_received"].sum().astype(float).to_dict()
    return Comparison(
        t("context.ncmec_reports_by_platform.label", lang, year=year),
        values,
        t("context.ncmec_reports_by_platform.caveat", lang),
        series.citation(),
    )


def default_context(
    lang: str, data_dir: str | os.PathLike[str] | None = None, ncmec_year: int = 2022
) -> list[Comparison]:
    """The context the counts chart shows by default: Meta's child-endangerment content
    actioned in 2022 Q1–Q3 and NCMEC's CyberTipline reports for ``ncmec_year``."""
    return [
        meta_comparison(
            load_context("meta_content_actioned", data_dir), lang, areas=CHILD_ENDANGERMENT
        ),
        ncmec_comparison(
            load_context("ncmec_reports_by_platform", data_dir), lang, year=ncmec_year
        ),
    ]


def content_counts(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    platforms: Sequence[str] | None = None,
    context: Sequence[Comparison] = (),
    scale: str = "auto",
    checks: pd.DataFrame | None = None,
) -> Chart:
    """Content and report counts per platform as the documents give them, beside context series.

    Parameters
    ----------
    platforms
        Platforms to show; default every platform with a content figure.
    context
        :class:`Comparison` series drawn beside the documents' figures (see
        :func:`meta_comparison`, :func:`ncmec_comparison`).
    scale
        "linear", "log", or "auto": log when the largest value is more than 10 times the
        smallest.
    """
    check_language(lang)
    if scale not in {"auto", "linear", "log"}:
        raise ValueError(f"scale '{scale}' is not one of auto, linear, log")
    rows = _claims(figures)
    rows = rows[rows["metric"] == CONTENT]
    if platforms is not None:
        rows = rows[rows["subject"].isin(platforms)]
    if rows.empty:
        raise ChartDataError(f"no content counts for platforms {platforms}")
    subjects = sorted(rows["subject"].astype(str).unique())
    series_labels = [t("chart.counts.documents", lang), *(c.label for c in context)]
    records = []
    for subject in subjects:
        documents = _consensus(rows[rows["subject"] == subject])
        records.append(
            {
                "subject": subject,
                "series": series_labels[0],
                "value": documents["value"],
                "qualifier": documents["qualifier"],
            }
        )
        for comparison in context:
            if subject in comparison.values:
                records.append(
                    {
                        "subject": subject,
                        "series": comparison.label,
                        "value": comparison.values[subject],
                        "qualifier": "exact",
                    }
                )
    data = pd.DataFrame(records)
    positive = data["value"][data["value"] > 0]
    log = scale == "log" or (scale == "auto" and positive.max() > 10 * positive.min())
    title = t("chart.counts.title", lang)
    extra = [t("caveat", lang, caveat=c.caveat) for c in context]
    extra += [
        t("context_source", lang, citation=cite)
        for cite in dict.fromkeys(c.citation for c in context)
    ]
    notes = _source_notes(rows, metrics, lang, checks, extra)
    n_series = len(series_labels)
    height = 0.8 / n_series
    with _rc(lang):
        figure, ax = _new_figure(lang, 0.5 * len(data) + 1.6, notes)
        items = []
        for j, label in enumerate(series_labels):
            part = data[data["series"] == label]
            ys = [subjects.index(s) + (j - (n_series - 1) / 2) * height for s in part["subject"]]
            ax.barh(ys, part["value"], height=height * 0.9, color=PALETTE[j], label=label)
            for y, (_, row) in zip(ys, part.iterrows(), strict=True):
                text = fmt.bound(row["value"], row["qualifier"], "items", lang)
                ax.text(
                    row["value"] * (1.15 if log else 1.01),
                    y,
                    text,
                    va="center",
                    ha="right" if lang == "ar" else "left",
                    fontsize=8,
                )
                items.append(
                    f"{name('subject', row['subject'], lang)}, {label}: "
                    f"{fmt.quantity(row['value'], row['qualifier'], 'items', lang)}"
                )
        if log:
            ax.set_xscale("log")
        ax.set_xlim(0 if not log else positive.min() / 3, data["value"].max() * (6 if log else 1.3))
        ax.xaxis.set_major_formatter(
            mpl.ticker.FuncFormatter(lambda x, _: fmt.count(x, lang) if x >= 1 else "")
        )
        ax.set_yticks(range(len(subjects)), [name("subject", s, lang) for s in subjects])
        ax.set_ylim(len(subjects) - 0.5, -0.5)
        xlabel = t("chart.counts.xlabel", lang)
        ax.set_xlabel(f"{xlabel} ({t('chart.counts.log', lang)})" if log else xlabel)
        ax.legend(loc="lower left" if lang == "ar" else "lower right", fontsize=8, frameon=True)
        _title(ax, title)
        _mirror(ax, lang)
    alt = t("chart.counts.alt", lang, title=title, items=join(items, lang)) + " " + notes[0]
    return Chart("content_counts", lang, figure, title, alt, data.assign(log=log), notes)


# --------------------------------------------------------------------------- source coverage


def source_coverage(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    lang: str = "en",
    checks: pd.DataFrame | None = None,
) -> Chart:
    """Which document reports which claim; claims corroborated by several documents first.

    The dot's colour is the claim's primary-source verdict when ``checks`` is given.
    """
    check_language(lang)
    claims = corroborate(figures)
    claims = claims.assign(multi=claims["n_documents"] >= 2)
    claims = claims.sort_values(
        ["multi", "n_documents", "claim"], ascending=[False, False, True]
    ).reset_index(drop=True)
    documents = list(sources["document_id"].astype(str))
    title = t("chart.coverage.title", lang)
    # mentions per (claim, document), counted once: linear in the number of figures
    counts = (
        figures.assign(claim=claim_keys(figures), document_id=figures["document_id"].astype(str))
        .groupby(["claim", "document_id"], observed=True)
        .size()
    )
    records = [
        {
            "claim": claim["claim"],
            "row": i,
            "document_id": doc,
            "mentions": int(counts[claim["claim"], doc]),
        }
        for i, claim in claims.iterrows()
        for doc in claim["documents"]
    ]
    data = pd.DataFrame(records)
    n_multi = int(claims["multi"].sum())
    gap = 1 if 0 < n_multi < len(claims) else 0  # a spacer row holds the group labels
    positions = [i + (gap if i >= n_multi else 0) for i in range(len(claims))]
    data["row"] = [positions[i] for i in data["row"]]
    notes = [t("source", lang, sources=", ".join(documents))]
    with _rc(lang):
        figure, ax = _new_figure(lang, 0.27 * (len(claims) + gap) + 1.8, notes)
        colours = [
            VERDICT_COLOURS[verdict_of(checks, c)] if checks is not None else PALETTE[0]
            for c in data["claim"]
        ]
        ax.scatter(
            [documents.index(d) for d in data["document_id"]],
            data["row"],
            s=40 + 30 * (data["mentions"] - 1),
            c=colours,
            zorder=3,
        )
        labels = []
        for _, claim in claims.iterrows():
            label = metric_text(metrics, claim["metric"], "label", lang)
            subject = name("subject", claim["subject"], lang)
            period = f", {claim['period']}" if claim["period"] else ""
            labels.append("\n".join(_wrap(f"{label} — {subject}{period}", 60)))
        ax.set_yticks(positions, labels, fontsize=7)
        ax.set_xticks(
            range(len(documents)),
            documents,
            rotation=30,
            ha="left" if lang == "ar" else "right",
            fontsize=7,
        )
        ax.set_ylim(len(claims) + gap - 0.5, -0.5)
        ax.set_xlim(-0.5, len(documents) - 0.5)
        if gap:
            ax.axhspan(n_multi - 0.5, n_multi + 0.5, color="white", zorder=2)
            ax.text(
                0.5,
                n_multi,
                f"↑ {t('chart.coverage.corroborated', lang)}    "
                f"↓ {t('chart.coverage.single', lang)}",
                ha="center",
                va="center",
                fontsize=7.5,
                color="#333333",
                zorder=3,
                transform=mpl.transforms.blended_transform_factory(ax.transAxes, ax.transData),
            )
        if checks is not None:
            present = [
                v for v in VERDICT_COLOURS if v in {verdict_of(checks, c) for c in data["claim"]}
            ]
            handles = [
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color=VERDICT_COLOURS[v],
                    label=t(f"verdict.{v}", lang),
                )
                for v in present
            ]
            figure.legend(
                handles=handles, loc="outside lower center", fontsize=7, ncols=1, frameon=False
            )
        ax.set_xlabel(t("chart.coverage.xlabel", lang))
        ax.set_ylabel(t("chart.coverage.ylabel", lang))
        _title(ax, title)
        if lang == "ar":
            ax.invert_xaxis()
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
    items = [
        f"{metric_text(metrics, c['metric'], 'label', lang)} — "
        f"{name('subject', c['subject'], lang)}: {', '.join(c['documents'])}"
        for _, c in claims[claims["multi"]].iterrows()
    ]
    alt = t(
        "chart.coverage.alt",
        lang,
        title=title,
        corroborated=fmt.number(n_multi, lang),
        single=fmt.number(len(claims) - n_multi, lang),
        items=join(items, lang),
    )
    return Chart("source_coverage", lang, figure, title, alt, data, notes)


# --------------------------------------------------------------------------- timeline


def timeline(events: pd.DataFrame, *, lang: str = "en") -> Chart:
    """The dated events, in order; an inferred date is drawn hollow; a year or month as a span."""
    check_language(lang)
    if events.empty:
        raise ChartDataError("no events in the data")
    data = events.sort_values(["date", "event_id"]).reset_index(drop=True)
    title = t("chart.timeline.title", lang)
    notes = [t("source", lang, sources=", ".join(sorted(data["document_id"].astype(str).unique())))]
    start, end = data["date"].min(), data["date"].max()
    span = (end - start) or pd.Timedelta(days=365)
    with _rc(lang):
        figure, ax = _new_figure(lang, 0.62 * len(data) + 1.3, notes)
        items = []
        for i, event in data.iterrows():
            when, precision = event["date"], str(event["date_precision"])
            inferred = bool(event["date_inferred"])
            stop = when + (
                pd.DateOffset(years=1)
                if precision == "year"
                else pd.DateOffset(months=1)
                if precision == "month"
                else pd.Timedelta(0)
            )
            if stop > when:
                ax.plot(
                    [when, stop], [i, i], color=PALETTE[0], lw=5, alpha=0.35, solid_capstyle="butt"
                )
            ax.plot(
                [when],
                [i],
                marker="o",
                ms=7,
                color=PALETTE[0],
                markerfacecolor="white" if inferred else PALETTE[0],
                zorder=3,
            )
            date_text = fmt.date(when, precision, lang)
            text = f"{date_text} — {event_text(event, lang)}"
            right = (when - start) < span * 0.55
            ax.text(
                stop + span * 0.015 if right else when - span * 0.015,
                i,
                "\n".join(_wrap(text, 58)),
                va="center",
                ha="left" if right else "right",
                fontsize=7.5,
                multialignment="right" if lang == "ar" else "left",
            )
            items.append(text)
        ax.set_ylim(len(data) - 0.5, -0.5)
        ax.set_yticks([])
        pad = span * 0.08
        ax.set_xlim(start - pad, end + pad)
        ax.xaxis.set_major_formatter(mpl.dates.DateFormatter("%Y"))
        ax.set_xlabel(t("chart.timeline.xlabel", lang))
        handles = [
            Line2D(
                [], [], marker="o", ls="", color=PALETTE[0], label=t("chart.timeline.stated", lang)
            ),
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color=PALETTE[0],
                markerfacecolor="white",
                label=t("chart.timeline.inferred", lang),
            ),
        ]
        figure.legend(
            handles=handles, loc="outside lower center", fontsize=7.5, ncols=2, frameon=False
        )
        _title(ax, title)
    alt = t("chart.timeline.alt", lang, title=title, items=join(items, lang))
    return Chart("timeline", lang, figure, title, alt, data, notes)


# --------------------------------------------------------------------------- one call

KINDS = ("platform_shares", "enforcement_outcomes", "content_counts", "source_coverage", "timeline")


def make(
    kind: str, *, lang: str = "en", data_dir: str | os.PathLike[str] | None = None, **options
) -> Chart:
    """Draw one chart kind from the data with one call: ``make("platform_shares", lang="ar")``.

    Loads the dataset from ``data_dir`` (default ``data/``) and passes the primary-source
    checks and ``options`` on. ``content_counts`` shows, unless ``context`` is given, Meta's
    child-endangerment content actioned in 2022 Q1–Q3 and NCMEC's 2022 reports beside the
    documents' figures.
    """
    if kind not in KINDS:
        raise ValueError(f"chart kind '{kind}' is not one of {', '.join(KINDS)}")
    ds = load_dataset(data_dir)
    if kind == "timeline":
        return timeline(ds.events, lang=lang, **options)
    if kind == "source_coverage":
        return source_coverage(
            ds.figures, ds.metrics, ds.sources, lang=lang, checks=ds.primary_checks, **options
        )
    if kind == "content_counts" and "context" not in options:
        options["context"] = default_context(lang, data_dir)
    function = {
        "platform_shares": platform_shares,
        "enforcement_outcomes": enforcement_outcomes,
        "content_counts": content_counts,
    }[kind]
    return function(ds.figures, ds.metrics, lang=lang, checks=ds.primary_checks, **options)


def gallery(
    directory: str | os.PathLike[str], *, data_dir=None, langs: Sequence[str] = ("en", "fr", "ar")
) -> list[Path]:
    """Write every chart kind in every language (SVG and PNG) and an ``index.html`` showing them."""
    from . import output

    directory = Path(directory).resolve()
    output.check_output(directory)  # never over a user's files: a new folder, or a gallery
    owned = output.owned_files(directory) if directory.is_dir() else set()
    written: list[Path] = []
    rows = []
    for kind in KINDS:
        cells = []
        for lang in langs:
            chart = make(kind, lang=lang, data_dir=data_dir)
            svg, png = save(chart, directory)
            written += [svg, png]
            cells.append(f'<td><img src="{png.name}" alt="{_html(chart.alt)}" width="800"></td>')
        rows.append(f"<tr><th>{kind}</th>{''.join(cells)}</tr>")
    index = directory / "index.html"
    index.write_text(
        "<!doctype html><meta charset=utf-8><title>tspolicy chart gallery</title>"
        "<table><tr><th></th>"
        + "".join(f"<th>{lang}</th>" for lang in langs)
        + "</tr>"
        + "".join(rows)
        + "</table>\n",
        encoding="utf-8",
    )
    output.write_marker(directory, owned | {p.name for p in [*written, index]})
    return [*written, index]


def _html(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


# --------------------------------------------------------------------------- saving


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: A temporary chart file older than this was left by a writer that was killed (a live
#: writer replaces its file within seconds); the next save removes it.
STALE_TEMPORARY_SECONDS = 600


def save(
    chart: Chart, directory: str | os.PathLike[str], stem: str | None = None
) -> tuple[Path, Path]:
    """Write the chart as SVG and PNG, deterministically and atomically.

    The same chart gives the same bytes: no creation date or software version in the
    metadata, fixed SVG ids (``svg.hashsalt``), text as paths. Each file is written to a
    temporary name and moved into place, so a reader never sees half a file.

    Returns
    -------
    (svg_path, png_path)
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = stem or f"{chart.kind}_{chart.lang}"
    written = []
    for ext, metadata in (("svg", {"Date": None, "Creator": None}), ("png", {"Software": None})):
        target = directory / f"{stem}.{ext}"
        for stale in directory.glob(f".{stem}.*.{ext}"):  # left by a writer killed mid-file
            with suppress(OSError):
                if time.time() - stale.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                    stale.unlink()
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=f".{ext}")
        os.close(handle)
        try:
            with _rc(chart.lang):
                chart.figure.savefig(tmp, format=ext, metadata=metadata)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; these are not
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(target)
    return written[0], written[1]
