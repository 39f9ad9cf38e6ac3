"""``tspolicy add-document``: add a document and its figures in minutes.

Two steps, with a person's judgement between them (data/README.md, "Adding a document"):

1. :func:`add_document` pins the text (SHA-256), writes its ``sources.csv`` row with what
   the tool cannot know left empty and named, and writes ``data/candidates/<id>.csv``: one
   candidate per number, number word, vague word, rank in words, year and date the text
   states (:mod:`tspolicy.candidates`).
2. The curator edits the candidates — ``accept`` yes or no, a ``reason`` for each no, the
   figure's metric, subject and primary source, the event's wording, the primary check —
   and :func:`accept` moves them into the dataset: accepted figures into ``figures.csv``,
   events into ``events.csv``, each new claim's primary check into ``primary_checks.csv``
   (``unverified`` unless the curator gives a verdict), rejected candidates with their
   reason into ``left_out.csv``, new subjects into ``subjects.csv``. Ids continue the
   existing series (F039, E010, L006…).

``accept`` refuses the curator's input when it is incomplete or when the new rows would
break a curation rule, naming the candidates file, row, field and fix, and then writes
nothing. Otherwise it replaces each table at once (a temporary file renamed over it, so no
table is ever half-written), removes the candidates file, and runs the validator: problems
left elsewhere (a ``sources.csv`` field still to fill, translations pending) are reported,
the accepted rows stay, and the command exits 1 until ``tspolicy validate`` passes.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import candidates, output, paths
from .data import DataError, decode_table, delimiter_problem, parse_records, shell_path
from .errors import TspolicyError, echo
from .i18n import LANGUAGES
from .validate import Problem, Report, validate

#: Where candidates files live, under the data folder.
CANDIDATES_DIR = "candidates"
#: Accepted spellings of the curator's decision.
YES = frozenset({"yes", "y", "true", "1", "oui", "نعم"})
NO = frozenset({"no", "n", "false", "0", "non", "لا"})
#: The sources.csv fields add-document cannot know; the curator fills them.
TO_FILL = {
    "outlet": "the publisher as the text names it, else a description",
    "kind": "one of: {kinds}",
    "published": "the ISO date the text gives; if none, leave it empty and begin note with "
    "'The text gives no date.'",
    "covers": "the investigation, report or event the document reports on",
    "origin": "the origin_id (origins.csv) of what the document relays; add the origin there "
    "if it is new",
    "note": "dating, authorship, translation quality, what was left out",
}
#: Translation columns: pending until a reader of the language writes them (not the
#: curator's input errors).
_TRANSLATION = re.compile(r"_(?:en|fr|ar)$")


class AcceptError(TspolicyError):
    """The curator's candidates cannot be accepted; :attr:`problems` names each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        super().__init__(
            f"{first.file}, row {first.row}, field {first.field}: {first.problem}; {first.fix}"
            + (f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else "")
        )


@dataclass
class Added:
    """What :func:`add_document` did."""

    document_id: str
    candidates_file: Path
    counts: dict[str, int]
    to_fill: dict[str, str]
    source_row: int
    messages: list[str] = field(default_factory=list)


@dataclass
class Accepted:
    """What :func:`accept` wrote, and the validator's report on the result."""

    written: dict[str, list[str]]
    report: Report
    messages: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- tables


def _read_table(path: Path) -> list[list[str]]:
    file = path.name
    text, _ = decode_table(path.read_bytes(), file, path)
    return parse_records(text, file) if text.strip() else []


