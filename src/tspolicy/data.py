"""Load the dataset as typed pandas DataFrames.

Column types come from ``data/datapackage.json``, the one place they are declared:
``number`` → ``Float64``, ``integer`` → ``Int64``, ``boolean`` → ``boolean``, ``date`` →
``datetime64``; a string field with an ``enum``, or naming a vocabulary of ``vocabulary.csv``
(``"vocabulary": "unit"``: its terms are the allowed values), becomes a categorical of them,
identifier-like fields (document, metric, subject…) categoricals of their values, and other
text the pandas ``string`` dtype, with empty cells as ``<NA>``.

The loaders parse; they do not judge. Run :func:`tspolicy.validate.validate` (or
``tspolicy validate``) for the full list of problems; a loader that cannot parse a file
raises :class:`DataError` with a message naming file, row and field.
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import csv
import io
import json
import math
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import paths
from .errors import TspolicyError, echo

T = TypeVar("T")

#: Text fields loaded as categoricals (repeated labels that charts group by).
CATEGORICAL = frozenset(
    {
        "document_id",
        "metric",
        "subject",
        "geography",
        "primary_source",
        "language",
        "unit",
        "category",
    }
)
_YEAR = re.compile(r"^(\d{4})")


class DataError(TspolicyError, ValueError):
    """A data file cannot be loaded; the message names the file, row and field."""


def shell_path(path: str | Path) -> str:
    """A file as a suggested command names it: the actual path given (``--data-dir``), quoted
    for a shell, so that a fix pasted anywhere changes that file and no other."""
    return shlex.quote(str(path))


@dataclass(frozen=True)
class Dataset:
    """The tables of the dataset (the context series load apart: :mod:`tspolicy.context`)."""

    sources: pd.DataFrame
    figures: pd.DataFrame
    metrics: pd.DataFrame
    events: pd.DataFrame
    primary_checks: pd.DataFrame
    origins: pd.DataFrame
    #: The subject vocabulary: ``subject`` and its ``label_en``, ``label_fr``, ``label_ar``.
    subjects: pd.DataFrame | None = None
    #: The folder the tables were read from (context series beside them are read from it too).
    data_dir: Path | None = None


def descriptor_problem(descriptor: Any) -> str | None:
    """What makes a data package descriptor unusable by the loaders, or None.

    Checks the shape the loaders rely on (a mapping whose ``resources`` are mappings with a
    name and a ``schema.fields`` list of named fields) and the types of the constraints
    they apply (numbers for ``minimum``/``maximum``, a list for ``enum``, a regular
    expression for ``pattern``).
    """
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return "not a JSON object with a 'resources' list"
    for i, resource in enumerate(descriptor["resources"], start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            return f"resource #{i} is not an object with a 'name'"
        fields = (
            resource.get("schema", {}).get("fields")
            if isinstance(resource.get("schema"), dict)
            else None
        )
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            return f"resource '{resource['name']}' has no schema with a list of named fields"
        for fld in fields:
            constraints = fld.get("constraints", {})
            where = f"resource '{resource['name']}', field '{fld['name']}'"
            if not isinstance(constraints, dict):
                return f"{where}: 'constraints' is not an object"
            for bound in ("minimum", "maximum"):
                limit = constraints.get(bound)
                if limit is not None and (
                    isinstance(limit, bool) or not isinstance(limit, int | float)
                ):
                    return f"{where}: constraint {bound} {limit!r} is not a number"
            if "enum" in constraints and not isinstance(constraints["enum"], list):
                return f"{where}: constraint enum is not a list"
            if "pattern" in constraints:
                try:
                    re.compile(str(constraints["pattern"]))
                except re.error as exc:
                    return f"{where}: constraint pattern is not a regular expression ({exc})"
    return None


def resource_descriptor(name: str, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Return the data package's descriptor of resource ``name`` (path, schema, metadata)."""
    path = paths.data_dir(data_dir) / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{path}: not found; the data directory needs its datapackage.json"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({exc}); run `tspolicy validate`") from None
    problem = descriptor_problem(descriptor)
    if problem:
        raise DataError(
            f"{path}: {problem}; restore it (git checkout -- {shell_path(path)}) or fix it"
        )
    for resource in descriptor["resources"]:
        if resource.get("name") == name:
            if any(VOCABULARY_PROPERTY in f for f in resource["schema"]["fields"]):
                terms = vocabulary_terms(descriptor, paths.data_dir(data_dir))
                resource = with_vocabulary(resource, terms, path.parent / VOCABULARY_FILE)
            return resource
    raise DataError(f"{path}: no resource named '{name}'; run `tspolicy validate`")


