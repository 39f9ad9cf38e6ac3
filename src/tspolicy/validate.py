"""Validate the dataset: the Frictionless schema, then the curation rules.

:func:`validate` never raises on bad data. It returns a :class:`Report` listing *every*
problem it found — file, row, field, what is wrong and how to fix it — and every check it
could not run (a missing document text, a table whose header is broken), so that nothing
is silently passed.

Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import numbers, paths
from .data import (
    VOCABULARY,
    VOCABULARY_FILE,
    VOCABULARY_PROPERTY,
    TableFormatError,
    cell_problem,
    decode_table,
    delimiter_problem,
    enum_fix,
    parse_records,
    shell_path,
)
from .i18n import LANGUAGES, t
from .numbers import VAGUE, stated_step
from .translations import TRANSLATED, Pending, missing_everywhere, pending

#: A data table larger than this is refused before it is read: the tables hold hand-curated
#: aggregates (a few hundred rows), so a file this size is a wrong file, not a big dataset.
MAX_TABLE_BYTES = 10 * 1024 * 1024
#: Excerpts are short quotations, not copies of the articles.
MAX_EXCERPT_CHARS = 200
#: The tables the package must describe, checked first and in this order; any other table
#: it describes (the context series) is checked against its schema after them.
TABLES = (
    "vocabulary",
    "origins",
    "sources",
    "metrics",
    "subjects",
    "figures",
    "events",
    "primary_checks",
    "left_out",
)
#: What the note of a document with no publication date says (data/README.md, sources.csv).
NO_DATE = "no date"
VERDICTS_WITH_VALUE = frozenset({"matches", "differs_in_value"})
#: The units with rules of their own (a share lies in 0–100, a rank is a position from 1);
#: every other unit of the vocabulary (people, cases, years, a unit added there) is a count,
#: so its values are whole numbers.
SHARE_UNIT, RANK_UNIT = "percent", "rank"


@dataclass(frozen=True)
class Problem:
    """One problem in the data, or one check that could not run.

    Attributes
    ----------
    file
        File name relative to the data directory (``figures.csv``), or a document text.
    row
        Row number (header = 1), a line number for encoding problems, or None for the
        whole file.
    field
        Column name, or None.
    problem
        What is wrong, with the offending value.
    fix
        How to fix it.
    """

    file: str
    row: int | None
    field: str | None
    problem: str
    fix: str

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready dict."""
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "problem": self.problem,
            "fix": self.fix,
        }


