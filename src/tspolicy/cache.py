"""Build cache: what each page depends on, hashed, so only what changed is rebuilt.

A page's key hashes five things:

``notebook``
    the notebook file's bytes and the report's entry in the registry
    (:mod:`tspolicy.registry`);
``parameters``
    the page's name, report, language, parameters and the build options that shape it;
``data``
    the data the report reads, by content, as its registry entry declares them (``reads``):
    for a report about some metrics, only those metrics' rows of ``figures.csv``,
    ``metrics.csv`` and ``primary_checks.csv`` (so a changed IJM figure does not rebuild the
    platform pages); the events and their checks; the context series it shows; or every
    table. The report can read nothing else: its charts, text and checks get the context
    series it declares only, and a test changes every data file to prove the key covers them;
``code``
    every file of the ``tspolicy`` package;
``environment``
    ``requirements.lock``, the Python version and the machine type.

Keys are stored beside the site they describe, in ``<out>/.cache/<lang>/<name>.json``,
and are written with the pages into the build's temporary folder, so they change only when
the pages do (atomically, by the swap): an interrupted build can never leave a key that
claims a page it did not write. Everything here uses the standard library only, so that a
build with nothing to do finishes in well under a second.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import platform
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import paths
from . import registry as registry_

CACHE_DIR = ".cache"
#: Bump when the build's output format changes, to rebuild every page once.
FORMAT = "2"
#: Every table of the dataset (a report that reads ``tables: all``).
TABLES = (
    "origins.csv",
    "sources.csv",
    "figures.csv",
    "metrics.csv",
    "events.csv",
    "primary_checks.csv",
    "subjects.csv",
)
COMPONENTS = ("notebook", "parameters", "data", "code", "environment")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def _canonical(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def data_view(
    report: str, data_dir: str | Path | None = None, folder: str | Path | None = None
) -> dict[str, str]:
    """Hashes of the data ``report`` reads, per table: {"figures.csv": sha256, …}.

    What it reads is its registry entry's ``reads`` (the registry of a notebook in
    ``folder``, default the repository's notebooks: :func:`tspolicy.registry.load`); a
    report the registry does not know reads everything. Unreadable or missing files hash as
    such, so they change the key rather than break it.
    """
    root = paths.data_dir(data_dir)
    registry = registry_.load(folder if folder is not None else paths.NOTEBOOKS_DIR)
    reads = registry.entries[report].reads if report in registry else None
    everything = reads is None or reads.everything
    metrics = set(reads.metrics) if reads is not None else set()
    view: dict[str, str] = {}

    def whole(name: str) -> None:
        path = root / name
        view[name] = _sha(path.read_bytes()) if path.is_file() else "missing"

    whole("datapackage.json")
    # Every page's evidence notes name documents (titles, kinds) and subjects, and its
    # charts' source lines the investigations their documents relay (origins).
    whole("sources.csv")
    whole("subjects.csv")
    whole("origins.csv")
    # The allowed units, qualifiers, verdicts…: the loaders' categories come from it.
    whole("vocabulary.csv")
    if everything:
        for name in TABLES:
            whole(name)
    else:
        events = reads.events
        if events:
            whole("events.csv")
        # figures and metrics: the metrics' rows; primary_checks: their claims' checks, and
        # the events' own checks when the report shows events (their notes print them)
        for name, column in (
            ("figures.csv", "metric"),
            ("metrics.csv", "metric"),
            ("primary_checks.csv", "claim"),
        ):
            if not metrics and not (events and name == "primary_checks.csv"):
                continue
            path = root / name
            try:
                header, rows = _rows(path)
                index = header.index(column)
            except (OSError, ValueError, UnicodeDecodeError, csv.Error):
                whole(name)
                continue
            keep = [
                r
                for r in rows
                if len(r) > index
                and (
                    r[index].split("|", 1)[0] in metrics
                    or (events and column == "claim" and r[index].startswith("event|"))
                )
            ]
            view[name] = _sha(_canonical(header, keep))
    series = (
        sorted(p.stem for p in (root / "context").glob("*.csv")) if reads is None else reads.context
    )
    for name in series:
        whole(f"context/{name}.csv")
    return view


def code_hash() -> str:
    """Hash of every file of the tspolicy package (sources, strings, templates)."""
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(
                path.relative_to(paths.PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes()
            )
    return digest.hexdigest()


def environment_hash() -> str:
    """Hash of the locked environment: requirements.lock, Python version, machine type."""
    lock = paths.ROOT / "requirements.lock"
    content = lock.read_bytes() if lock.is_file() else b"no lock"
    return _sha(content + sys.version.encode() + platform.machine().encode())


def components(
    *,
    notebook: Path,
    name: str,
    report: str,
    lang: str,
    parameters: Mapping[str, Any],
    options: Mapping[str, Any],
    data_dir: str | Path | None,
    code: str,
    environment: str,
) -> dict[str, Any]:
    """The key's components for one page (see the module docstring)."""
    registry = registry_.load(notebook.parent)
    entry = registry.entries.get(report)
    declared = (
        {
            "notebook": entry.notebook.name,
            "charts": entry.charts,
            "narrative": entry.narrative,
            "evidence": entry.evidence,
            "strings": entry.strings,
            "reads": dataclasses.asdict(entry.reads),
            "parameters": entry.allowed,
        }
        if entry
        else None
    )
    shape = {
        "format": FORMAT,
        "name": name,
        "report": report,
        "lang": lang,
        "parameters": dict(parameters),
        **options,
    }
    return {
        "notebook": _sha(
            (notebook.read_bytes() if notebook.is_file() else b"missing")
            + json.dumps(declared, sort_keys=True, default=str).encode()
        ),
        "parameters": _sha(json.dumps(shape, sort_keys=True, default=str).encode()),
        "data": data_view(report, data_dir, notebook.parent),
        "code": code,
        "environment": environment,
    }