#: The resource holding every coded column's allowed values, and its file.
VOCABULARY, VOCABULARY_FILE = "vocabulary", "vocabulary.csv"
#: The field property naming the vocabulary a field's values come from ("unit").
VOCABULARY_PROPERTY = "vocabulary"


def group_terms(records: list[dict[str, str]]) -> dict[str, list[str]]:
    """Vocabulary rows (``vocabulary``, ``term``…) as vocabulary → its terms, in file order."""
    terms: dict[str, list[str]] = {}
    for record in records:
        name, term = record.get("vocabulary", "").strip(), record.get("term", "")
        if name and term and term not in terms.setdefault(name, []):
            terms[name].append(term)
    return terms


def vocabulary_terms(descriptor: dict[str, Any], directory: Path) -> dict[str, list[str]]:
    """Read the vocabulary table: vocabulary name → its terms.

    Raises
    ------
    DataError
        When the package has no vocabulary resource or its file cannot be read.
    """
    resource = next((r for r in descriptor["resources"] if r.get("name") == VOCABULARY), None)
    if resource is None:
        raise DataError(
            f"{directory / 'datapackage.json'}: no resource named '{VOCABULARY}', which "
            f"holds the allowed units, qualifiers, verdicts and kinds; restore it from git"
        )
    path = resource_path(directory, resource)
    records = _records(path, VOCABULARY_FILE, "its header row and the vocabulary's terms")
    header = records[0]
    return group_terms([dict(zip(header, r, strict=False)) for r in records[1:]])


def with_vocabulary(
    resource: dict[str, Any], terms: dict[str, list[str]], where: str | Path
) -> dict[str, Any]:
    """A copy of ``resource`` whose vocabulary fields have their terms as ``enum``.

    Raises
    ------
    DataError
        When a field names a vocabulary that has no terms.
    """
    fields = []
    for fld in resource["schema"]["fields"]:
        name = fld.get(VOCABULARY_PROPERTY)
        if name is not None:
            if not terms.get(str(name)):
                raise DataError(
                    f"{where}: no terms of the vocabulary '{name}' that field "
                    f"{resource['name']}.{fld['name']} uses; add its rows "
                    f'(vocabulary,term,meaning) or fix the field\'s "vocabulary" in '
                    "datapackage.json"
                )
            constraints = {**fld.get("constraints", {}), "enum": list(terms[str(name)])}
            fld = {**fld, "constraints": constraints}
        fields.append(fld)
    return {**resource, "schema": {**resource["schema"], "fields": fields}}


def resource_path(directory: Path, resource: dict[str, Any]) -> Path:
    """The file of a data-package resource, which must lie inside the data folder.

    Raises
    ------
    DataError
        When the descriptor's ``path`` is not a relative path inside ``directory``.
    """
    name = resource.get("name", "?")
    relative = resource.get("path", f"{name}.csv")
    root = directory.resolve()
    path = (root / str(relative)).resolve() if isinstance(relative, str) else None
    if path is None or Path(str(relative)).is_absolute() or not path.is_relative_to(root):
        raise DataError(
            f"{directory / 'datapackage.json'}: resource '{name}' has path {relative!r}, "
            f"outside the data folder; write a path relative to {directory}, e.g. {name}.csv"
        )
    return directory / str(relative)


class TableFormatError(DataError):
    """A table's bytes are not UTF-8 CSV as the dataset writes it; names the row or line."""

    def __init__(self, file: str, row: int | None, problem: str, fix: str):
        self.file, self.row, self.problem, self.fix = file, row, problem, fix
        where = f"{file}, row {row}" if row is not None else file
        super().__init__(f"{where}: {problem}; {fix}")


