"""What a report notebook calls: check its parameters, then show header, charts and text.

A notebook stays thin::

    from tspolicy import report
    rep = report.start("platform_shares", globals())
    rep.header()
    rep.chart()
    rep.narrative()

:func:`start` reads the notebook's parameters from its namespace, rejects a name papermill
injected that the report does not declare, and checks every value against the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import charts
from .context import load_context
from .data import Dataset, load_dataset
from .i18n import metric_text, name, t
from .narrative import escape_markdown, narrative
from .parameters import assigned_names, check, spec

#: The chart each report shows by default.
DEFAULT_CHART = {
    "overview": "platform_shares",
    "platform_shares": "platform_shares",
    "enforcement": "enforcement_outcomes",
    "content_counts": "content_counts",
    "sources": "source_coverage",
    "timeline": "timeline",
}


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _injected_names(namespace: Mapping[str, Any]) -> list[str]:
    """Names assigned by the cells run so far (papermill's injected cell among them)."""
    history = namespace.get("In") or []
    return [n for source in history[:-1] for n in assigned_names(source) if not n.startswith("_")]


@dataclass
class Report:
    """A report's checked parameters and data; its methods return what a cell displays."""

    name: str
    params: dict[str, Any]
    dataset: Dataset

    @property
    def lang(self) -> str:
        """The report language."""
        return self.params["language"]

    def header(self):
        """The report's title and one-line description, in its language (Markdown)."""
        title = escape_markdown(t(f"report.{self.name}.title", self.lang))
        description = escape_markdown(t(f"report.{self.name}.description", self.lang))
        return _markdown(f"# {title}\n\n{description}\n")

    def chart(self, kind: str | None = None) -> charts.Chart:
        """The report's chart (or another ``kind``), drawn with the report's parameters."""
        kind = kind or DEFAULT_CHART[self.name]
        ds, lang, p = self.dataset, self.lang, self.params
        checks = ds.primary_checks
        if kind == "platform_shares":
            return charts.platform_shares(
                ds.figures,
                ds.metrics,
                lang=lang,
                year=p.get("year", 2020),
                highlight=p.get("highlight"),
                checks=checks,
            )
        if kind == "enforcement_outcomes":
            return charts.enforcement_outcomes(
                ds.figures,
                ds.metrics,
                lang=lang,
                organisation=p.get("organisation"),
                country=p.get("country"),
                checks=checks,
            )
        if kind == "content_counts":
            return charts.content_counts(
                ds.figures,
                ds.metrics,
                lang=lang,
                platforms=p.get("platforms"),
                context=charts.default_context(lang, p["data_dir"], p.get("ncmec_year", 2022)),
                scale=p.get("scale", "auto"),
                checks=checks,
            )
        if kind == "source_coverage":
            return charts.source_coverage(
                ds.figures, ds.metrics, ds.sources, lang=lang, checks=checks
            )
        if kind == "timeline":
            return charts.timeline(ds.events, lang=lang)
        raise ValueError(f"chart kind '{kind}' is not one of {', '.join(charts.KINDS)}")

    def narrative(self):
        """The report's summary, written from the data in its language (Markdown)."""
        topic = self.name
        options: dict[str, Any] = {}
        p = self.params
        data_dir = p["data_dir"]
        if topic in {"content_counts", "overview"}:
            options = {
                "meta": load_context("meta_content_actioned", data_dir),
                "ncmec": load_context("ncmec_reports_by_platform", data_dir),
                "ncmec_year": p.get("ncmec_year", 2022),
            }
            if "platforms" in p:
                options["platforms"] = p["platforms"]
        elif topic == "platform_shares":
            options = {"year": p["year"]}
        elif topic == "enforcement":
            options = {"organisation": p["organisation"], "country": p["country"]}
        return _markdown(narrative(topic, self.dataset, lang=self.lang, **options))

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
            if claim.startswith("event|"):
                event = ds.events[ds.events["event_id"] == claim.split("|", 1)[1]]
                column = "event" if lang == "en" else f"event_{lang}"
                label = str(event.iloc[0][column]) if len(event) else claim
            else:
                mention = figures[figures["claim"] == claim].iloc[0]
                metric = metric_text(ds.metrics, str(mention["metric"]), "label", lang)
                label = f"{metric} — {name('subject', str(mention['subject']), lang)}"
            source = " — ".join(
                str(v)
                for v in (check_row.primary_source, check_row.publisher)
                if isinstance(v, str)
            )
            cells = [
                label,
                t(f"verdict.{check_row.verdict}", lang),
                source,
                str(getattr(check_row, "explanation" if lang == "en" else f"explanation_{lang}")),
            ]
            rows.append(
                "| " + " | ".join(escape_markdown(c).replace("\n", " ") for c in cells) + " |"
            )
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
        The notebook's ``globals()``: its parameters are read from it, and the names its
        earlier cells assigned (papermill's injected parameters among them) must all be
        parameters of the report.

    Raises
    ------
    ParameterError
        An unknown parameter, or a value the data do not allow, with the allowed values.
    """
    declared = [p.name for p in spec(report_name)]
    unknown = sorted(set(_injected_names(namespace)) - set(declared))
    given = {n: namespace[n] for n in declared if n in namespace}
    if unknown:
        given[unknown[0]] = namespace.get(unknown[0])
    data_dir = given.get("data_dir")
    dataset = load_dataset(data_dir)
    return Report(report_name, check(report_name, given, dataset), dataset)
