"""The HTML site: each executed notebook as a self-contained page, and an index.

nbconvert's ``basic`` template renders the cells (Markdown, images with their alt text,
tables); the page around them is ours: ``<html lang dir>`` for the report's language, a
table of contents, inline CSS, a footer with the data version, the parameters and how to
reproduce the page, and a Content-Security-Policy that allows no script and no request to
any host — so a page opened from an e-mail, offline, shows everything and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from . import __version__, paths
from . import formatting as fmt
from .i18n import DIRECTION, LANGUAGES, strings, t

if TYPE_CHECKING:  # nbformat imports jsonschema, whose format checkers take a second or more
    import nbformat

#: Cells that are for researchers in Jupyter, not for readers of the HTML.
#: ``explore``: the rows behind a chart (``rep.table()``), for the notebook's reader: the
#: page has them as its figure's table and CSV, in the page's language.
HIDDEN_TAGS = ("title", "explore")
CODE_TAGS = ("parameters", "injected-parameters")
_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)(?:<a class="anchor-link".*?</a>)?</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def data_version(data_dir: str | Path | None = None) -> str:
    """A short hash of every file under the data directory (paths and bytes)."""
    root = paths.data_dir(data_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def dataset_version(data_dir: str | Path | None = None) -> str:
    """The one version every page and the index of a build print: the package version and
    a content hash of the data folder (``0.1.0+338a47578203``)."""
    return f"{__version__}+{data_version(data_dir)}"


def data_date(data_dir: str | Path | None = None) -> str | None:
    """The date of the data (ISO), never the clock, so that builds stay byte-identical.

    ``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention); else the date
    of the newest commit touching the data folder; None outside a git checkout.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    root = paths.data_dir(data_dir)
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = result.stdout.strip()
    return text if result.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None


@dataclass(frozen=True)
class DataSummary:
    """What the index says the dataset holds: counted from the data, never written by hand."""

    documents: int
    figures: int
    #: The documents' languages (BCP 47 tags), each once, sorted.
    languages: tuple[str, ...]
    #: The figure mentions that are a vague word ("hundreds"), no number.
    vague: int = 0