def decode_table(raw: bytes, file: str, path: str | Path) -> tuple[str, list[TableFormatError]]:
    """A table's text, and the problems that were repaired on the way (BOM, CRLF).

    ``file`` names the table in messages (``figures.csv``); ``path`` is the file itself,
    which the suggested commands (iconv, sed, git checkout) name.

    Raises
    ------
    TableFormatError
        For what cannot be read: UTF-16, NUL bytes, bytes that are not UTF-8.
    """
    repaired: list[TableFormatError] = []
    target = shell_path(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > len(raw[:200]) // 4:
        raise TableFormatError(
            file,
            None,
            "the file is UTF-16 (what spreadsheets call 'Unicode text'), not UTF-8",
            f"save it as 'CSV UTF-8', or convert it: iconv -f UTF-16 -t UTF-8 {target} > tmp "
            f"&& mv tmp {target}",
        )
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise TableFormatError(
            file,
            line,
            f"a NUL byte (0x00) on line {line}: the file is damaged or not text",
            f"restore it from git (git checkout -- {target}) and redo the edit",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        repaired.append(
            TableFormatError(
                file,
                1,
                "file starts with a UTF-8 byte-order mark (BOM)",
                "save it as UTF-8 without BOM (spreadsheets' 'CSV UTF-8' adds one); "
                f"to strip it: sed -i '1s/^\\xEF\\xBB\\xBF//' {target}",
            )
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("cp1252")
            guess, fix = (
                " (it reads as Windows-1252 or Latin-1)",
                f"re-save it as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 {target} > tmp "
                f"&& mv tmp {target}",
            )
        except UnicodeDecodeError:
            guess, fix = "", "re-save it as UTF-8 from the program that wrote it"
        raise TableFormatError(
            file,
            line,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} on line {line} cannot be decoded{guess}",
            fix,
        ) from None
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    if crlf or lone_cr:
        kind = "Windows (CRLF)" if crlf else "old Mac (CR)"
        repaired.append(
            TableFormatError(
                file,
                None,
                f"{kind} line endings on {crlf + lone_cr} lines; the data uses LF only, so "
                "that it stays byte-identical across machines",
                f"convert to LF: sed -i 's/\\r$//' {target} (or dos2unix {target})",
            )
        )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, repaired


def parse_records(text: str, file: str) -> list[list[str]]:
    """The CSV records of a table's text, header first.

    Raises
    ------
    TableFormatError
        Naming the row (header = 1) and line where the CSV breaks, e.g. an unclosed quote.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row = len(records) + 1
            unclosed = "end of data" in str(exc) or "EOF" in str(exc)
            problem = (
                f"a double quote opened on line {start} is never closed"
                if unclosed
                else f"the record starting on line {start} is not readable as CSV ({exc}, "
                f"on line {reader.line_num}): a double quote opened on line {start} may close "
                "too late"
            )
            raise TableFormatError(
                file,
                row,
                problem,
                "a value holding a comma or a quote must be in double quotes, and a quote "
                'inside it doubled ("")',
            ) from None
        records.append(record)
    return records


def delimiter_problem(header: list[str], expected: list[str], file: str) -> TableFormatError | None:
    """A header that is one column holding ';' or tabs: the file uses another delimiter."""
    if len(header) != 1 or len(expected) < 2:
        return None
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs")):
        if delimiter in header[0]:
            return TableFormatError(
                file,
                1,
                f"the columns are separated by {name}, not commas",
                "export it as 'CSV UTF-8 (comma delimited)', or set the list separator to ','",
            )
    return None


def _records(path: Path, file: str, needs: str) -> list[list[str]]:
    """A table's rows, header first, read as the loaders read every table (a missing,
    undecodable or empty file is one :class:`DataError`; ``needs`` says what it must hold)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            f"{path}: not found; restore it (git checkout -- {shell_path(path)})"
        ) from None
    text, repaired = decode_table(raw, file, path)
    if repaired:
        raise repaired[0]
    records = parse_records(text, file) if text.strip() else []
    if not records:
        raise DataError(f"{path}: empty; it needs {needs}")
    return records


def _read(name: str, data_dir: str | Path | None) -> pd.DataFrame:
    directory = paths.data_dir(data_dir)
    resource = resource_descriptor(name, directory)
    fields = resource["schema"]["fields"]
    path = resource_path(directory, resource)
    file = path.relative_to(directory).as_posix()
    records = _records(path, file, "at least its header row")
    header, rows = records[0], records[1:]
    expected = [f["name"] for f in fields]
    wrong = delimiter_problem(header, expected, file)
    if wrong:
        raise wrong
    missing = [n for n in expected if n not in header]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; run `tspolicy validate`")
    for number, record in enumerate(rows, start=2):
        if len(record) != len(header):
            raise TableFormatError(
                file,
                number,
                f"the row has {len(record)} cells, the header {len(header)}",
                "put double quotes around any value that holds a comma",
            )
    raw_frame = (
        pd.DataFrame(rows, columns=header, dtype=str)
        if rows
        else pd.DataFrame(columns=header, dtype=str)
    )
    return pd.DataFrame({f["name"]: _convert(raw_frame[f["name"]], f, path) for f in fields})