@dataclass
class Report:
    """The outcome of :func:`validate`.

    Attributes
    ----------
    data_dir, sources_dir
        Where the data and the documents' texts were looked up.
    errors
        Problems that make the data invalid.
    skipped
        Checks that were not run, each saying why; they do not make the data invalid but
        are never reported as passed.
    warnings
        What is allowed but not finished: each pending translation (a label, caveat, event,
        title, excerpt or explanation written in some languages only). ``--strict`` fails
        on them.
    pending
        The same pending translations, structured (:class:`tspolicy.translations.Pending`),
        for ``tspolicy i18n todo``.
    rows
        Rows checked, per table.
    """

    data_dir: Path
    sources_dir: Path
    errors: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no error was found (skipped checks aside)."""
        return not self.errors

    def error(self, file: str, row: int | None, fld: str | None, problem: str, fix: str) -> None:
        """Record an error."""
        self.errors.append(Problem(file, row, fld, problem, fix))

    def skip(self, file: str, row: int | None, fld: str | None, problem: str, fix: str) -> None:
        """Record a check that could not run."""
        self.skipped.append(Problem(file, row, fld, problem, fix))


@dataclass
class _Table:
    """A data table as read from disk: its header and its records, as strings."""

    name: str
    file: str
    fields: list[dict[str, Any]]
    header: list[str] | None = None
    records: list[list[str]] = field(default_factory=list)
    header_ok: bool = False
    bad_cells: set[tuple[int, str]] = field(default_factory=set)

    def rows(self) -> Iterable[tuple[int, dict[str, str]]]:
        """Yield (row number, record as dict) for records shaped like the header."""
        assert self.header is not None
        for i, record in enumerate(self.records, start=2):
            if len(record) == len(self.header) and any(record):
                yield i, dict(zip(self.header, record, strict=True))

    def good(self, row: int, name: str) -> bool:
        """True when the schema check found nothing wrong with this cell."""
        return (row, name) not in self.bad_cells


def validate(data_dir: str | Path | None = None, sources_dir: str | Path | None = None) -> Report:
    """Check the data package in ``data_dir`` against its schema and the curation rules.

    Parameters
    ----------
    data_dir
        Folder holding ``datapackage.json`` and its tables; default the repository's ``data/``.
    sources_dir
        Folder holding the documents' texts; default ``$TSPOLICY_SOURCES`` or
        ``../shared/sources``. Checks that need a text it does not hold are reported as
        skipped.

    Returns
    -------
    Report
        Every problem found and every check skipped.
    """
    report = Report(paths.data_dir(data_dir), paths.sources_dir(sources_dir))
    descriptor = _read_descriptor(report)
    if descriptor is None:
        return report
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    tables: dict[str, _Table] = {}
    for name in [*TABLES, *(n for n in resources if n not in TABLES)]:
        resource = resources.get(name)
        if resource is None:
            report.error(
                "datapackage.json",
                None,
                "resources",
                f"no resource named '{name}'",
                f"restore the '{name}' resource "
                f"(git checkout -- {shell_path(report.data_dir / 'datapackage.json')})",
            )
            continue
        if name != VOCABULARY and any(VOCABULARY_PROPERTY in f for f in _fields(resource)):
            resource = _with_vocabulary(report, resource, tables.get(VOCABULARY))
        table = _read_table(report, resource)
        if table is not None:
            tables[name] = table
            if table.header_ok:
                _check_schema(report, table, resource)
                report.rows[name] = sum(1 for _ in table.rows())
    _check_curation(report, tables)
    return report


# --------------------------------------------------------------------------- vocabulary


def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return resource.get("schema", {}).get("fields", [])


def _with_vocabulary(
    report: Report, resource: dict[str, Any], vocabulary: _Table | None
) -> dict[str, Any]:
    """The resource with its vocabulary fields' terms as their allowed values; unchanged
    (their values unchecked, said as skipped) when the vocabulary could not be read."""
    from .data import DataError, group_terms, with_vocabulary

    names = [f["name"] for f in _fields(resource) if VOCABULARY_PROPERTY in f]
    if vocabulary is None or not vocabulary.header_ok:
        report.skip(
            str(resource.get("path", resource["name"])),
            None,
            ", ".join(names),
            f"values of {', '.join(names)} not checked: {VOCABULARY_FILE} could not be read",
            f"fix {VOCABULARY_FILE} first",
        )
        return resource
    terms = group_terms([r for _, r in vocabulary.rows()])
    try:
        return with_vocabulary(resource, terms, VOCABULARY_FILE)
    except DataError:
        for fld in _fields(resource):
            name = fld.get(VOCABULARY_PROPERTY)
            if name is not None and not terms.get(str(name)):
                report.error(
                    VOCABULARY_FILE,
                    None,
                    "vocabulary",
                    f"no terms of the vocabulary '{name}', which "
                    f"{resource['name']}.{fld['name']} uses",
                    f"add its rows ({name},<term>,<meaning>), or correct the field's "
                    '"vocabulary" in datapackage.json',
                )
        return resource


# --------------------------------------------------------------------------- descriptor


def _read_descriptor(report: Report) -> dict[str, Any] | None:
    from frictionless import FrictionlessException, Package

    path = report.data_dir / "datapackage.json"
    where = "datapackage.json"
    if not report.data_dir.is_dir():
        report.error(
            str(report.data_dir),
            None,
            None,
            "data directory not found",
            "pass --data-dir pointing at the folder that holds datapackage.json",
        )
        return None
    if not path.is_file():
        report.error(
            where,
            None,
            None,
            "file not found: the data package descriptor is missing",
            f"restore it (git checkout -- {shell_path(path)}) or point --data-dir at "
            "the folder that holds it",
        )
        return None
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report.error(where, None, None, "not UTF-8 text", "re-save the file as UTF-8")
        return None
    except json.JSONDecodeError as exc:
        report.error(
            where,
            exc.lineno,
            None,
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "fix the JSON syntax at that place (a missing comma or quote, a trailing comma)",
        )
        return None
    from .data import DataError, descriptor_problem, resource_path

    problem = descriptor_problem(descriptor)
    if problem:
        report.error(
            where,
            None,
            None,
            f"not usable: {problem}",
            f"restore it (git checkout -- {shell_path(path)}) or fix that part",
        )
        return None
    for resource in descriptor.get("resources", []):
        try:
            resource_path(report.data_dir, resource)
        except DataError as exc:
            report.error(where, None, "path", str(exc), "keep the data files in the data folder")
            return None
    try:
        metadata_errors = list(Package.metadata_validate(descriptor))
    except FrictionlessException as exc:
        metadata_errors = [exc.error]
    for err in metadata_errors:
        report.error(
            where,
            None,
            None,
            f"not a valid Data Package descriptor: {err.note or err.message}",
            "see https://specs.frictionlessdata.io/data-package/ and fix the descriptor",
        )
    return None if metadata_errors else descriptor


# --------------------------------------------------------------------------- reading


def _read_table(report: Report, resource: dict[str, Any]) -> _Table | None:
    """Read one table's bytes, reporting file-level problems; None when it cannot be read."""
    from .data import DataError, resource_path

    file = str(resource.get("path", f"{resource['name']}.csv"))
    fields = resource.get("schema", {}).get("fields", [])
    try:
        path = resource_path(report.data_dir, resource)
    except DataError as exc:
        report.error(
            "datapackage.json", None, "path", str(exc), "keep the data files in the data folder"
        )
        return None
    table = _Table(resource["name"], file, fields)
    expected = [f["name"] for f in fields]
    if not path.is_file():
        report.error(
            file,
            None,
            None,
            "file not found",
            f"restore it (git checkout -- {shell_path(path)}) or create it with the header "
            f"{','.join(expected)}",
        )
        return None
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        report.error(
            file,
            None,
            None,
            f"file is {size / 1e6:.1f} MB; a data table may be at most "
            f"{MAX_TABLE_BYTES / 1e6:.1f} MB, so it was not read",
            "the tables hold hand-curated aggregates: check that the right file was saved "
            "here (a data dump or an export does not belong in the data folder)",
        )
        return None
    try:
        text, repaired = decode_table(path.read_bytes(), file, path)
    except TableFormatError as exc:
        report.error(file, exc.row, None, exc.problem, exc.fix)
        report.skip(
            file, None, None, "row checks skipped: the file cannot be read", "fix the file first"
        )
        return None
    for problem in repaired:
        report.error(file, problem.row, None, problem.problem, problem.fix)
    if not text.strip():
        report.error(
            file,
            None,
            None,
            "file is empty: it needs at least its header row",
            f"restore it from git, or write the header {','.join(expected)}",
        )
        return None
    try:
        records = parse_records(text, file)
    except TableFormatError as exc:
        report.error(file, exc.row, None, exc.problem, exc.fix)
        return None
    wrong = delimiter_problem(records[0], expected, file)
    if wrong:
        report.error(file, wrong.row, None, wrong.problem, wrong.fix)
        report.skip(
            file, None, None, "row checks skipped: the delimiter must be fixed first", wrong.fix
        )
        return None
    table.header, table.records = records[0], records[1:]
    table.header_ok = _check_header(report, table, expected)
    if not table.header_ok:
        report.skip(
            file,
            None,
            None,
            "row checks skipped: the header must be fixed first",
            "fix the header problems above, then validate again",
        )
    elif not table.records:
        report.error(
            file,
            None,
            None,
            "no data rows under the header",
            f"restore the rows from git (git checkout -- {shell_path(path)})",
        )
    return table