def _to_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _write_all(files: dict[Path, str]) -> None:
    """Write each file through a temporary file renamed over it: no file is half-written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            staged.append((Path(temp), path))
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(data_dir: str | Path | None) -> Iterator[Path]:
    """The data folder, checked to be one, its lock (``.<folder>.lock`` beside it) held while
    the tables change: two add-document commands never interleave their writes."""
    data = paths.data_dir(data_dir)
    if not (data / "datapackage.json").is_file():
        raise TspolicyError(
            f"--data-dir {data}: not a data folder (no datapackage.json); pass the folder "
            "that holds the data package (default: data/)"
        )
    with output.holding(
        data.parent / f".{data.name}.lock",
        busy=lambda holder: TspolicyError(
            f"{data}: another add-document (process {holder}) is writing the tables; run "
            "the command again when it has finished"
        ),
    ):
        yield data


def _next_id(ids: list[str], prefix: str) -> tuple[int, int]:
    """The next number of an id series (F038 → 39) and its width (3 digits or more)."""
    numbers = [int(i[len(prefix) :]) for i in ids if re.fullmatch(rf"{prefix}\d+", i)]
    width = max([3, *(len(i) - len(prefix) for i in ids if i.startswith(prefix))])
    return (max(numbers, default=0) + 1), width


def _document_id_pattern(data_dir: Path) -> str:
    from .data import resource_descriptor

    fields = resource_descriptor("sources", data_dir)["schema"]["fields"]
    return next(f for f in fields if f["name"] == "document_id")["constraints"]["pattern"]


# --------------------------------------------------------------------------- step 1


def add_document(
    path: str | Path,
    lang: str,
    document_id: str,
    *,
    data_dir: str | Path | None = None,
    sources_dir: str | Path | None = None,
    force: bool = False,
) -> Added:
    """Pin a document's text, write its sources.csv row and its candidates file.

    Parameters
    ----------
    path
        The text (UTF-8). When it is not in the sources folder it is copied there.
    lang
        Its language: ``en``, ``fr`` or ``ar``.
    document_id
        Its id in sources.csv (lower-case words joined by hyphens: ``en-wire-example``).
    data_dir, sources_dir
        The data folder and the folder of the documents' texts (defaults as ``validate``).
    force
        Overwrite a candidates file that differs from what would be written (a curator's
        edits), and re-pin a document whose text changed.

    Raises
    ------
    TspolicyError
        For bad input, naming what to fix; nothing is written then.
    """
    with _locked(data_dir) as data:
        return _add_document(
            path, lang, document_id, data=data, sources_dir=sources_dir, force=force
        )


def _check_writable(texts: Path, name: str, reason: str | None = None) -> None:
    """Refuse a sources folder the text cannot be copied to (before anything is written;
    ``reason``: the copy failed, so refuse in any case)."""
    folder = texts
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # created by the copy: its nearest existing parent must be writable
    # A folder nobody may write (r-x: ../shared/sources) is read-only even to root, whom
    # os.access lets write anywhere.
    if (
        reason is None
        and folder.is_dir()
        and folder.stat().st_mode & 0o222
        and os.access(folder, os.W_OK | os.X_OK)
    ):
        return
    raise TspolicyError(
        f"{texts}: cannot copy {name} there ({reason or 'not a writable folder'}; the default "
        "folder of the documents' texts, ../shared/sources, holds the project's read-only "
        "texts); pass "
        f"--sources-dir DIR or set {paths.SOURCES_ENV}=DIR to a folder of your own holding a "
        f"copy of those texts, and ask the maintainers to add {name} to the shared texts"
    )


def _add_document(
    path: str | Path,
    lang: str,
    document_id: str,
    *,
    data: Path,
    sources_dir: str | Path | None,
    force: bool,
) -> Added:
    texts = paths.sources_dir(sources_dir)
    if lang not in LANGUAGES:
        raise TspolicyError(f"--lang {echo(lang)}: write one of {', '.join(LANGUAGES)}")
    if not re.fullmatch(_document_id_pattern(data), document_id):
        raise TspolicyError(
            f"--id {echo(document_id)}: a document id is lower-case words and digits joined by "
            "hyphens: language, kind, subject (e.g. en-wire-ncmec-2024)"
        )
    source = Path(path)
    if not source.is_file():
        raise TspolicyError(f"{source}: no such file; give the path of the document's text")
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TspolicyError(
            f"{source}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at {exc.start}); save it "
            "as UTF-8"
        ) from None
    if not text.strip():
        raise TspolicyError(f"{source}: the file is empty")
    digest = hashlib.sha256(raw).hexdigest()
    messages: list[str] = []
    target = texts / source.name
    copy = not (target.exists() and target.resolve() == source.resolve())
    if copy and target.exists() and target.read_bytes() != raw:
        raise TspolicyError(
            f"{target}: another text of that name is already in the sources folder; rename "
            f"{source.name} and run the command again"
        )
    if copy:
        _check_writable(texts, source.name)

    sources_path = data / "sources.csv"
    rows = _read_table(sources_path)
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    existing = [i for i, r in enumerate(rows[1:], start=1) if r[col["document_id"]] == document_id]
    for i, r in enumerate(rows[1:], start=2):
        if r[col["sha256"]] == digest and r[col["document_id"]] != document_id:
            raise TspolicyError(
                f"{source}: this text is already document {r[col['document_id']]} "
                f"(sources.csv, row {i}); a document is added once"
            )
    vocab = candidates.vocabulary(data)
    to_fill = {k: v.format(kinds=", ".join(vocab["kind"])) for k, v in TO_FILL.items()}
    if existing:
        index = existing[0]
        row = rows[index]
        if (row[col["file"]], row[col["sha256"]]) != (source.name, digest):
            if not force:
                raise TspolicyError(
                    f"sources.csv, row {index + 1}: {document_id} is already pinned to "
                    f"{row[col['file']]} (sha256 {row[col['sha256']][:12]}…), not to this text; "
                    "pass --force to pin it to this text (re-check every excerpt of it), or "
                    "choose another --id"
                )
            row[col["file"]], row[col["sha256"]] = source.name, digest
            messages.append(f"sources.csv, row {index + 1}: re-pinned to {source.name}")
        else:
            messages.append(f"sources.csv, row {index + 1}: {document_id} kept as it is")
        to_fill = {k: v for k, v in to_fill.items() if not row[col[k]].strip()}
        if not row[col["published"]].strip() and "no date" in row[col["note"]].casefold():
            to_fill.pop("published", None)
    else:
        title = next(line.strip() for line in text.splitlines() if line.strip())
        row = dict.fromkeys(header, "")
        row.update(
            document_id=document_id,
            title=title[:300],
            language=lang,
            file=source.name,
            sha256=digest,
        )
        rows.append([row[h] for h in header])
        index = len(rows) - 1
        to_fill = {
            "title": "check it: the tool took the text's first line",
            **to_fill,
        }
        messages.append(f"sources.csv, row {index + 1}: {document_id} added")
    others = [lg for lg in LANGUAGES if lg != lang]
    to_fill.setdefault(
        "title_" + "/".join(others),
        "the title's translations, when a reader of each language writes them (pending until then)",
    )

    found = candidates.candidate_rows(text, lang, data, document_id)
    content = candidates.to_csv(found)
    out = data / CANDIDATES_DIR / f"{document_id}.csv"
    if out.exists():
        if out.read_text(encoding="utf-8") == content:
            messages.append(f"{out}: unchanged")
        elif not force:
            raise TspolicyError(
                f"{out}: already exists and differs from what add-document writes (a curator's "
                "edits?); accept it with `tspolicy add-document --accept "
                f"{document_id}`, move it away, or pass --force to overwrite it"
            )
    if copy:
        try:
            texts.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as exc:
            _check_writable(texts, source.name, exc.strerror)
            raise
        messages.append(f"copied the text to {target}")
    _write_all({sources_path: _to_text(rows), out: content})
    counts = {kind: sum(1 for r in found if r["kind"] == kind) for kind in candidates.KINDS}
    counts["vague"] = sum(1 for r in found if r["qualifier"] == "vague")
    counts["rank"] = sum(1 for r in found if r["unit"] == "rank")
    counts["known"] = sum(1 for r in found if "known:" in r["hint"])
    return Added(document_id, out, counts, to_fill, index + 1, messages)


# --------------------------------------------------------------------------- step 2


@dataclass
class _Tables:
    """The dataset's tables as rows of strings, header first, read once."""

    data: Path
    rows: dict[str, list[list[str]]]

    @classmethod
    def read(cls, data: Path) -> _Tables:
        names = ("sources", "figures", "events", "primary_checks", "left_out", "subjects")
        return cls(
            data,
            {n: _read_table(data / f"{n}.csv") for n in names}
            | {"metrics": _read_table(data / "metrics.csv")},
        )

    def header(self, name: str) -> list[str]:
        return self.rows[name][0]

    def records(self, name: str) -> list[dict[str, str]]:
        header = self.header(name)
        return [dict(zip(header, r, strict=False)) for r in self.rows[name][1:]]

    def append(self, name: str, record: dict[str, str]) -> int:
        """Append a record; return its spreadsheet row number (header = 1)."""
        self.rows[name].append([record.get(h, "") for h in self.header(name)])
        return len(self.rows[name])


