"""What a report notebook calls: check its parameters, then show header, charts and text.

A notebook stays thin::

    from tspolicy import report
    rep = report.start("platform_shares", globals())
    rep.header()
    rep.chart()
    rep.table()       # the rows behind the chart: values, qualifiers, documents, excerpts
    rep.narrative()

:func:`start` reads the notebook's parameters from its namespace, rejects a name papermill
injected that the report does not declare, and checks every value against the data. What a
report shows (its charts, narrative topic, evidence and the data it reads) is its entry in
the registry (:mod:`tspolicy.registry`); a report can read no context series it does not
declare there, so its cache key covers everything it shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import charts, selection
from . import registry as registry_
from .context import ContextSeries, load_context
from .data import Dataset, load_dataset
from .evidence import cited, claim_html, notes_html, quotations, tagged, verdict_text
from .figurehtml import figure_html
from .i18n import event_text, in_language, t
from .narrative import escape_markdown, for_report
from .numbers import VAGUE
from .parameters import assigned_names, check, check_data_dir, spec


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _markdown_cell(html: Any) -> str:
    """Markup for a Markdown table cell: its HTML kept, the Markdown specials of its text
    escaped (a ``|`` would end the cell)."""
    text = str(html).replace("&#39;", "'").replace("&#34;", '"')  # plain in HTML text
    return re.sub(r"(?<![<&])([\\`*_\[\]{}#|~!])(?![^<]*>)", r"\\\1", text)


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


@dataclass
class ChartView:
    """A chart as the page shows it (``<figure>`` with caption, data and CSV); ``.chart`` is
    the :class:`tspolicy.charts.Chart` itself (its matplotlib figure, data and notes)."""

    chart: charts.Chart
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __getattr__(self, attribute: str) -> Any:  # rep.chart().data, .figure, .notes …
        if attribute == "chart":
            raise AttributeError(attribute)
        return getattr(self.chart, attribute)


#: The first line of the cell papermill injects (its Python translator's comment).
PAPERMILL_HEADER = "# Parameters"


def _injected_names(namespace: Mapping[str, Any]) -> list[str]:
    """The names papermill injected into this kernel, [] when it injected none.

    papermill adds one cell after the notebook's parameters cell, tagged
    ``injected-parameters``, whose first line is its header comment. A kernel keeps no record of
    cell tags, so that cell is found by its header among the cells executed before the current
    one: only the most recent such cell is read, never the names other cells assigned (a
    scratch cell's ``ax = …`` or a loop variable are not parameters).
    """
    history = namespace.get("In") or []
    for source in reversed(history[:-1]):
        if isinstance(source, str) and source.split("\n", 1)[0].strip() == PAPERMILL_HEADER:
            return [n for n in assigned_names(source) if not n.startswith("_")]
    return []


@dataclass
class Report:
    """A report's checked parameters and data; its methods return what a cell displays."""

    name: str
    params: dict[str, Any]
    dataset: Dataset
    #: The report's entry in the registry: its charts, narrative, evidence, the data it reads.
    entry: registry_.Entry | None = None
    #: The evidence ids the page has linked to so far (charts and text), in order.
    cited: dict[str, None] = field(default_factory=dict)
    _kinds: dict[str, None] = field(default_factory=dict)
    _charts: dict[str, charts.Chart] = field(default_factory=dict, repr=False)
    _context: dict[str, ContextSeries] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.entry is None:
            self.entry = registry_.load()[self.name]

    def _cite(self, ids: Iterable[str]) -> None:
        self.cited.update(dict.fromkeys(ids))

    @property
    def lang(self) -> str:
        """The report language."""
        return self.params["language"]

    def header(self):
        """The report's title and one-line description, in its language (Markdown)."""
        title = escape_markdown(t(f"{self.entry.strings}.title", self.lang))
        description = escape_markdown(t(f"{self.entry.strings}.description", self.lang))
        return _markdown(f"# {title}\n\n{description}\n")

    def chart(self, kind: str | None = None) -> ChartView:
        """The report's chart (or another ``kind``) as the page shows it: picture, caption,
        data table and CSV, linked to the evidence notes; ``.chart`` is the Chart."""
        chart = self.draw(kind)
        self._kinds.setdefault(chart.kind, None)
        number = list(self._kinds).index(chart.kind) + 1
        html = figure_html(chart, self.dataset, self.lang, number=number, page=self.name)
        self._cite(cited(html))
        return ChartView(chart, html)

    @property
    def context(self) -> dict[str, ContextSeries]:
        """The context series the report reads (its registry entry's ``reads.context``),
        loaded from its data folder: the only ones its charts and text may show."""
        if self._context is None:
            self._context = {
                name: load_context(name, self.params["data_dir"])
                for name in self.entry.reads.context
            }
        return self._context

    def draw(self, kind: str | None = None) -> charts.Chart:
        """The report's chart (or another ``kind``), drawn with the report's parameters."""
        kind = kind or (self.entry.charts[0] if self.entry.charts else None)
        if kind is None:
            raise ValueError(f"report '{self.name}' declares no chart ({self.entry.source})")
        if kind not in self._charts:
            self._charts[kind] = charts.for_report(
                kind, self.dataset, lang=self.lang, parameters=self.params, context=self.context
            )
        return self._charts[kind]

    def table(self, kind: str | None = None):
        """The rows behind the report's chart (or another ``kind``): one row per figure
        mention or event drawn, with its value, qualifier, unit, period, document, verbatim
        excerpt, the excerpt in the report's language (empty while its translation is
        pending) and the primary-source verdict — a DataFrame to filter, pivot or save.
        ``rep.draw().data`` holds the marks themselves (one row per mark)."""
        chart = self.draw(kind)
        return selection.rows_behind(self.dataset, chart.evidence, self.lang)

    def narrative(self):
        """The report's summary, written from the data in its language (Markdown)."""
        if self.entry.narrative is None:
            raise ValueError(f"report '{self.name}' declares no narrative ({self.entry.source})")
        text = for_report(
            self.entry.narrative,
            self.dataset,
            lang=self.lang,
            parameters=self.params,
            context=self.context,
        )
        self._cite(cited(text))
        return _markdown(text)

    def evidence(self):
        """The evidence notes of every number the page has shown so far (HTML): for each, the
        document's exact words, their translation, the document and the primary source."""
        ids = list(self.cited)
        if self.entry.evidence == "everything":
            ids += list(self.dataset.figures["figure_id"].astype(str))
            ids += list(self.dataset.events["event_id"].astype(str))
        return _html(notes_html(self.dataset, ids, self.lang))

    def verdicts(self):
        """A table of every claim's primary-source verdict (Markdown)."""
        from .corroborate import claim_keys

        ds, lang = self.dataset, self.lang
        figures = ds.figures.assign(claim=claim_keys(ds.figures))
        header = [
            t(f"verdicts.{key}", lang) for key in ("claim", "verdict", "source", "explanation")
        ]
        rows = ["| " + " | ".join(header) + " |", "|---|---|---|---|"]
        for check_row in ds.primary_checks.itertuples():
            claim = str(check_row.claim)
            vague = False
            if claim.startswith("event|"):
                event = ds.events[ds.events["event_id"] == claim.split("|", 1)[1]]
                label = escape_markdown(event_text(event.iloc[0], lang) if len(event) else claim)
            else:
                mention = figures[figures["claim"] == claim].iloc[0]
                vague = str(mention["qualifier"]) == VAGUE
                label = _markdown_cell(
                    claim_html(ds, str(mention["metric"]), str(mention["subject"]), lang)
                )
            row = check_row._asdict()
            source = tagged(
                " — ".join(
                    v
                    for v in (
                        in_language(row, "primary_source", lang),
                        in_language(row, "publisher", lang),
                    )
                    if v
                ),
                ds,
            )
            explanation = getattr(
                check_row, "explanation" if lang == "en" else f"explanation_{lang}"
            )
            cells = [
                label,
                escape_markdown(verdict_text(str(check_row.verdict), lang, vague=vague)),
                _markdown_cell(source),
                _markdown_cell(quotations(explanation, lang))
                if isinstance(explanation, str) and explanation.strip()
                else f'<em class="pending">{escape_markdown(t("evidence.explanation", lang))}</em>',
            ]
            rows.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
        return _markdown(
            f"## {escape_markdown(t('verdicts.heading', lang))}\n\n" + "\n".join(rows) + "\n"
        )


def start(report_name: str, namespace: Mapping[str, Any]) -> Report:
    """Check a notebook's parameters and load its data: the first call of every report notebook.

    Parameters
    ----------
    report_name
        The report (e.g. "platform_shares").
    namespace
        The notebook's ``globals()``: its parameters are read from it, and every name
        papermill injected (its ``injected-parameters`` cell) must be a parameter of the
        report. Other cells may assign any name, and any cell may be re-run in any order.

    Raises
    ------
    ParameterError
        An unknown parameter, or a value the data do not allow, with the allowed values.
    """
    registry = registry_.load()  # the one beside the notebook (the kernel's working folder)
    declared = [p.name for p in spec(report_name, registry)]
    given = {n: namespace[n] for n in declared if n in namespace}
    for unknown in sorted(set(_injected_names(namespace)) - set(declared)):
        given[unknown] = namespace.get(unknown)
    data_dir = given.get("data_dir")
    check_data_dir(report_name, data_dir, registry)
    dataset = load_dataset(data_dir)
    params = check(report_name, given, dataset, registry)
    return Report(report_name, params, dataset, registry[report_name])