def _check_header(report: Report, table: _Table, expected: list[str]) -> bool:
    header = table.header or []
    ok = True
    seen: set[str] = set()
    for name in header:
        if name in seen:
            report.error(
                table.file, 1, name, f"column '{name}' appears twice", "remove one of them"
            )
            ok = False
        seen.add(name)
    for name in expected:
        if name not in header:
            report.error(
                table.file,
                1,
                name,
                f"column '{name}' is missing",
                f"add it to the header; the columns are, in order: {','.join(expected)}",
            )
            ok = False
    for name in header:
        if name not in expected:
            close = difflib.get_close_matches(name, expected, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            report.error(
                table.file,
                1,
                name,
                f"unknown column '{name}'{hint}",
                "remove it, or declare it in data/datapackage.json and data/README.md",
            )
            ok = False
    if ok and header != expected:
        report.error(
            table.file,
            1,
            None,
            "columns are out of order",
            f"order them as the data package declares: {','.join(expected)}",
        )
        ok = False
    return ok


# --------------------------------------------------------------------------- schema


def _check_schema(report: Report, table: _Table, resource: dict[str, Any]) -> None:
    """Run Frictionless's row checks on the table (foreign keys are checked by us)."""
    from frictionless import Checklist, Resource, Schema

    schema = {k: v for k, v in resource["schema"].items() if k != "foreignKeys"}
    assert table.header is not None
    frictionless_table = Resource(
        data=[table.header, *table.records], schema=Schema.from_descriptor(schema)
    )
    result = frictionless_table.validate(
        Checklist(skip_errors=["foreign-key"]), limit_errors=10_000
    )
    by_name = {f["name"]: f for f in table.fields}
    unique_rows = set()
    for task in result.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            name = getattr(err, "field_name", None) or None
            if err.type == "primary-key" and (
                row in unique_rows
                or _blank(table, row)
                or any(r == row for r, _ in table.bad_cells)
            ):
                continue  # already reported: a duplicate or empty id, or a blank row
            if err.type == "unique-error":
                unique_rows.add(row)
            if row is not None and name:
                table.bad_cells.add((row, name))
            if row is not None and err.type in {"missing-cell", "extra-cell", "blank-row"}:
                table.bad_cells |= {(row, f) for f in by_name}
            problem, fix = _explain(err, by_name.get(name or "", {}))
            report.error(table.file, row, name, problem, fix)
    # What Frictionless accepts but the loaders refuse (inf, NaN, future dates, NUL,
    # formulas): the same rules, worded by the function the loaders use.
    for row, record in table.rows():
        for fld in table.fields:
            if (row, fld["name"]) in table.bad_cells:
                continue
            problem = cell_problem(record[fld["name"]], fld)
            if problem:
                table.bad_cells.add((row, fld["name"]))
                report.error(table.file, row, fld["name"], *problem)


def _blank(table: _Table, row: int | None) -> bool:
    return row is not None and 2 <= row < len(table.records) + 2 and not any(table.records[row - 2])


_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)


