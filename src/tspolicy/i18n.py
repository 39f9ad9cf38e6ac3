"""Report languages, interface strings and names, in English, French and Arabic.

Every word a chart or a narrative shows comes from here, from ``data/metrics.csv`` (metric
labels and caveats) or from ``data/events.csv`` (event wording) — never from a notebook.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from . import yamlfile

if TYPE_CHECKING:  # pandas is not needed to know the languages (the no-op build uses them)
    import pandas as pd

#: The report languages, as BCP 47 tags.
LANGUAGES = ("en", "fr", "ar")
#: Writing direction of each language, for HTML ``dir``.
DIRECTION = {"en": "ltr", "fr": "ltr", "ar": "rtl"}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a report language; else raise ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"language '{lang}' is not one of {', '.join(LANGUAGES)}")
    return lang


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The interface strings: key → {language: text}, from ``strings.yaml``."""
    text = files("tspolicy").joinpath("strings.yaml").read_text(encoding="utf-8")
    return yamlfile.parse(text)


#: Words a sentence of ours or of the data may start with, that stay lower case when the
#: sentence continues after a colon or a semicolon ("À savoir : une part…"). A word not
#: listed (a name: "Meta", "NCMEC") keeps its capital: a missed lower case is a matter of
#: style, a lower-cased name an error.
_CONTINUABLE = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "these",
        "that",
        "those",
        "it",
        "its",
        "each",
        "every",
        "no",
        "none",
        "not",
        "one",
        "some",
        "all",
        "any",
        "at",
        "in",
        "on",
        "of",
        "from",
        "for",
        "by",
        "as",
        "to",
        "with",
        "read",
        "checked",
        "only",
        "neither",
        "nor",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "ce",
        "cet",
        "cette",
        "ces",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "aucun",
        "aucune",
        "aucuns",
        "non",
        "ni",
        "pas",
        "à",
        "au",
        "aux",
        "en",
        "dans",
        "sur",
        "selon",
        "d’après",
        "d'après",
        "chaque",
        "chacun",
        "chacune",
        "tout",
        "toute",
        "tous",
        "toutes",
        "lu",
        "lus",
        "vérifié",
        "vérifiés",
        "vérifiée",
        "vérifiées",
        "seul",
        "seule",
        "seulement",
        "leur",
        "leurs",
        "sa",
        "son",
        "ses",
        "quantité",
        "quantités",
        "une",
        "part",
        "rang",
        "victimes",
        "trafiquants",
        "auteurs",
        "contenus",
        "signalements",
        "personnes",
    ]
)
_FIRST_WORD = re.compile(r"^([A-ZÀ-ÖØ-Þ])([^\s,;:.()«»]*)")


def continue_sentence(text: str) -> str:
    """``text`` as the continuation of a sentence (after a colon or a semicolon): its first
    letter in lower case when its first word is a common word (:data:`_CONTINUABLE`)."""
    match = _FIRST_WORD.match(text)
    if not match:
        return text
    word = (match.group(1) + match.group(2)).lower()
    base = re.split(r"[’']", word, maxsplit=1)[0]
    if word in _CONTINUABLE or base in _CONTINUABLE:
        return match.group(1).lower() + text[1:]
    return text