def _candidates_file(data: Path, document_id: str) -> Path:
    return data / CANDIDATES_DIR / f"{document_id}.csv"


def _read_candidates(path: Path, rel: str) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise TspolicyError(
            f"{path}: no candidates file; write it with `tspolicy add-document PATH --lang "
            f"LANG --id {path.stem}`"
        )
    try:
        text, _ = decode_table(path.read_bytes(), rel, path)  # a spreadsheet's BOM/CRLF: fine
        records = parse_records(text, rel) if text.strip() else []
    except DataError as exc:
        raise TspolicyError(str(exc)) from None
    if not records:
        raise TspolicyError(f"{rel}: empty; write it again with add-document --force")
    header = records[0]
    wrong = delimiter_problem(header, list(candidates.COLUMNS), rel)
    if wrong:
        raise AcceptError([Problem(rel, 1, None, wrong.problem, wrong.fix)])
    missing = [c for c in candidates.COLUMNS if c not in header]
    if missing:
        raise AcceptError(
            [
                Problem(
                    rel,
                    1,
                    missing[0],
                    f"column(s) missing: {', '.join(missing)}",
                    "restore the header (a spreadsheet may keep extra columns, never drop "
                    f"these): {','.join(candidates.COLUMNS)}",
                )
            ]
        )
    out = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise AcceptError(
                [
                    Problem(
                        rel,
                        number,
                        None,
                        f"the row has {len(record)} cells, the header {len(header)}",
                        "put double quotes around any value that holds a comma",
                    )
                ]
            )
        out.append((number, {h: cell.strip() for h, cell in zip(header, record, strict=True)}))
    return out