def _explain(err: Any, fld: dict[str, Any]) -> tuple[str, str]:
    """Turn a Frictionless error into a (problem, fix) pair a curator can act on."""
    cell = getattr(err, "cell", None)
    if err.type in {"type-error", "constraint-error"} and isinstance(cell, str):
        worded = cell_problem(cell, fld)  # the loaders' wording of the same rule
        if worded:
            return worded
    name = fld.get("name", "")
    example = fld.get("example")
    eg = f", e.g. {example}" if example not in (None, "") else ""
    if err.type == "type-error":
        kind = fld.get("type", "value")
        fixes = {
            "number": "write a plain number in base units, with no spaces, commas or % sign "
            f"(73.3 million is 73300000){eg}",
            "integer": f"write a whole number{eg}",
            "boolean": "write true or false",
            "date": "write an ISO date, YYYY-MM-DD (e.g. 2024-06-24), or leave it empty",
        }
        return f"'{cell}' is not a valid {kind}", fixes.get(kind, f"write a valid {kind}{eg}")
    if err.type == "constraint-error":
        match = _CONSTRAINT.search(err.note or "")
        constraint, limit = match.groups() if match else ("", "")
        if constraint == "required":
            return f"{name} is empty but required", f"fill it in: {fld.get('description', '')}"
        if constraint == "enum":
            return f"'{cell}' is not an allowed {name}", enum_fix(fld)
        if constraint == "minimum" and name == "value":
            return (
                f"negative value {cell}: counts, shares and ranks cannot be below {limit}",
                "write the number as the document states it, without a sign",
            )
        if constraint in {"minimum", "maximum"}:
            word = "below the minimum" if constraint == "minimum" else "above the maximum"
            return f"{cell} is {word} {limit}", f"check the value{eg}"
        if constraint == "pattern":
            return (
                f"'{cell}' does not have the form a {name} must have",
                f"{fld.get('description', 'see data/README.md')}{eg}",
            )
        return f"'{cell}' breaks the constraint {constraint} = {limit}", f"check the value{eg}"
    if err.type == "unique-error":
        other = re.search(r"position (\d+)", err.note or "")
        where = f" (also in row {other.group(1)})" if other else ""
        return f"duplicate {name} '{cell}'{where}", f"give each row its own {name}"
    if err.type == "primary-key":
        return "the row's id is missing or repeated", "give each row its own id"
    if err.type == "missing-cell":
        return (
            "the row has fewer cells than the header",
            "add the missing cells; a value holding a comma must be in double quotes",
        )
    if err.type == "extra-cell":
        return (
            f"the row has more cells than the header (extra value '{cell}')",
            "put double quotes around any value that holds a comma",
        )
    if err.type == "blank-row":
        return "the row is empty", "delete the empty line"
    return err.message, "see data/README.md for the column's rules"


# --------------------------------------------------------------------------- curation rules


def _check_curation(report: Report, tables: dict[str, _Table]) -> None:
    ready = {name: t for name, t in tables.items() if t.header_ok}
    sources = ready.get("sources")
    metrics = ready.get("metrics")
    documents: dict[str, dict[str, str]] = {}
    if sources is not None:
        documents = {r["document_id"]: r for _, r in sources.rows()}
    texts = _document_texts(report, sources)
    origins = ready.get("origins")
    if sources is not None and origins is not None:
        known = {r["origin_id"] for _, r in origins.rows()}
        for row, record in sources.rows():
            _check_translations(report, sources, row, record, documents, "title")
            _check_undated(report, sources, row, record)
            if sources.good(row, "origin") and record["origin"] not in known:
                _unknown(
                    report,
                    sources,
                    row,
                    "origin",
                    "unknown origin",
                    record["origin"],
                    known,
                    "use an origin_id from origins.csv (what the document relays), or add "
                    "the investigation or report there first",
                )
    units = {r["metric"]: r["unit"] for _, r in metrics.rows()} if metrics else None
    if sources is None:
        for name in ("figures", "events"):
            if name in ready:
                report.skip(
                    ready[name].file,
                    None,
                    "document_id",
                    "document links and excerpts not checked: sources.csv could not be read",
                    "fix sources.csv first",
                )
    subjects = None
    if "subjects" in ready:
        subjects = {}
        for _, record in ready["subjects"].rows():
            subjects[record["subject"]] = {
                lang: record.get(f"label_{lang}", "").strip() for lang in LANGUAGES
            }
    _check_languages(report, ready, documents)
    if "figures" in ready:
        _check_figures(
            report, ready["figures"], documents if sources else None, units, texts, subjects
        )
    if "events" in ready:
        _check_events(report, ready["events"], documents if sources else None, texts)
    if "left_out" in ready:
        _check_left_out(report, ready["left_out"], documents if sources else None, texts)
    if "primary_checks" in ready:
        if "figures" in ready and "events" in ready:
            _check_primary_checks(
                report, ready["primary_checks"], ready["figures"], ready["events"]
            )
        else:
            report.skip(
                ready["primary_checks"].file,
                None,
                "claim",
                "claims not matched to figures and events: those tables could not be read",
                "fix figures.csv and events.csv first",
            )