class _Formatter(string.Formatter):
    """``str.format`` with one more format spec, ``:lc``: the value continues a sentence
    (:func:`continue_sentence`), e.g. ``"À savoir : {caveat:lc}"``."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == "lc":
            return continue_sentence(str(value))
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, lang: str, **values: Any) -> str:
    """Return the string ``key`` in ``lang``, with its ``{placeholders}`` filled.

    A placeholder written ``{name:lc}`` continues a sentence: its value's first word is put
    in lower case when it is a common word (French writes no capital after a colon).

    Raises
    ------
    KeyError
        When the key, or its text in ``lang``, is missing.
    """
    check_language(lang)
    entry = strings()[key]
    return _FORMATTER.format(entry[lang], **values)


def plural(key: str, lang: str, count: float, **values: Any) -> str:
    """Return the string ``key`` in the plural form CLDR gives ``count`` in ``lang``.

    The entry holds one text per plural category (``one``, ``two``, ``few``, ``many``,
    ``other``…); Babel decides which applies ("2 years", "2 ans", "سنتان").
    """
    from babel import Locale

    forms = strings()[key][check_language(lang)]
    category = Locale.parse(lang).plural_form(count)
    return _FORMATTER.format(forms.get(category) or forms["other"], **values)


def name(kind: str, value: str, lang: str) -> str:
    """A country's, document kind's or language's name as ``lang`` writes it.

    A value with no entry in ``strings.yaml`` (a kind of document just added to the
    vocabulary) is itself on English pages and, elsewhere, followed by "translation pending"
    in ``lang`` — never passed off as French or Arabic.
    """
    entry = strings().get(f"{kind}.{value}")
    if entry and entry.get(lang):
        return entry[lang]
    return value if lang == "en" else t("i18n.pending_name", lang, name=value)


def after_by(subject: str, shown: str, lang: str) -> str:
    """An organisation as it follows "by" / "par": French gives a name its article ("soutenues
    par l’International Justice Mission (IJM)"); ``strings.yaml`` holds that form
    (``by.<subject>``), else ``shown`` (the subject's name in ``lang``) is used as it is."""
    entry = strings().get(f"by.{subject}")
    return entry[check_language(lang)] if entry and entry.get(lang) else shown


def subject_name(figures: pd.DataFrame, subject: str, lang: str) -> str:
    """A subject's name in ``lang``, from the ``subject_<lang>`` column the loader adds to
    the figures (from ``data/subjects.csv``).

    While a translation is pending the subject's key is shown with "translation pending"
    in the page's language — never an English name passed off as French or Arabic.
    """
    return subject_written(figures, subject, lang) or t("i18n.pending_name", lang, name=subject)


def subject_written(figures: pd.DataFrame, subject: str, lang: str) -> str:
    """A subject's name as ``lang`` writes it; "" while that translation is pending."""
    column = f"subject_{check_language(lang)}"
    names = figures.loc[figures["subject"].astype(str) == subject, column] if len(figures) else []
    return _cell(names.iloc[0]) if len(names) else ""


def written(value: Any, lang: str) -> str:
    """A text the data write in ``lang`` — or, while its translation is pending (an empty
    cell), "translation pending" in ``lang``: never another language's text instead."""
    return _cell(value) or t("evidence.pending", lang)


def metric_text(metrics: pd.DataFrame, metric: str, field: str, lang: str) -> str:
    """Return a metric's ``label`` or ``caveat`` in ``lang`` (from ``data/metrics.csv``).

    A metric may arrive labelled in one language: where the text is pending in ``lang``,
    "translation pending" in ``lang`` is returned — for a label, followed by the metric's id,
    so that two pending metrics on one page stay distinguishable without an English label
    passed off as French or Arabic (:func:`tspolicy.evidence.metric_html` writes it as HTML).
    """
    check_language(lang)
    row = metrics.loc[metrics["metric"] == metric]
    if row.empty:
        raise KeyError(f"unknown metric '{metric}'")
    column = (
        f"label_{lang}" if field == "label" else ("caveat" if lang == "en" else f"caveat_{lang}")
    )
    if field == "label" and not _cell(row.iloc[0][column]):
        return t("i18n.pending_metric", lang, metric=metric)
    return written(row.iloc[0][column], lang)


def in_language(row: Any, field: str, lang: str) -> str:
    """``field`` of a data row as a ``lang`` page writes it: its ``<field>_<lang>`` column
    where written (a name as French or Arabic writes it, a description in that language),
    else the field itself (a name or a title as published; "" when empty)."""
    if check_language(lang) != "en":
        text = _cell(row.get(f"{field}_{lang}"))
        if text:
            return text
    return _cell(row.get(field))


def primary_sources(figures: pd.DataFrame, lang: str) -> list[str]:
    """The primary sources the figures' documents name, as ``lang`` writes them (sorted,
    each once); a figure whose document names none adds none."""
    return sorted(
        {n for _, row in figures.iterrows() if (n := in_language(row, "primary_source", lang))}
    )


def label_written(metrics: pd.DataFrame, metric: str, lang: str) -> bool:
    """Whether a metric's label is written in ``lang`` (not pending)."""
    row = metrics.loc[metrics["metric"] == metric]
    return not row.empty and bool(_cell(row.iloc[0][f"label_{check_language(lang)}"]))


def _cell(value: Any) -> str:
    """A cell's text, stripped; "" when it is missing (its translation is pending)."""
    return "" if value is None or not isinstance(value, str) else value.strip()


def event_text(event: pd.Series, lang: str) -> str:
    """Return an event's wording in ``lang`` (from ``data/events.csv``); "translation
    pending" in ``lang`` while it is written in other languages only."""
    return written(event.get("event" if check_language(lang) == "en" else f"event_{lang}"), lang)


def join(items: list[str], lang: str) -> str:
    """Join list items with the language's separator."""
    return t("list.separator", lang).join(items)