def _table_rows(root: Path, name: str) -> list[dict[str, str]]:
    import csv

    with (root / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def data_summary(data_dir: str | Path | None = None) -> DataSummary:
    """Count the documents (``sources.csv``), their languages and the figure mentions
    (``figures.csv``) of the data folder, with the standard library only."""
    root = paths.data_dir(data_dir)
    documents = _table_rows(root, "sources")
    languages = sorted({d.get("language", "").strip() for d in documents} - {""})
    figures = _table_rows(root, "figures")
    vague = sum(1 for f in figures if f.get("qualifier", "").strip() == "vague")
    return DataSummary(len(documents), len(figures), tuple(languages), vague)


@dataclass(frozen=True)
class Stamp:
    """What identifies the data of a build, printed identically on all its pages, and what
    the index says the data hold."""

    version: str
    date: str | None = None
    summary: DataSummary | None = None

    @classmethod
    def of(cls, data_dir: str | Path | None = None) -> Stamp:
        return cls(dataset_version(data_dir), data_date(data_dir), data_summary(data_dir))


def clean_notebook(
    nb: nbformat.NotebookNode, parameters: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """Strip what changes from run to run: timings, kernel details, random ids, counters."""
    import nbformat

    nb.metadata = nbformat.NotebookNode(
        {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
            "tspolicy": {"parameters": dict(parameters)},
        }
    )
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
        if "injected-parameters" in cell.metadata.get("tags", []):
            # Rewritten from the report's parameters alone: no machine-specific data path.
            from papermill.translators import PythonTranslator

            cell.source = PythonTranslator.codify(dict(parameters), comment="Parameters")
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell["execution_count"] = None
            for output in cell.get("outputs", []):
                output.pop("execution_count", None)
                if output.get("output_type") == "execute_result":
                    output["output_type"] = "display_data"
    return nb


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the site templates (HTML, autoescaped)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tspolicy", "templates/site"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def _css() -> str:
    return files("tspolicy").joinpath("templates/site/style.css").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _exporter(include_code: bool):
    """One HTML exporter per process and option, reused for every page a worker renders."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = not include_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    tags = set(HIDDEN_TAGS) | (set() if include_code else set(CODE_TAGS))
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=tags), enabled=True)
    return exporter


def table_of_contents(body: str) -> list[dict[str, str]]:
    """The h2 and h3 headings of a rendered body, with their anchors."""
    return [
        {"id": html.unescape(anchor), "text": html.unescape(_TAG.sub("", text)).strip()}
        for _, anchor, text in _HEADING.findall(body)
    ]


def reproduce_commands(
    name: str, notebook: str, lang: str, parameters: Mapping[str, Any]
) -> tuple[str, str]:
    """The `tspolicy build` and `papermill` commands that write this page again."""
    # Shell-quoted: a value such as "AT&T" or "Save the Children (UK)" is pasted safely.
    build = f"tspolicy build --only {shlex.quote(name)} --lang {shlex.quote(lang)}"
    options = " ".join(
        f"-p {key} {shlex.quote(str(value))}"
        for key, value in parameters.items()
        if key != "data_dir" and not isinstance(value, list | tuple)
    )
    lists = " ".join(
        "-y " + shlex.quote(f"{key}: {json.dumps(list(value), ensure_ascii=False)}")
        for key, value in parameters.items()
        if isinstance(value, list | tuple)
    )
    papermill = f"papermill notebooks/{notebook} out.ipynb {options} {lists}".strip()
    return build, papermill


#: The repository readers can cite and get the code and data from.
REPOSITORY = "https://github.com/tspolicy/tspolicy"
_BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADING_ID = re.compile(r'(<h[1-6] id=")([^"]+)(")')
_EVIDENCE_ID = re.compile(r'<li id="ev-([A-Za-z0-9_-]+)"')


def _scrollable_tables(body: str, label: str) -> str:
    """Wrap the Markdown tables nbconvert wrote in a focusable scrolling region, so a wide
    table scrolls inside the page instead of the page scrolling sideways."""
    wrapper = (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{html.escape(label)}">'
    )
    return _BARE_TABLE.sub(lambda m: f"{wrapper}<table>{m.group(1)}</table></div>", body)


def _unique_heading_ids(body: str) -> str:
    """Give repeated heading ids a suffix (``-2``, ``-3``…): every id on a page is unique."""
    seen: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        ident = match.group(2)
        seen[ident] = seen.get(ident, 0) + 1
        suffix = f"-{seen[ident]}" if seen[ident] > 1 else ""
        return f"{match.group(1)}{ident}{suffix}{match.group(3)}"

    return _HEADING_ID.sub(rename, body)


def citation(
    *, title: str, name: str, lang: str, stamp: Stamp, evidence_ids: list[str]
) -> dict[str, str]:
    """How to cite a page: plain text in the page's language (HTML: the title, version,
    page and ids isolated) and BibTeX, with the dataset version and date."""
    page = f"{lang}/{name}.html"
    ids = t("punct.comma", lang).join(evidence_ids)
    date = stamp.date or ""
    ltr = markupsafe.Markup('<bdi dir="ltr" translate="no">{}</bdi>')
    titled = markupsafe.Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(
        lang, DIRECTION[lang], title
    )
    said = fmt.date(dt.date.fromisoformat(date), "day", lang) if date else ""
    plain = markupsafe.Markup(markupsafe.escape(strings()["site.cite_text"][lang])).format(
        title=titled,
        version=ltr.format(stamp.version),
        date=markupsafe.Markup(t("punct.comma", lang)) + said if said else "",
        page=ltr.format(page),
        figures=markupsafe.Markup(markupsafe.escape(strings()["site.cite_figures"][lang])).format(
            ids=ltr.format(ids)
        )
        if ids
        else "",
        url=ltr.format(REPOSITORY),
    )
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"tspolicy_{name}_{lang}")
    fields = [
        ("title", "{" + title + "}"),  # double braces: BibTeX keeps the title's case
        ("author", "tspolicy contributors"),
        ("howpublished", f"tspolicy dataset, page {page}"),
        ("version", stamp.version),
    ]
    if date:
        fields += [("year", date[:4]), ("date", date)]
    if evidence_ids:
        fields.append(("note", f"Figures {', '.join(evidence_ids)}"))
    fields.append(("url", REPOSITORY))
    bibtex = (
        f"@misc{{{key},\n"
        + ",\n".join(f"  {field} = {{{value}}}" for field, value in fields)
        + "\n}"
    )
    return {"plain": plain, "bibtex": bibtex}


def render_report(
    nb: nbformat.NotebookNode,
    *,
    name: str,
    report: str,
    notebook: str,
    lang: str,
    parameters: Mapping[str, Any],
    stamp: Stamp,
    languages: Iterable[str] = LANGUAGES,
    include_code: bool = False,
    folder: str | Path | None = None,
) -> str:
    """Render an executed, cleaned notebook as a self-contained HTML page (``folder``: the
    notebook's, whose report registry names the report's title)."""
    body, _ = _exporter(include_code).from_notebook_node(nb)
    body = _unique_heading_ids(_scrollable_tables(body, t("site.table", lang)))
    build, papermill = reproduce_commands(name, notebook, lang, parameters)
    shown = [(k, v) for k, v in parameters.items() if k != "data_dir"]
    strings = {
        key: t(f"site.{key}", lang)
        for key in (
            "all_reports",
            "contents",
            "other_languages",
            "data_version",
            "data_date",
            "parameters",
            "reproduce",
            "skip",
            "cite",
            "cite_plain",
            "cite_bibtex",
        )
    }
    strings["built_with"] = markupsafe.Markup(
        t(
            "site.built_with",
            lang,
            version=markupsafe.escape(__version__),
            notebook=markupsafe.Markup('<bdi dir="ltr" translate="no">{}</bdi>').format(notebook),
        )
    )
    title = t(f"{_strings(report, folder)}.title", lang)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            dir=DIRECTION[lang],
            title=title,
            css=_css(),
            name=name,
            others=[{"lang": o, "label": t("language.name", o)} for o in languages if o != lang],
            toc=table_of_contents(body),
            body=body,
            strings=strings,
            stamp=stamp,
            date=fmt.date(dt.date.fromisoformat(stamp.date), "day", lang) if stamp.date else "",
            colon=t("punct.colon", lang),
            cite=citation(
                title=title,
                name=name,
                lang=lang,
                stamp=stamp,
                evidence_ids=list(dict.fromkeys(_EVIDENCE_ID.findall(body))),
            ),
            parameters=shown,
            reproduce_build=build,
            reproduce_papermill=papermill,
        )
    )


def intro(summary: DataSummary, lang: str) -> str:
    """The index's sentence on what the data hold, in ``lang``, counted from the data:
    "… from 5 documents in Arabic and French (38 figure mentions) …"."""
    from babel.lists import format_list

    from .i18n import plural, strings

    names = [
        t(f"doclang.{tag}", lang) if f"doclang.{tag}" in strings() else tag
        for tag in summary.languages
    ]
    return t(
        "site.intro",
        lang,
        documents=plural(
            "site.documents", lang, summary.documents, n=fmt.number(summary.documents, lang)
        ),
        languages=format_list(names, locale=lang),
        figures=plural("site.figures", lang, summary.figures, n=fmt.number(summary.figures, lang))
        + (
            plural("site.figures_vague", lang, summary.vague, n=fmt.number(summary.vague, lang))
            if summary.vague
            else ""
        ),
    )


def _strings(report: str, folder: str | Path | None) -> str:
    """The strings.yaml prefix of a report's title and description (its registry entry's)."""
    from . import registry

    reports = registry.load(folder if folder is not None else paths.NOTEBOOKS_DIR)
    return reports.entries[report].strings if report in reports else f"report.{report}"


def render_index(
    entries: Iterable[Mapping[str, str]],
    languages: Iterable[str],
    stamp: Stamp,
    folder: str | Path | None = None,
) -> str:
    """The index page: every report in every language, with a one-line description.

    ``entries`` hold each report's ``name`` (file name) and ``report`` (its kind); ``folder``
    is the plan's, whose report registry names their titles.
    """
    entries = list(entries)
    summary = stamp.summary or data_summary()
    sections = [
        {
            "lang": lang,
            "dir": DIRECTION[lang],
            "heading": t("language.name", lang),
            "intro": intro(summary, lang),
            "reports": [
                {
                    "name": e["name"],
                    "title": t(f"{_strings(e['report'], folder)}.title", lang),
                    "description": t(f"{_strings(e['report'], folder)}.description", lang),
                }
                for e in entries
            ],
        }
        for lang in languages
    ]
    return (
        environment()
        .get_template("index.html.j2")
        .render(
            # the index serves every language: its title in each
            title=" · ".join(t("site.title", s["lang"]) for s in sections),
            titles=[
                {"lang": s["lang"], "dir": s["dir"], "text": t("site.title", s["lang"])}
                for s in sections
            ],
            css=_css(),
            sections=sections,
            stamp=stamp,
        )
    )