def _check_languages(
    report: Report, ready: dict[str, _Table], documents: dict[str, dict[str, str]]
) -> None:
    """Each text written per language exists in one at least; the others are pending
    (a warning each, listed by ``tspolicy i18n todo``)."""
    for spec in TRANSLATED:
        table = ready.get(spec.table)
        if table is None:
            continue
        columns = list(spec.columns.values())
        for row, record in table.rows():
            if missing_everywhere(spec, record):
                report.error(
                    table.file,
                    row,
                    columns[0],
                    f"{spec.key} '{record.get(spec.key, '')}' has no {spec.what} in any language",
                    f"write its {spec.what} in at least one of {', '.join(columns)}; the others "
                    "may stay empty (pending) until a reader of that language writes them",
                )
    languages = {doc: r.get("language", "") for doc, r in documents.items()}
    report.pending = pending(
        {name: (tbl.file, list(tbl.rows())) for name, tbl in ready.items()}, languages
    )
    for p in report.pending:
        language = t(f"doclang.{p.lang}", "en")  # the message's language is English
        report.warnings.append(
            Problem(
                p.file,
                p.row,
                p.column,
                f"{p.what} of {p.key} pending in {language}: {language} pages say "
                "'translation pending'",
                f"a reader of {language} writes it in {p.column} (never a machine "
                "translation); `tspolicy i18n todo` lists every pending one",
            )
        )


def _check_undated(report: Report, table: _Table, row: int, record: dict[str, str]) -> None:
    """A document with no publication date says so in its note, and what can be inferred."""
    if record.get("published", "").strip() or not table.good(row, "note"):
        return
    if NO_DATE not in record.get("note", "").casefold():
        report.error(
            table.file,
            row,
            "note",
            "published is empty, but note does not say that the text gives no date",
            f"fill published with the date the text gives, or begin note with 'The text gives "
            f"{NO_DATE}.' and say what can be inferred (e.g. 'It reports the investigation of "
            "27 April 2023, so it dates from then or later.')",
        )


def _check_left_out(
    report: Report, table: _Table, documents: dict | None, texts: dict[str, str]
) -> None:
    """Each number left out names a document, and that document states the number."""
    for row, r in table.rows():
        if not _check_document_link(report, table, row, r, documents):
            continue
        value = r["value"].strip()
        doc = r["document_id"]
        if not value or not table.good(row, "value") or doc not in texts:
            continue
        if not numbers.states_value(texts[doc], float(value)) and not numbers.states_value(
            texts[doc], float(value), rank=True
        ):
            report.error(
                table.file,
                row,
                "value",
                f"{doc} does not state the number {value}",
                "remove the row (the text no longer states it), or correct the value",
            )


def _normalize(text: str) -> str:
    """Normalize for verbatim matching: Unicode NFC and runs of white space as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _document_texts(report: Report, sources: _Table | None) -> dict[str, str]:
    """Read each document's text, checking its sha256; report what cannot be checked."""
    texts: dict[str, str] = {}
    if sources is None:
        return texts
    if not report.sources_dir.is_dir():
        report.skip(
            str(report.sources_dir),
            None,
            None,
            "document texts not found, so the sha256 and verbatim-excerpt checks were skipped",
            f"put the texts there, or set {paths.SOURCES_ENV} to the folder that holds them",
        )
        return texts
    for row, record in sources.rows():
        doc, file = record["document_id"], record["file"]
        path = report.sources_dir / file
        if not file or not path.is_file():
            report.skip(
                sources.file,
                row,
                "file",
                f"text of {doc} not found at {path}: its sha256 and excerpts were not checked",
                f"put {file} in {report.sources_dir} or set {paths.SOURCES_ENV}",
            )
            continue
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if sources.good(row, "sha256") and digest != record["sha256"]:
            report.error(
                sources.file,
                row,
                "sha256",
                f"sha256 of {file} is {digest}, not the recorded {record['sha256'][:12]}…: "
                "the text changed",
                "if the document was replaced on purpose, re-check every excerpt of it and "
                f"record the new hash (sha256sum {path}); otherwise restore the original",
            )
        texts[doc] = _normalize(raw.decode("utf-8", errors="replace"))
    return texts


def _unknown(
    report: Report, table: _Table, row: int, fld: str, what: str, value: str, known, fix: str
) -> None:
    """Report an id that names nothing, suggesting the closest known one."""
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    report.error(table.file, row, fld, f"{what} '{value}'{hint}", fix)


def _check_document_link(
    report: Report, table: _Table, row: int, record: dict[str, str], documents: dict | None
) -> bool:
    doc = record["document_id"]
    if documents is None or not table.good(row, "document_id"):
        return False
    if doc not in documents:
        _unknown(
            report,
            table,
            row,
            "document_id",
            "unknown document",
            doc,
            documents,
            "use a document_id from sources.csv, or add the document there first",
        )
        return False
    return True