def _number(text: str) -> float | None:
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    return float(text)


def accept(
    document_id: str,
    *,
    data_dir: str | Path | None = None,
    sources_dir: str | Path | None = None,
) -> Accepted:
    """Move the curated candidates of ``document_id`` into the dataset and validate it.

    Raises
    ------
    AcceptError
        When a candidate cannot be accepted as written (each problem names the candidates
        file, row, field and fix); nothing is written then.
    """
    with _locked(data_dir) as data:
        return _accept(document_id, data, sources_dir)


def _accept(document_id: str, data: Path, sources_dir: str | Path | None) -> Accepted:
    path = _candidates_file(data, document_id)
    rel = f"{CANDIDATES_DIR}/{path.name}"
    rows = _read_candidates(path, rel)
    tables = _Tables.read(data)
    if document_id not in {r["document_id"] for r in tables.records("sources")}:
        raise TspolicyError(
            f"sources.csv has no document {document_id}; run `tspolicy add-document PATH "
            f"--lang LANG --id {document_id}` first"
        )
    vocab = candidates.vocabulary(data)
    metric_units = {r["metric"]: r["unit"] for r in tables.records("metrics")}
    subjects = {r["subject"] for r in tables.records("subjects")}
    problems: list[Problem] = []

    def bad(row: int, name: str, problem: str, fix: str) -> None:
        problems.append(Problem(rel, row, name, problem, fix))

    figures_new: list[tuple[int, dict[str, str], dict[str, str]]] = []
    events_new: list[tuple[int, dict[str, str], dict[str, str]]] = []
    rejected: list[tuple[int, dict[str, str]]] = []
    for number, c in rows:
        decision = c["accept"].casefold()
        if decision not in YES | NO:
            bad(
                number,
                "accept",
                f"accept is {echo(c['accept']) if c['accept'] else 'empty'}",
                "write yes to move the candidate into the data, or no with a reason",
            )
            continue
        if decision in NO:
            if not c["reason"]:
                bad(
                    number,
                    "reason",
                    f"{c['candidate'] or 'the candidate'} is rejected without a reason",
                    "say why it is not a figure or an event (an identifier, a dateline, a "
                    "personal detail of a victim's story: say only that), kept in left_out.csv",
                )
            elif c["value"] and _number(c["value"]) is None:
                bad(
                    number,
                    "value",
                    f"{echo(c['value'])} is not a plain number",
                    "write it in base units with the digits 0-9 (73.3 million is 73300000)",
                )
            else:
                rejected.append((number, c))
            continue
        if c["kind"] == "figure":
            figures_new.append((number, c, _figure(number, c, vocab, metric_units, bad)))
        elif c["kind"] == "event":
            events_new.append((number, c, _event(number, c, bad)))
        else:
            bad(
                number,
                "kind",
                f"kind {echo(c['kind'])} is not figure or event",
                "write figure (a number, vague word or rank) or event (a date)",
            )
        if c["check_verdict"] and c["check_verdict"] not in vocab["verdict"]:
            bad(
                number,
                "check_verdict",
                f"{echo(c['check_verdict'])} is not a verdict",
                f"use one of: {', '.join(vocab['verdict'])}; empty means unverified",
            )
    if problems:
        raise AcceptError(problems)

    # Ids, rows and checks.
    written: dict[str, list[str]] = {}
    messages: list[str] = []
    origin_rows: dict[tuple[str, int], tuple[int, str]] = {}  # (table, row) → (cand. row, kind)
    fig_next, fig_width = _next_id([r["figure_id"] for r in tables.records("figures")], "F")
    for i, (number, _c, record) in enumerate(figures_new):
        record["figure_id"] = f"F{fig_next + i:0{fig_width}d}"
        record["document_id"] = document_id
        if record["subject"] not in subjects:
            subjects.add(record["subject"])
            row = tables.append(
                "subjects", {"subject": record["subject"], "label_en": record["subject"]}
            )
            origin_rows[("subjects.csv", row)] = (number, "subject")
            messages.append(
                f"subjects.csv: added {record['subject']} with its English name (its French "
                "and Arabic names are pending until a reader writes them)"
            )
        row = tables.append("figures", record)
        origin_rows[("figures.csv", row)] = (number, "figure")
        written.setdefault("figures.csv", []).append(record["figure_id"])
    ev_next, ev_width = _next_id([r["event_id"] for r in tables.records("events")], "E")
    for i, (number, _c, record) in enumerate(events_new):
        record["event_id"] = f"E{ev_next + i:0{ev_width}d}"
        record["document_id"] = document_id
        row = tables.append("events", record)
        origin_rows[("events.csv", row)] = (number, "event")
        written.setdefault("events.csv", []).append(record["event_id"])
    _add_checks(tables, figures_new, events_new, origin_rows, written, messages, bad)
    lo_next, lo_width = _next_id([r["left_out_id"] for r in tables.records("left_out")], "L")
    for i, (number, c) in enumerate(rejected):
        record = {
            "left_out_id": f"L{lo_next + i:0{lo_width}d}",
            "document_id": document_id,
            "value": c["value"],
            "unit": c["unit"],
            "reason": c["reason"],
        }
        row = tables.append("left_out", record)
        origin_rows[("left_out.csv", row)] = (number, "reason")
        written.setdefault("left_out.csv", []).append(record["left_out_id"])
    if problems:
        raise AcceptError(problems)

    files = {
        data / f"{name}.csv": _to_text(tables.rows[name])
        for name in ("figures", "events", "primary_checks", "left_out", "subjects")
    }
    # The new rows must keep the curation rules: try them in a scratch copy first.
    problems = _trial(data, files, sources_dir, origin_rows, rel)
    if problems:
        raise AcceptError(problems)
    _write_all(files)
    path.unlink()
    messages.append(f"removed {rel}: its rows are in the tables now")
    with contextlib.suppress(OSError):  # not empty: other documents' candidates wait there
        path.parent.rmdir()
    return Accepted(written, validate(data, sources_dir), messages)


