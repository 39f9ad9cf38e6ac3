"""What the dataset writes once per language, and which of those translations are pending.

Labels, caveats, event wordings, explanations, titles and excerpt translations have one
column per report language. A contributor may write only the languages they read: the
other columns stay empty — *pending* — until a reader of that language writes them. Pages
in a pending language say "translation pending" where the text would be, never another
language's words passed off as theirs; ``tspolicy validate`` warns about each pending
translation (``--strict`` fails), and ``tspolicy i18n todo`` lists them for translators.

:data:`TRANSLATED` is the one list of those columns; the validator and ``i18n todo`` read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .i18n import LANGUAGES


@dataclass(frozen=True)
class Translated:
    """A text written once per language in a table.

    Attributes
    ----------
    table
        The resource (``metrics``) whose file holds the columns.
    key
        The column that names the row (``metric``).
    what
        What the text is (``label``, ``caveat``…), as messages say it.
    columns
        The column of each language: ``{"en": "caveat", "fr": "caveat_fr", …}``.
    original
        Where the text's original language comes from: ``None`` when every language is
        written by a reader of it (labels: at least one is required); ``"document"`` when the
        original is the text of the row's document (its excerpt: the column of the document's
        language stays empty); ``"language"`` when the row itself names it (a document's
        title).
    required
        False for a text a row may lack in every language (a figure whose document names no
        primary source, a check read in the original, so with no ``seen_in``): then none is
        pending; once one language is written, the others are.
    """

    table: str
    key: str
    what: str
    columns: Mapping[str, str]
    original: str | None = None
    required: bool = True


def _per_language(prefix: str, english: str | None = None) -> dict[str, str]:
    return {
        lang: (english if lang == "en" and english else f"{prefix}_{lang}") for lang in LANGUAGES
    }


#: Every text of the dataset written per language, in the order messages list them.
TRANSLATED: tuple[Translated, ...] = (
    Translated("origins", "origin_id", "label", _per_language("label")),
    Translated("sources", "document_id", "title", _per_language("title"), "language"),
    Translated("metrics", "metric", "label", _per_language("label")),
    Translated("metrics", "metric", "caveat", _per_language("caveat", "caveat")),
    Translated("subjects", "subject", "name", _per_language("label")),
    Translated("figures", "figure_id", "excerpt", _per_language("excerpt"), "document"),
    Translated("events", "event_id", "event", _per_language("event", "event")),
    Translated("events", "event_id", "excerpt", _per_language("excerpt"), "document"),
    Translated(
        "primary_checks", "claim", "explanation", _per_language("explanation", "explanation")
    ),
    Translated(
        "figures",
        "figure_id",
        "primary source",
        _per_language("primary_source", "primary_source"),
        required=False,
    ),
    Translated(
        "primary_checks",
        "claim",
        "publisher",
        _per_language("publisher", "publisher"),
        required=False,
    ),
    Translated(
        "primary_checks", "claim", "seen_in", _per_language("seen_in", "seen_in"), required=False
    ),
)


@dataclass(frozen=True)
class Pending:
    """One translation not yet written.

    Attributes
    ----------
    file, row
        The table's file and the row (header = 1).
    key
        The row's id (``reports_received``).
    what
        What is missing (``label``).
    lang
        The language it is missing in.
    column
        The column to write it in.
    written
        The texts that exist, by language (the original first), for a translator to read.
    """

    file: str
    row: int
    key: str
    what: str
    lang: str
    column: str
    written: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        """Return it as a JSON-ready dict."""
        return {
            "file": self.file,
            "row": self.row,
            "key": self.key,
            "what": self.what,
            "lang": self.lang,
            "column": self.column,
            "written": self.written,
        }


def original_language(
    spec: Translated, record: Mapping[str, str], documents: Mapping[str, str]
) -> str | None:
    """The language of the original the row's text translates (None: none is the original)."""
    if spec.original == "language":
        return record.get("language", "").strip() or None
    if spec.original == "document":
        return documents.get(record.get("document_id", "")) or None
    return None


def pending(
    tables: Mapping[str, tuple[str, Sequence[tuple[int, Mapping[str, str]]]]],
    documents: Mapping[str, str],
) -> list[Pending]:
    """The translations pending in ``tables``.

    Parameters
    ----------
    tables
        Resource name → (file name, rows as (row number, record)).
    documents
        Each document's language (``sources.document_id`` → ``sources.language``).

    Returns
    -------
    list of Pending
        Every empty column of :data:`TRANSLATED` whose text exists in another language (or
        whose original is the document's text), in table and row order. A row with the text
        in no language at all is not listed: the validator reports it as an error.
    """
    out: list[Pending] = []
    for spec in TRANSLATED:
        if spec.table not in tables:
            continue
        file, rows = tables[spec.table]
        for row, record in rows:
            if not all(c in record for c in spec.columns.values()):
                continue
            own = original_language(spec, record, documents)
            written = {
                lang: record[column].strip()
                for lang, column in spec.columns.items()
                if record[column].strip()
            }
            if own is not None:
                written = {own: record.get(spec.what, "").strip(), **written}
            if not any(written.values()):
                continue
            for lang, column in spec.columns.items():
                if lang != own and not record[column].strip():
                    key = record.get(spec.key, "")
                    out.append(Pending(file, row, key, spec.what, lang, column, written))
    return out


def missing_everywhere(spec: Translated, record: Mapping[str, str]) -> bool:
    """True when a text every language writes (a label, a caveat) is written in none."""
    return (
        spec.required
        and spec.original is None
        and not any(record.get(column, "").strip() for column in spec.columns.values())
    )