def _check_excerpt(
    report: Report, table: _Table, row: int, record: dict[str, str], texts: dict[str, str]
) -> None:
    excerpt = record["excerpt"]
    if len(excerpt) > MAX_EXCERPT_CHARS:
        report.error(
            table.file,
            row,
            "excerpt",
            f"excerpt is {len(excerpt)} characters; excerpts are short quotations "
            f"(at most {MAX_EXCERPT_CHARS})",
            "quote only the phrase that states the number or the event",
        )
    doc = record["document_id"]
    if doc not in texts:
        return  # reported once per document as skipped
    text, wanted = texts[doc], _normalize(excerpt)
    if wanted and wanted not in text:
        match = difflib.SequenceMatcher(None, wanted, text, autojunk=False).find_longest_match(
            0, len(wanted), 0, len(text)
        )
        found = wanted[match.a : match.a + match.size]
        hint = f"; the longest part found is “{found}”" if match.size >= 4 else ""
        report.error(
            table.file,
            row,
            "excerpt",
            f"excerpt not found verbatim in the text of {doc}{hint}",
            "copy the phrase exactly from the document: same spelling, punctuation, "
            "apostrophes (’ or ') and digits",
        )


def _check_figures(
    report: Report,
    table: _Table,
    documents: dict | None,
    units: dict[str, str] | None,
    texts: dict[str, str],
    subjects: dict[str, dict[str, str]] | None = None,
) -> None:
    if units is None:
        report.skip(
            table.file,
            None,
            "metric",
            "metric links and units not checked: metrics.csv could not be read",
            "fix metrics.csv first",
        )
    records = list(table.rows())
    ranked_subjects = {r["subject"] for _, r in records if r["unit"] == "rank"}
    for row, r in records:
        if _check_document_link(report, table, row, r, documents):
            _check_excerpt(report, table, row, r, texts)
            _check_translations(report, table, row, r, documents, "excerpt")
        metric, unit = r["metric"], r["unit"]
        if subjects is not None and table.good(row, "subject") and r["subject"] not in subjects:
            _unknown(
                report,
                table,
                row,
                "subject",
                "unknown subject",
                r["subject"],
                subjects,
                "use a subject from subjects.csv, or add it there with its name in the "
                "languages you write (the others are marked pending)",
            )
        if units is not None and table.good(row, "metric"):
            if metric not in units:
                _unknown(
                    report,
                    table,
                    row,
                    "metric",
                    "unknown metric",
                    metric,
                    units,
                    "use a metric from metrics.csv, or add it there with its unit, category, "
                    "definition, and its label and caveat in the languages you write (the "
                    "others are pending)",
                )
            elif table.good(row, "unit") and unit != units[metric]:
                report.error(
                    table.file,
                    row,
                    "unit",
                    f"unit '{unit}' differs from the unit of {metric}, '{units[metric]}'",
                    f"write {units[metric]}, and the value in that unit",
                )
        # An impossible month or day in the period: data.cell_problem, as the loaders say it.
        _check_context_from(report, table, row, r)
        if not (table.good(row, "value") and table.good(row, "unit")):
            continue
        if table.good(row, "qualifier") and not _check_vague(report, table, row, r):
            continue
        value = float(r["value"])
        if unit == "percent" and not 0 <= value <= 100:
            report.error(
                table.file,
                row,
                "value",
                f"a share of {r['value']} % is outside 0–100",
                "a share is a percentage of what the source counted: check the value, "
                "or the unit if this is a count",
            )
        if unit == "rank" and (value < 1 or value != int(value)):
            report.error(
                table.file,
                row,
                "value",
                f"rank {r['value']} is not a whole number from 1",
                "write the position: 1 for the most used, 2 for the next…",
            )
        if unit not in {SHARE_UNIT, RANK_UNIT} and value != int(value):
            report.error(
                table.file,
                row,
                "value",
                f"{r['value']} {unit} is not a whole number: values are in base units",
                "write the full number: 73.3 million is 73300000, 6,1 millions is 6100000",
            )
        if table.good(row, "excerpt"):
            _check_states_value(report, table, row, r, value, ranked_subjects)
        for lang in LANGUAGES:
            if r.get(f"excerpt_{lang}", "").strip():
                forms = _subject_forms(ranked_subjects, lang, subjects or {})
                _check_states_value(report, table, row, r, value, forms, f"excerpt_{lang}")


#: Columns saying where a figure's period and geography come from (document or primary source).
CONTEXT_FROM = {"period": "period_from", "geography": "geography_from"}


def _check_context_from(report: Report, table: _Table, row: int, r: dict[str, str]) -> None:
    """A filled period or geography says where it comes from; an empty one says nothing."""
    for name, origin in CONTEXT_FROM.items():
        if name not in r or origin not in r or not table.good(row, origin):
            continue
        value, source = r[name].strip(), r[origin].strip()
        if value and not source:
            report.error(
                table.file,
                row,
                origin,
                f"{name} '{value}' is filled but {origin} is empty",
                f"write document when the document states the {name}, primary_source when it "
                f"is taken from the primary source (and say so in note), or empty the {name}",
            )
        elif source and not value:
            report.error(
                table.file,
                row,
                origin,
                f"{origin} is '{source}' but {name} is empty",
                f"empty {origin}: it says where a {name} comes from, and there is none",
            )