#: Fields holding a date, period, year or quarter: each must be a real day of the calendar
#: (no month 13, no 30 February) and cannot lie after today.
DATED_FIELDS = frozenset({"period", "date", "published", "year", "quarter"})
#: One date of a dated field: 2020, 2020-09, 2020-09-30 or 2020Q3 (an interval is two).
_DATE_PART = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|Q([1-4]))?", re.ASCII)
#: Numbers and dates as the dataset writes them: ASCII digits only (Python's float() also
#: reads "٢٠", "２０" and "1_000", which pandas and spreadsheets do not).
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _calendar_problem(
    name: str, value: str, kind: str, today: date | None
) -> tuple[str, str] | None:
    """An impossible month or day, or a date after today, in a dated field; None if fine.

    Every date of the value (both ends of an interval) is checked; its first day (2020 is
    1 January 2020, 2020Q3 is 1 July 2020) must not lie after ``today``. A part that does
    not look like a date is left to the field's type or pattern rule.
    """
    shown = echo(value)
    starts = []
    for part in value.split("/"):
        match = _DATE_PART.fullmatch(part)
        if match is None:
            continue
        year, month, day, quarter = (int(g) if g else None for g in match.groups())
        first_month = month if month is not None else (3 * quarter - 2 if quarter else 1)
        if (
            year < 1
            or not 1 <= first_month <= 12
            or (day is not None and not 1 <= day <= calendar.monthrange(year, first_month)[1])
        ):
            return (
                f"{name} {shown} holds an impossible month or day",
                "check the month (01–12) and the day (no 31 June, no 30 February); write "
                "years as 2020, months as 2022-09, days as 2022-09-30, an interval as "
                "2022-01/2022-09",
            )
        starts.append(date(year, first_month, day or 1))
    today = today or date.today()
    if any(start > today for start in starts):
        what = "date" if kind == "date" else "date or period"
        return (
            f"{name} {shown} lies in the future (today is {today.isoformat()})",
            f"write the {what} the document states; a typo in the year is likely",
        )
    return None


def _example(fld: dict[str, Any]) -> str:
    example = fld.get("example")
    return f", e.g. {example}" if example not in (None, "") else ""


def enum_fix(fld: dict[str, Any]) -> str:
    """How to fix a value outside a field's allowed values: use one, or add it — for a
    field drawing on the vocabulary, by one row of ``vocabulary.csv``, which it names."""
    allowed = ", ".join(fld.get("constraints", {}).get("enum", []))
    vocabulary = fld.get(VOCABULARY_PROPERTY)
    if vocabulary is None:
        return f"use one of: {allowed}"
    return (
        f"use one of: {allowed}; or, to add a new {vocabulary}, add one row to "
        f"{VOCABULARY_FILE} in the data folder — {vocabulary},<the new term>,<what it means> — "
        "and describe it in data/README.md (nothing else needs editing)"
    )


def cell_problem(
    value: str, fld: dict[str, Any], today: date | None = None
) -> tuple[str, str] | None:
    """What is wrong with one cell under its field's schema, as (problem, fix); None if fine.

    The one wording of every cell-level rule, used by the loaders (which refuse the cell)
    and by :func:`tspolicy.validate.validate` (which lists it): type, finite numbers,
    required, enum, pattern, minimum and maximum, dates, periods, years and quarters that are
    real days of the calendar and not in the future, and no text that a spreadsheet would
    run as a formula.
    """
    from .csvsafe import is_formula

    name, kind = fld.get("name", ""), fld.get("type", "string")
    constraints = fld.get("constraints", {})
    shown = echo(value)
    if value == "":
        if constraints.get("required"):
            return f"{name} is empty but required", f"fill it in: {fld.get('description', '')}"
        return None
    if kind in {"number", "integer"}:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and not math.isfinite(number):
            return (
                f"{shown} is not a finite number",
                "write the number the document states, in base units (no inf, NaN or 1e309)",
            )
        pattern = _INTEGER if kind == "integer" else _NUMBER
        if number is None or not pattern.fullmatch(value):
            fix = (
                "write a plain number in base units, in the digits 0-9, with no spaces, commas, "
                f"underscores or % sign (73.3 million is 73300000){_example(fld)}"
                if kind == "number"
                else f"write a whole number{_example(fld)}"
            )
            return f"{shown} is not a valid {kind}", fix
        for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
            limit = constraints.get(bound)
            if limit is None or (number >= limit if bound == "minimum" else number <= limit):
                continue
            if bound == "minimum" and name == "value":
                return (
                    f"negative value {value}: counts, shares and ranks cannot be below {limit}",
                    "write the number as the document states it, without a sign",
                )
            return f"{value} is {word} {limit}", f"check the value{_example(fld)}"
        return _calendar_problem(name, value, kind, today) if name in DATED_FIELDS else None
    if kind == "boolean":
        if value not in {"true", "false"}:
            return f"{shown} is not a valid boolean", "write true or false"
        return None
    if kind == "date":
        try:
            parsed = date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else None
        except ValueError:
            parsed = None
        if parsed is None:
            return (
                f"{shown} is not a valid date",
                "write an ISO date, YYYY-MM-DD (e.g. 2024-06-24), or leave it empty",
            )
    enum = constraints.get("enum")
    if enum and value not in enum:
        return f"{shown} is not an allowed {name}", enum_fix(fld)
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return (
            f"{shown} does not have the form a {name} must have",
            f"{fld.get('description', 'see data/README.md')}{_example(fld)}",
        )
    if name in DATED_FIELDS:
        problem = _calendar_problem(name, value, kind, today)
        if problem:
            return problem
    if kind == "string" and not enum and not pattern and is_formula(value):
        return (
            f"{shown} starts with '{value.lstrip()[0]}': a spreadsheet opening the file "
            "would run it as a formula",
            "reword the cell so that it does not start with =, +, - or @ "
            "(quote the document's words after it)",
        )
    return None