def _figure(number, c, vocab, metric_units, bad) -> dict[str, str]:
    """A figures.csv record from an accepted candidate (problems reported through ``bad``)."""
    for name, fix in (
        ("metric", "name what is counted: a metric of metrics.csv"),
        ("subject", "name the platform, organisation or country the number is about, in English"),
        ("excerpt", "copy the shortest phrase of the document that states the number"),
        ("qualifier", f"use one of: {', '.join(vocab['qualifier'])}"),
    ):
        if not c[name]:
            bad(number, name, f"{name} is empty but required for a figure", fix)
    metric, unit = c["metric"], c["unit"]
    if metric and metric not in metric_units:
        bad(
            number,
            "metric",
            f"unknown metric {echo(metric)}",
            "use a metric of metrics.csv, or add it there first with its unit, English label, "
            "definition and caveat (see data/README.md)",
        )
    elif metric:
        if unit and unit != metric_units[metric]:
            bad(
                number,
                "unit",
                f"unit {unit} is not the unit of {metric} ({metric_units[metric]})",
                f"write {metric_units[metric]}, or choose the metric that counts {unit}",
            )
        unit = metric_units[metric]
    if c["qualifier"] and c["qualifier"] not in vocab["qualifier"]:
        bad(
            number,
            "qualifier",
            f"{echo(c['qualifier'])} is not a qualifier",
            f"use one of: {', '.join(vocab['qualifier'])}",
        )
    vague = c["qualifier"] == "vague"
    if vague and c["value"]:
        bad(
            number,
            "value",
            "a vague word has no value",
            "empty value: the excerpt keeps the word ('hundreds', 'des millions')",
        )
    elif not vague and _number(c["value"]) is None:
        bad(
            number,
            "value",
            f"value {echo(c['value']) if c['value'] else 'is empty'}: not a plain number",
            "write the number in base units with the digits 0-9 (73.3 million is 73300000; a "
            "rank as its position); qualifier vague for a word with no number",
        )
    return {
        "metric": metric,
        "subject": c["subject"],
        "value": c["value"],
        "unit": unit,
        "qualifier": c["qualifier"],
        "period": c["period"],
        "geography": c["geography"],
        "period_from": c["period_from"] or ("document" if c["period"] else ""),
        "geography_from": c["geography_from"] or ("document" if c["geography"] else ""),
        "primary_source": c["primary_source"],
        "excerpt": c["excerpt"],
        "note": c["note"],
    }