def _check_vague(report: Report, table: _Table, row: int, r: dict[str, str]) -> bool:
    """A vague word has no value, and only it: True when the row has a number to check."""
    vague, value = r["qualifier"] == VAGUE, r["value"].strip()
    if vague and value:
        report.error(
            table.file,
            row,
            "value",
            f"value {value} given for a vague figure: a word such as 'hundreds' or "
            "'des millions' is not a number",
            "leave value empty; the excerpt keeps the word",
        )
    elif not vague and not value:
        report.error(
            table.file,
            row,
            "value",
            "value is empty but required",
            "write the number the document states, in base units; only a figure stated by "
            "a vague word ('hundreds', 'الملايين') has no value, with qualifier vague",
        )
    elif vague and table.good(row, "excerpt") and not numbers.vague_words(r["excerpt"]):
        report.error(
            table.file,
            row,
            "excerpt",
            "qualifier vague, but the excerpt holds no vague word ('hundreds', 'des "
            "milliers', 'الملايين'…)",
            "quote the phrase with the word, or write the number the document states",
        )
    return not vague and bool(value)


def _check_states_value(
    report: Report,
    table: _Table,
    row: int,
    r: dict[str, str],
    value: float,
    ranked_subjects: set[str] | dict[str, str],
    column: str = "excerpt",
) -> None:
    """Check that ``r[column]`` (the excerpt, or a translation of it) states the value.

    ``ranked_subjects``: the subjects that have ranks, or a mapping from the ways they are
    written in the text to the subject (for a translation, their names in its language).
    """
    excerpt = r[column]
    what = "the excerpt" if column == "excerpt" else f"{column} (a translation)"
    if r["unit"] == "rank":
        forms = (
            ranked_subjects
            if isinstance(ranked_subjects, dict)
            else {subject: subject for subject in ranked_subjects}
        )
        positions = {
            numbers.position_in_order(excerpt, form, forms)
            for form, subject in forms.items()
            if subject == r["subject"]
        }
        position = value if value in positions else None
        if numbers.states_value(excerpt, value, rank=True) or position == value:
            return
        report.error(
            table.file,
            row,
            column,
            f"{what} does not state rank {r['value']} of {r['subject']}",
            "quote the phrase with the ordinal ('second', 'المرتبة الثانية'), the superlative "
            "('the most used') or the list that gives the order",
        )
        return
    if not numbers.states_value(excerpt, value):
        report.error(
            table.file,
            row,
            column,
            f"{what} does not contain the number {r['value']} "
            "(in any digit script, grouping or wording)",
            "quote the phrase that states the number, or correct the value "
            "(values are in base units: '73,3 millions' is 73300000)",
        )


def _subject_forms(
    subjects: set[str], lang: str, names: dict[str, dict[str, str]]
) -> dict[str, str]:
    """How the subjects may be written in a translation into ``lang``: their keys and their
    names in that language from subjects.csv (form → subject)."""
    forms = {subject: subject for subject in subjects}
    forms.update({names[s][lang]: s for s in subjects if names.get(s, {}).get(lang)})
    return forms


def _check_translations(
    report: Report, table: _Table, row: int, r: dict[str, str], documents: dict | None, field: str
) -> None:
    """A translation column is empty in the document's own language (the original is the
    text), and a translation of an excerpt keeps its number or its vague word."""
    own = (documents or {}).get(r["document_id"], {}).get("language")
    for lang in LANGUAGES:
        column = f"{field}_{lang}"
        if column not in r or not r[column].strip():
            continue
        if lang == own:
            report.error(
                table.file,
                row,
                column,
                f"{column} is filled, but the document is in {lang}: its {field} is the "
                "original and needs no translation",
                f"leave {column} empty",
            )
        elif r.get("qualifier") == VAGUE and not numbers.vague_words(r[column]):
            report.error(
                table.file,
                row,
                column,
                f"the excerpt states no number (qualifier vague), but {column} holds no vague word",
                "translate the word as a word ('hundreds', 'des centaines', 'مئات'), never as "
                "a number",
            )


_DATE_FORMS = {"year": r"\d{4}", "month": r"\d{4}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}"}


def _check_events(
    report: Report, table: _Table, documents: dict | None, texts: dict[str, str]
) -> None:
    for row, r in table.rows():
        if _check_document_link(report, table, row, r, documents):
            _check_excerpt(report, table, row, r, texts)
            _check_translations(report, table, row, r, documents, "excerpt")
        date, precision = r["date"], r["date_precision"]
        if (
            table.good(row, "date")
            and table.good(row, "date_precision")
            and precision in _DATE_FORMS  # another is refused by the vocabulary
            and not re.fullmatch(_DATE_FORMS[precision], date)
        ):
            report.error(
                table.file,
                row,
                "date",
                f"date '{date}' does not have the form of precision '{precision}'",
                "write YYYY for year, YYYY-MM for month, YYYY-MM-DD for day, "
                "or change date_precision",
            )
        inferred = r["date_inferred"] == "true"
        if table.good(row, "date_inferred") and inferred and not r["note"].strip():
            report.error(
                table.file,
                row,
                "note",
                "the date is inferred but the note does not say how",
                "say in note what the date was inferred from",
            )
        if (
            table.good(row, "date_inferred")
            and table.good(row, "date")
            and not inferred
            and not numbers.states_value(r["excerpt"], float(date[:4]))
        ):
            report.error(
                table.file,
                row,
                "excerpt",
                f"the excerpt does not state the year {date[:4]}",
                "quote the phrase that gives the date, or set date_inferred to true and say "
                "in note how the date was inferred",
            )


