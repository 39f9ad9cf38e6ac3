"""A chart as a page shows it: picture, caption as text, the rows it draws, and a CSV.

The picture holds the chart alone (title, axes, data labels, legend), drawn for a wide and a
narrow screen (:meth:`tspolicy.charts.Chart.pngs`). Everything else a reader needs — the
source line, caveats, verdicts and context citations — is text in a ``<figcaption>``, in the
page's language, with links to the evidence notes. The values are an HTML table the image
points to (``aria-describedby``), and a CSV of the same rows, with a header block giving
source, caveats, verdicts, licence and citation, is embedded as a ``data:`` link, so it
downloads from a page opened offline.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import markupsafe
import numpy as np
import pandas as pd

from . import __version__
from . import formatting as fmt
from .charts import NARROW_MEDIA
from .csvsafe import safe_frame
from .evidence import claim_html, context_ids, metric_html, ref, subject_html, tagged
from .i18n import event_text, t

#: The chart's CSV: dataset and licence, for its header block.
DATASET = "tspolicy dataset"


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _claim(claim: str, ds: Any, lang: str) -> markupsafe.Markup:
    metric, subject, period = [*claim.split("|"), "", ""][:3]
    text = claim_html(ds, metric, subject, lang)
    return text + (f"{t('punct.comma', lang)}{fmt.period(period, lang)}" if period else "")


def table(chart: Any, ds: Any, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The chart's rows as the page's table shows them, in the page's language: one row per
    mark, the columns a reader needs (what, value as stated, document, evidence)."""
    data = chart.data
    columns = [c for c in DISPLAY if c in data.columns]
    if "event_id" in data.columns:
        columns = ["event", *[c for c in columns if c != "event"]]
    rows = []
    for record in data.to_dict("records"):
        unit = str(record.get("unit") or ("percent" if "share" in data else "items"))
        cells: list[Any] = []
        for column in columns:
            value = record.get(column)
            if column == "evidence":
                cells.append(ref(str(value or "").split(), lang))
            elif column == "document_id":
                cells.append(
                    markupsafe.Markup('<bdi translate="no" class="id">{}</bdi>').format(value)
                )
            elif _missing(value) and column != "event":
                cells.append("—")
            elif column == "subject":
                cells.append(subject_html(ds.figures, str(value), lang))
            elif column == "metric":
                cells.append(metric_html(ds.metrics, str(value), lang))
            elif column == "claim":
                cells.append(_claim(str(value), ds, lang))
            elif column == "event":
                cells.append(event_text(pd.Series(record), lang))
            elif column == "date":
                cells.append(fmt.date(value, str(record["date_precision"]), lang))
            elif column == "rank":
                cells.append(fmt.value(float(value), "rank", lang))
            elif column in {"share", "value"}:
                qualifier = str(record.get("qualifier") or "exact")
                cells.append(fmt.quantity(float(value), qualifier, unit, lang))
            else:
                cells.append(
                    fmt.number(float(value), lang) if isinstance(value, int | float) else value
                )
        rows.append(cells)
    return [t(f"data.column.{c}", lang) for c in columns], rows


#: The columns of a chart's data a page's table shows, in this order (others go to the CSV).
DISPLAY = (
    "subject",
    "metric",
    "claim",
    "series",
    "date",
    "rank",
    "share",
    "value",
    "mentions",
    "document_id",
    "evidence",
)


def csv_text(chart: Any, notes: list[str], lang: str, page: str) -> str:
    """The rows a chart draws as CSV, after a ``#`` header block: title, notes (source,
    caveats, verdicts), licence, and how to cite it (the page's dataset version and figure
    ids are in the page's "How to cite", which the build keeps current)."""
    colon = t("punct.colon", lang)
    ids = ", ".join(chart.evidence)
    header = [
        f"# {chart.title}",
        *(f"# {note}" for note in notes),
        f"# {t('data.licence', lang)}{colon}{t('data.licence_text', lang)}",
        f"# {t('data.cite', lang)}{colon}{DATASET} {__version__}, {lang}/{page}.html"
        + (f"; {ids}" if ids else "")
        + f" — {t('data.cite_see', lang)}",
    ]
    buffer = io.StringIO()
    whole_numbers(safe_frame(chart.data)).to_csv(buffer, index=False, lineterminator="\n")
    return "\n".join(line.replace("\n", " ") for line in header) + "\n" + buffer.getvalue()


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each whole number of a float column written as an integer: a rank is
    ``1``, a share ``65``, not ``1.0``, ``65.0``; ``36.2`` stays; a missing value stays empty."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values) or values.dtype == object:
            out[column] = pd.Series(
                [
                    int(v)
                    if isinstance(v, float | np.floating) and math.isfinite(v) and v.is_integer()
                    else v
                    for v in values
                ],
                index=values.index,
                dtype=object,
            )
    return out


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure_html(chart: Any, ds: Any, lang: str, *, number: int, page: str) -> str:
    """The ``<figure>`` of one chart: picture, caption, data table and CSV download.

    Parameters
    ----------
    chart
        A :class:`tspolicy.charts.Chart`.
    ds
        The dataset it was drawn from (names and labels for its table).
    lang
        The page's language (the chart's).
    number
        The chart's position on the page (1, 2, …), for unique ids.
    page
        The page's name, for the CSV's citation and file name.
    """
    from .site import environment

    ident = f"chart-{number}-{chart.kind}".replace("_", "-")
    pngs = chart.pngs()
    sizes = chart.sizes()
    headers, rows = table(chart, ds, lang)
    return (
        environment()
        .get_template("figure.html.j2")
        .render(
            id=ident,
            lang=lang,
            title=chart.title,
            alt=chart.alt,
            wide=_data_uri(pngs["wide"], "image/png"),
            narrow=_data_uri(pngs["narrow"], "image/png") if pngs["narrow"] != pngs["wide"] else "",
            wide_size=sizes["wide"],
            narrow_size=sizes["narrow"],
            narrow_media=NARROW_MEDIA,
            notes=[tagged(note, ds) for note in chart.notes],
            evidence=ref([*chart.evidence, *context_ids(chart.notes, ds)], lang),
            headers=headers,
            rows=rows,
            csv=_data_uri(csv_text(chart, chart.notes, lang, page).encode("utf-8"), "text/csv"),
            csv_name=f"{page}-{number}-{chart.kind}.csv",
            strings={
                key: t(f"data.{key}", lang)
                for key in ("table", "download", "evidence", "table_label")
            },
            colon=t("punct.colon", lang),
        )
    )


def frame_of_csv(text: str) -> pd.DataFrame:
    """Read a chart's CSV back, its ``#`` header block skipped: what a test compares."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if not line.startswith("# "))
    return pd.read_csv(io.StringIO("\n".join(lines[start:])), keep_default_na=False)