def _convert(column: pd.Series, fld: dict[str, Any], path: Path) -> pd.Series:
    name, kind = fld["name"], fld.get("type", "string")
    for index, value in column.items():
        problem = cell_problem(value, fld)
        if problem:
            raise DataError(
                f"{path.name}, row {int(index) + 2}, field {name}: {problem[0]}; {problem[1]}. "
                "Run `tspolicy validate` for every problem"
            )
    empty = column == ""
    if kind in {"number", "integer"}:
        numbers = pd.to_numeric(column.where(~empty))
        return numbers.astype("Int64" if kind == "integer" else "Float64")
    if kind == "boolean":
        return column.map({"true": True, "false": False}).astype("boolean")
    if kind == "date":
        return pd.to_datetime(column.where(~empty), format="%Y-%m-%d")
    text = column.where(~empty).astype("string")
    enum = fld.get("constraints", {}).get("enum")
    if enum or name in CATEGORICAL:
        categories = enum or sorted(set(text.dropna()))
        return pd.Series(pd.Categorical(text, categories=categories), index=column.index, name=name)
    return text


def _period_years(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split ISO periods ('2020', '2011/..', '2022-01/2022-09') into start and end years."""
    starts, ends = [], []
    for value in period:
        if value is pd.NA or not value:
            starts.append(pd.NA)
            ends.append(pd.NA)
            continue
        start, sep, end = value.partition("/")
        starts.append(int(start[:4]))
        if not sep:
            ends.append(int(start[:4]))
        else:
            ends.append(int(end[:4]) if _YEAR.match(end) else pd.NA)
    return pd.Series(starts, dtype="Int64", index=period.index), pd.Series(
        ends, dtype="Int64", index=period.index
    )


def _start_of(date: str) -> str:
    """'2016' → '2016-01-01', '2024-05' → '2024-05-01'; a full date is kept."""
    return {4: f"{date}-01-01", 7: f"{date}-01", 10: date}.get(len(date), "")


def load_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``sources.csv``: one row per document.

    Parameters
    ----------
    data_dir
        Folder holding the data package; default the repository's ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``published`` as ``datetime64`` (``NaT`` where the text gives no date), ``kind`` and
        ``language`` as categoricals.
    """
    return _read("sources", data_dir)


def load_origins(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``origins.csv``: the investigations and reports the documents relay."""
    return _read("origins", data_dir)


def load_figures(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``figures.csv``: one row per mention of a figure in a document.

    Parameters
    ----------
    data_dir
        Folder holding the data package; default the repository's ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``value`` as ``Float64``; ``vague`` as ``boolean``; ``qualifier``, ``unit``,
        ``metric``, ``subject``, ``document_id`` as categoricals; plus ``period_start`` and
        ``period_end``, the years of ``period`` as ``Int64`` (``<NA>`` where open or unstated).
        ``period_from`` and ``geography_from`` (categoricals of ``document`` and
        ``primary_source``) say where a stated period or geography comes from;
        ``subject_en``, ``subject_fr``, ``subject_ar`` the subject's name in each language
        (from ``subjects.csv``; ``<NA>`` while a translation is pending).
    """
    figures = _read("figures", data_dir)
    start, end = _period_years(figures["period"])
    figures.insert(figures.columns.get_loc("period") + 1, "period_start", start)
    figures.insert(figures.columns.get_loc("period_start") + 1, "period_end", end)
    # The subject's name in each language, from subjects.csv (<NA> while pending).
    subjects = load_subjects(data_dir).set_index("subject")
    keys = figures["subject"].astype(str)
    for position, lang in enumerate(("en", "fr", "ar"), start=1):
        names = keys.map(subjects[f"label_{lang}"].to_dict()).astype("string")
        figures.insert(figures.columns.get_loc("subject") + position, f"subject_{lang}", names)
    return figures


def load_subjects(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``subjects.csv``: each subject's name in en, fr and ar (empty while pending)."""
    return _read("subjects", data_dir)


def load_metrics(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``metrics.csv``: the metric vocabulary with labels in en, fr and ar and caveats."""
    return _read("metrics", data_dir)


def load_events(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``events.csv``: dated events.

    Returns
    -------
    pandas.DataFrame
        ``date`` as ``datetime64``, the first day of the stated period ('2024-05' is
        1 May 2024): read it with ``date_precision`` (year, month or day).
    """
    events = _read("events", data_dir)
    text = events["date"].astype(str)
    dates = pd.to_datetime(text.map(_start_of), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().idxmax())
        raise DataError(
            f"events.csv, row {row + 2}, field date: '{text[row]}' is not an ISO date "
            "(YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    events["date"] = dates
    return events


def load_primary_checks(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``primary_checks.csv``: each claim checked against its primary source.

    Returns
    -------
    pandas.DataFrame
        ``verdict`` as a categorical of matches, differs_in_value, differs_in_definition,
        differs_in_date and unverified; ``claim`` keys the figures' claims as
        :func:`tspolicy.corroborate.claim_keys` does, or ``event|<event_id>``.
    """
    return _read("primary_checks", data_dir)


#: What a process has read from a data folder, by what it is ("dataset", "context:<name>"):
#: the folder and a hash of its files' content when read, and what was read.
_HELD: dict[str, tuple[tuple[str, str], Any]] = {}


def _content_key(data_dir: str | Path | None) -> tuple[str, str]:
    """The data folder and a hash of every file in it: what was read from it is used again
    only while the files it was read from are unchanged."""
    import hashlib

    folder = paths.data_dir(data_dir).resolve()
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return str(folder), digest.hexdigest()


def held(what: str, data_dir: str | Path | None, load: Callable[[], T]) -> T:
    """A copy of ``load()``, read once per process while the data folder's content is
    unchanged (a page calls the loaders many times; a changed file is read again).

    The copy is deep: a page may change its tables, and they are not the next caller's.
    One value is held per ``what``, the latest.
    """
    try:
        key = _content_key(data_dir)
    except OSError:  # no such folder: load() says so in its words
        return load()
    entry = _HELD.get(what)
    if entry is None or entry[0] != key:
        entry = _HELD[what] = (key, load())
    return copy.deepcopy(entry[1])


def preload(data_dir: str | Path | None = None) -> None:
    """Read the dataset and the context series now, so that :func:`load_dataset` and
    :func:`tspolicy.context.load_context` in this process, or in a process forked from it (a
    warm kernel, :mod:`tspolicy.kernels`), return copies instead of reading the files again,
    for as long as their content is unchanged. A table that does not load is left for the
    page to report."""
    from .context import SERIES, load_context

    with contextlib.suppress(TspolicyError):
        load_dataset(data_dir)
    for name in SERIES:
        with contextlib.suppress(TspolicyError):
            load_context(name, data_dir)


def load_left_out(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``left_out.csv``: numbers the documents state that are deliberately not figures or
    events, each with its reason (``value`` as ``Float64``, empty for a vague word)."""
    return _read("left_out", data_dir)


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Load the dataset's tables at once (read once per process while the files are
    unchanged: :func:`held`)."""
    return held("dataset", data_dir, lambda: _load(data_dir))


def _load(data_dir: str | Path | None) -> Dataset:
    return Dataset(
        sources=load_sources(data_dir),
        figures=load_figures(data_dir),
        metrics=load_metrics(data_dir),
        events=load_events(data_dir),
        primary_checks=load_primary_checks(data_dir),
        origins=load_origins(data_dir),
        subjects=load_subjects(data_dir),
        data_dir=paths.data_dir(data_dir),
    )