def _event(number, c, bad) -> dict[str, str]:
    """An events.csv record from an accepted candidate."""
    date, precision = c["date"], c["date_precision"]
    if date.startswith("--"):
        bad(
            number,
            "date",
            f"date {date} has no year",
            f"write the year (YYYY{date[1:]}), date_inferred true, and say in note how it was "
            "inferred",
        )
    elif not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        bad(
            number,
            "date",
            f"date {echo(date) if date else 'is empty'}",
            "write the date at the precision the text gives: 2016, 2024-05 or 2025-06-12",
        )
    else:
        precision = precision or {4: "year", 7: "month", 10: "day"}[len(date)]
    inferred = c["date_inferred"].casefold() or "false"
    if inferred not in {"true", "false"}:
        bad(
            number,
            "date_inferred",
            f"{echo(c['date_inferred'])} is not true or false",
            "write true when part of the date is not in the text, else false",
        )
    elif inferred == "true" and not c["note"]:
        bad(
            number,
            "note",
            "the date is inferred but note does not say how",
            "say in note what the date was inferred from",
        )
    for name, fix in (
        ("event", "say what happened, in English, neutral wording"),
        ("excerpt", "copy the shortest phrase of the document that states the event"),
    ):
        if not c[name]:
            bad(number, name, f"{name} is empty but required for an event", fix)
    return {
        "date": date,
        "date_precision": precision,
        "date_inferred": inferred,
        "event": c["event"],
        "excerpt": c["excerpt"],
        "note": c["note"],
    }


_CHECK_FIELDS = {
    "primary_source": "check_primary_source",
    "publisher": "check_publisher",
    "published": "check_published",
    "url": "check_url",
    "seen_in": "check_seen_in",
    "primary_value": "check_primary_value",
    "primary_definition": "check_definition",
    "explanation": "check_explanation",
}


