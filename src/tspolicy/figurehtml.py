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
import pandas as pd

from . import __version__
from . import formatting as fmt
from .charts import NARROW_MEDIA
from .csvsafe import safe_frame
from .evidence import ref
from .i18n import t

#: The chart's CSV: dataset and licence, for its header block.
DATASET = "tspolicy dataset"
LICENCE = "Apache-2.0 (code and curated data); the excerpts are short quotations of their documents"


def _cell(value: Any, column: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return t(f"data.bool.{value}", lang)
    if column == "qualifier":
        return t(f"data.qualifier.{value}", lang)
    if isinstance(value, int | float):
        return fmt.number(float(value), lang)
    return str(value)


def csv_text(chart: Any, notes: list[str], lang: str, page: str) -> str:
    """The rows a chart draws as CSV, after a ``#`` header block (pandas: ``comment="#"``)."""
    header = [
        f"# {chart.title}",
        *(f"# {note}" for note in notes),
        f"# {t('data.licence', lang)}: {LICENCE}",
        f"# {t('data.cite', lang)}: {DATASET} {__version__}, {page}",
    ]
    buffer = io.StringIO()
    safe_frame(chart.data).to_csv(buffer, index=False, lineterminator="\n")
    return "\n".join(line.replace("\n", " ") for line in header) + "\n" + buffer.getvalue()


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure_html(chart: Any, lang: str, *, number: int, page: str) -> str:
    """The ``<figure>`` of one chart: picture, caption, data table and CSV download.

    Parameters
    ----------
    chart
        A :class:`tspolicy.charts.Chart`.
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
    columns = list(chart.data.columns)
    rows = [
        [
            ref(str(value).split(), lang)
            if column == "evidence"
            else markupsafe.escape(_cell(value, column, lang))
            for column, value in zip(columns, record, strict=True)
        ]
        for record in chart.data.itertuples(index=False, name=None)
    ]
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
            narrow_media=NARROW_MEDIA,
            notes=chart.notes,
            evidence=ref(chart.evidence, lang),
            headers=[t(f"data.column.{c}", lang) for c in columns],
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