def key(parts: Mapping[str, Any]) -> str:
    """The page key: one hash of its components."""
    return _sha(json.dumps(parts, sort_keys=True).encode())


def key_path(out: Path, lang: str, name: str) -> Path:
    """Where a page's key is stored under the site folder."""
    return out / CACHE_DIR / lang / f"{name}.json"


def read_key(out: Path, lang: str, name: str) -> dict[str, Any] | None:
    """The stored key of a page, or None when there is none or it does not parse."""
    path = key_path(out, lang, name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_key(out: Path, lang: str, name: str, parts: Mapping[str, Any]) -> None:
    """Store a page's key and components."""
    path = key_path(out, lang, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"key": key(parts), "components": parts}, sort_keys=True, indent=1) + "\n",
        encoding="utf-8",
    )


def explain(
    previous: Mapping[str, Any] | None, parts: Mapping[str, Any], page_exists: bool, force: bool
) -> str:
    """Why a page is rebuilt, or "up to date"."""
    if force:
        return "rebuilt: --force"
    if previous is None:
        return "rebuilt: no earlier build of this page"
    if not page_exists:
        return "rebuilt: the page file is missing"
    old = previous.get("components", {})
    changed = [c for c in COMPONENTS if old.get(c) != parts.get(c)]
    if not changed:
        return "up to date"
    reasons = []
    for component in changed:
        if component == "data":
            tables = sorted(
                name
                for name in set(old.get("data", {})) | set(parts["data"])
                if old.get("data", {}).get(name) != parts["data"].get(name)
            )
            reasons.append(f"data changed ({', '.join(tables)})")
        else:
            reasons.append(
                {
                    "notebook": "notebook changed",
                    "parameters": "parameters or options changed",
                    "code": "tspolicy package code changed",
                    "environment": "locked environment changed",
                }[component]
            )
    return "rebuilt: " + "; ".join(reasons)
