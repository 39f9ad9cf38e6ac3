"""The HTML site: each executed notebook as a self-contained page, and an index.

nbconvert's ``basic`` template renders the cells (Markdown, images with their alt text,
tables); the page around them is ours: ``<html lang dir>`` for the report's language, a
table of contents, inline CSS, a footer with the data version, the parameters and how to
reproduce the page, and a Content-Security-Policy that allows no script and no request to
any host — so a page opened from an e-mail, offline, shows everything and runs nothing.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shlex
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import nbformat

from . import __version__, paths
from .i18n import DIRECTION, LANGUAGES, t

#: Cells that are for researchers in Jupyter, not for readers of the HTML.
HIDDEN_TAGS = ("title",)
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


def clean_notebook(
    nb: nbformat.NotebookNode, parameters: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """Strip what changes from run to run: timings, kernel details, random ids, counters."""
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
def _environment() -> jinja2.Environment:
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


def render_report(
    nb: nbformat.NotebookNode,
    *,
    name: str,
    report: str,
    notebook: str,
    lang: str,
    parameters: Mapping[str, Any],
    version: str,
    languages: Iterable[str] = LANGUAGES,
    include_code: bool = False,
) -> str:
    """Render an executed, cleaned notebook as a self-contained HTML page."""
    body, _ = _exporter(include_code).from_notebook_node(nb)
    build, papermill = reproduce_commands(name, notebook, lang, parameters)
    shown = [(k, v) for k, v in parameters.items() if k != "data_dir"]
    strings = {
        key: t(f"site.{key}", lang)
        for key in (
            "all_reports",
            "contents",
            "other_languages",
            "data_version",
            "parameters",
            "reproduce",
        )
    }
    strings["built_with"] = t("site.built_with", lang, version=__version__, notebook=notebook)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            dir=DIRECTION[lang],
            title=t(f"report.{report}.title", lang),
            css=_css(),
            name=name,
            others=[{"lang": o, "label": t("language.name", o)} for o in languages if o != lang],
            toc=table_of_contents(body),
            body=body,
            strings=strings,
            data_version=version,
            parameters=shown,
            reproduce_build=build,
            reproduce_papermill=papermill,
        )
    )


def render_index(
    entries: Iterable[Mapping[str, str]], languages: Iterable[str], version: str
) -> str:
    """The index page: every report in every language, with a one-line description.

    ``entries`` hold each report's ``name`` (file name) and ``report`` (its kind).
    """
    entries = list(entries)
    sections = [
        {
            "lang": lang,
            "dir": DIRECTION[lang],
            "heading": t("language.name", lang),
            "intro": t("site.intro", lang),
            "reports": [
                {
                    "name": e["name"],
                    "title": t(f"report.{e['report']}.title", lang),
                    "description": t(f"report.{e['report']}.description", lang),
                }
                for e in entries
            ],
        }
        for lang in languages
    ]
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            title=t("site.title", "en"),
            css=_css(),
            sections=sections,
            data_version=version,
            version=__version__,
        )
    )