def _add_checks(tables, figures_new, events_new, origin_rows, written, messages, bad) -> None:
    """One primary check per new claim (and per event the curator checked)."""
    import pandas as pd

    from .corroborate import claim_keys

    checked = {r["claim"]: "" for r in tables.records("primary_checks")}
    frame = pd.DataFrame(tables.records("figures"))
    keys = dict(zip(frame["figure_id"], claim_keys(frame), strict=True))
    todo = [(n, c, keys[rec["figure_id"]]) for n, c, rec in figures_new]
    todo += [(n, c, f"event|{rec['event_id']}") for n, c, rec in events_new if c["check_verdict"]]
    for number, c, claim in todo:
        if claim in checked:
            if c["check_verdict"] or c["check_explanation"]:
                by = checked[claim] or "its row in primary_checks.csv"
                messages.append(
                    f"{claim}: checked by {by}; the check_ fields of row {number} were not used"
                )
            continue
        verdict = c["check_verdict"] or "unverified"
        if not c["check_explanation"]:
            bad(
                number,
                "check_explanation",
                f"claim {claim} has no primary check yet, and check_explanation is empty",
                "say what the primary source says, or for unverified (the default) what was "
                "looked for and not found — never guess",
            )
            continue
        record = {"claim": claim, "verdict": verdict}
        record |= {column: c[source] for column, source in _CHECK_FIELDS.items()}
        row = tables.append("primary_checks", record)
        origin_rows[("primary_checks.csv", row)] = (number, "check")
        checked[claim] = f"row {number} of the candidates"
        written.setdefault("primary_checks.csv", []).append(claim)


#: Fields of the tables, as the candidates file names them.
_CANDIDATE_FIELD = {
    "figure": {"figure_id": "candidate"},
    "event": {"event_id": "candidate"},
    "check": {v_table: v_cand for v_table, v_cand in _CHECK_FIELDS.items()}
    | {"verdict": "check_verdict", "claim": "metric"},
    "reason": {"left_out_id": "candidate"},
    "subject": {"subject": "subject", "label_en": "subject"},
}


def _trial(data: Path, files: dict[Path, str], sources_dir, origin_rows, rel) -> list[Problem]:
    """Validate the tables with the new rows in a scratch copy; the curator's problems.

    A problem in a new row (other than a pending translation) is the curator's to fix in
    the candidates file: it is returned, named by the candidate's row and field.
    """
    with tempfile.TemporaryDirectory(prefix="tspolicy-accept-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data, copy, ignore=shutil.ignore_patterns(CANDIDATES_DIR))
        for path, text in files.items():
            (copy / path.name).write_text(text, encoding="utf-8", newline="")
        report = validate(copy, sources_dir)
    out = []
    for p in report.errors:
        origin = origin_rows.get((p.file, p.row))
        if origin is None or (p.field and _TRANSLATION.search(p.field)):
            continue
        number, kind = origin
        name = _CANDIDATE_FIELD.get(kind, {}).get(p.field or "", p.field)
        out.append(Problem(rel, number, name, f"{p.file}: {p.problem}", p.fix))
    return out


def describe(added: Added) -> str:
    """What add-document did and what the curator does next, as the command prints it."""
    lines = [*added.messages]
    c = added.counts
    lines.append(
        f"wrote {added.candidates_file}: {c['figure']} figure candidate(s) ({c['rank']} rank(s), "
        f"{c['vague']} vague word(s)) and {c['event']} event candidate(s); {c['known']} "
        "value(s) already known in the data"
    )
    lines.append(f"to fill in sources.csv, row {added.source_row}:")
    lines += [f"  {name}: {what}" for name, what in added.to_fill.items()]
    lines.append(
        f"then edit {shell_path(added.candidates_file)}: accept yes or no (with a reason), and "
        "for each yes the metric, subject and primary_source (figures) or the event's wording, "
        f"and check_explanation; then run `tspolicy add-document --accept {added.document_id}`"
    )
    return "\n".join(lines)