def _plain(number: float) -> str:
    """A number as a message writes it: 100,000 or 0.1."""
    return f"{number:,.0f}" if number >= 1 else f"{number:g}"


def _check_primary_checks(report: Report, table: _Table, figures: _Table, events: _Table) -> None:
    """Each figure claim has one check; each check names a known claim; verdicts hold."""
    import pandas as pd

    from .corroborate import EVENT_PREFIX, Interval, claim_keys

    mentions = pd.DataFrame([r for _, r in figures.rows()])
    if mentions.empty:
        return
    mentions["claim"] = claim_keys(mentions)
    by_claim = {claim: group for claim, group in mentions.groupby("claim", sort=True)}
    event_dates = {r["event_id"]: r["date"] for _, r in events.rows()}
    checked: set[str] = set()
    for row, r in table.rows():
        claim, verdict, value = r["claim"], r["verdict"], r["primary_value"].strip()
        checked.add(claim)
        is_event = claim.startswith(EVENT_PREFIX)
        if is_event and claim[len(EVENT_PREFIX) :] not in event_dates:
            report.error(
                table.file,
                row,
                "claim",
                f"no event {claim[len(EVENT_PREFIX) :]} in events.csv",
                "name an event_id from events.csv after 'event|'",
            )
            continue
        if not is_event and claim not in by_claim:
            _unknown(
                report,
                table,
                row,
                "claim",
                "no figure makes the claim",
                claim,
                by_claim,
                "use a claim key as `tspolicy corroborate` prints it: metric|subject|period",
            )
            continue
        if not table.good(row, "verdict") or verdict == "unverified":
            continue
        if not r["primary_source"].strip():
            report.error(
                table.file,
                row,
                "primary_source",
                f"verdict '{verdict}' but no primary source is named",
                "name the source the figure was checked against, or write unverified",
            )
        mentions_here = [] if is_event else list(by_claim[claim]["qualifier"])
        if (
            mentions_here
            and all(q == VAGUE for q in mentions_here)
            and (verdict in VERDICTS_WITH_VALUE or value)
        ):
            report.error(
                table.file,
                row,
                "verdict" if verdict in VERDICTS_WITH_VALUE else "primary_value",
                f"the documents state no number for this claim (qualifier vague), so there "
                f"is no value to check: verdict '{verdict}', primary_value '{value}'",
                "leave primary_value empty; use differs_in_definition or unverified and say "
                "what the source's words are",
            )
            continue
        if verdict in VERDICTS_WITH_VALUE and not value:
            report.error(
                table.file,
                row,
                "primary_value",
                f"verdict '{verdict}' but the value at the source is empty",
                "write the value the source gives, in the figure's base units",
            )
            continue
        if verdict != "matches" or not value:
            continue
        if is_event:
            date = event_dates[claim[len(EVENT_PREFIX) :]]
            if not value.startswith(date):
                report.error(
                    table.file,
                    row,
                    "verdict",
                    f"'matches' but the source's date {value} is not the event's date {date}",
                    "use differs_in_date, or correct the date",
                )
            continue
        try:
            number = float(value)
        except ValueError:
            report.error(
                table.file,
                row,
                "primary_value",
                f"'{value}' is not a number",
                "write the source's value as a plain number in base units",
            )
            continue
        group = by_claim[claim]
        for value_text, qualifier, excerpt in zip(
            group["value"], group["qualifier"], group["excerpt"], strict=True
        ):
            if qualifier == VAGUE:
                continue
            # Compared at the precision of the document's wording: "36.2 million" is true
            # of 36,150,000 to 36,249,999.
            step = stated_step(excerpt, float(value_text))
            statement = Interval.of(float(value_text), qualifier, step)
            if statement.meet(Interval.of(number, "exact")) is None:
                stated = (
                    f", stated to the nearest {_plain(step)} ('{excerpt}')"
                    if step and step != 1 and qualifier == "exact"
                    else ""
                )
                report.error(
                    table.file,
                    row,
                    "verdict",
                    f"'matches' but the source's {value} does not fit the documents' "
                    f"'{qualifier} {value_text}'{stated}",
                    "use differs_in_value and explain, or correct primary_value",
                )
                break
    for claim in sorted(set(by_claim) - checked):
        ids = ", ".join(sorted(by_claim[claim]["figure_id"]))
        report.error(
            table.file,
            None,
            "claim",
            f"claim '{claim}' ({ids}) has no primary-source check",
            "add a row for it; write verdict unverified, with what was looked for, when "
            "nothing was found (never guess)",
        )
