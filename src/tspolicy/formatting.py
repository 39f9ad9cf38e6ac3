"""Numbers, quantities and dates in the report's language, with Babel.

Digit convention
----------------
English and French use CLDR's defaults ("1,470"; "1 470" with a narrow no-break space).
Arabic uses **Western digits** ("1,470"), CLDR's default numbering system for ``ar`` and
the digits the Arabic source documents themselves use; pass ``numbering="arab"`` for
Arabic-Indic digits ("١٬٤٧٠"). Either way grouping and decimal marks follow the locale.
"""

from __future__ import annotations

import datetime as dt
import re

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .i18n import check_language, plural, strings, t
from .numbers import VAGUE

#: Default numbering system per language.
NUMBERING = {"en": "latn", "fr": "latn", "ar": "latn"}
#: From this size on, counts are written with a scale word ("73.3 million").
COMPACT_FROM = 1_000_000
# Babel applies a numbering system's symbols (٬ ٫) but writes ASCII digits whatever the
# system; Arabic-Indic digits are substituted after formatting.
_ARAB_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _digits(text: str, system: str) -> str:
    return text.translate(_ARAB_DIGITS) if system == "arab" else text


def number(value: float, lang: str, *, numbering: str | None = None) -> str:
    """Format a plain number: "1,470", "1 470", "1,470" (Arabic, Western digits)."""
    check_language(lang)
    system = numbering or NUMBERING[lang]
    if value == int(value):
        value = int(value)
    return _digits(
        babel_numbers.format_decimal(value, locale=lang, numbering_system=system), system
    )


def count(value: float, lang: str, *, numbering: str | None = None) -> str:
    """Format a count, with a scale word when large and exact: "73.3 million", "73,3 millions".

    The scale form is used only when it writes the value exactly (6,080,000 is "6.08
    million"); otherwise the full number is written.
    """
    check_language(lang)
    system = numbering or NUMBERING[lang]
    if abs(value) >= COMPACT_FROM:
        for digits in range(4):
            text = babel_numbers.format_compact_decimal(
                value,
                format_type="long",
                locale=lang,
                fraction_digits=digits,
                numbering_system=system,
            )
            if _compact_exact(value, digits):
                return _digits(_compact_grammar(text, lang), system)
    return number(value, lang, numbering=numbering)


def _compact_grammar(text: str, lang: str) -> str:
    """Mend CLDR's compact forms where they break the language's grammar: French "1
    milliards" is "1 milliard"; Arabic counts 3 to 10 take the plural ("3 مليارات")."""
    if lang == "fr":
        return re.sub(r"^1 (million|milliard)s$", r"1 \1", text)
    if lang == "ar":
        match = re.fullmatch(r"(\d+) مليار", text)
        if match and 3 <= int(match.group(1)) <= 10:
            return f"{match.group(1)} مليارات"
    return text


def _compact_exact(value: float, digits: int) -> bool:
    magnitude = 10 ** (3 * int((len(str(int(abs(value)))) - 1) // 3))
    scaled = value / magnitude
    return round(scaled, digits) == scaled


def percent(value: float, lang: str, *, numbering: str | None = None) -> str:
    """Format a share given in percent (65 → "65%", "65 %", "65%")."""
    check_language(lang)
    system = numbering or NUMBERING[lang]
    return _digits(
        babel_numbers.format_percent(value / 100, locale=lang, numbering_system=system), system
    )


def value(amount: float, unit: str, lang: str, *, numbering: str | None = None) -> str:
    """Format a value in its unit: a percentage, a rank, or a count."""
    if unit == "percent":
        return percent(amount, lang, numbering=numbering)
    if unit == "rank":
        if amount == int(amount) and f"rank.{int(amount)}" in strings():  # «المرتبة الأولى»
            return t(f"rank.{int(amount)}", lang)
        return t("rank", lang, n=number(amount, lang, numbering=numbering))
    if unit == "years":
        return plural("unit.years", lang, amount, n=number(amount, lang, numbering=numbering))
    return count(amount, lang, numbering=numbering)


def quantity(
    amount: float, qualifier: str, unit: str, lang: str, *, numbering: str | None = None
) -> str:
    """Format a value with its qualifier: "more than 1,470", "plus de 1 470", "أكثر من 1,470".

    A lower bound is never written as an exact number; a vague word ("hundreds") is said to
    be no number, whatever ``amount`` holds.
    """
    if qualifier == VAGUE:
        return t("qualifier.vague", lang)
    return t(f"qualifier.{qualifier}", lang, n=value(amount, unit, lang, numbering=numbering))


def approximate(amount: float, unit: str, lang: str, *, significant: int = 3) -> str:
    """A sum of rounded figures, said as such: "about 6.08 million", not "6,081,200".

    Rounds to ``significant`` digits and keeps the qualifier "about": the sum of figures a
    source published rounded is no more precise than they were.
    """
    rounded = float(f"{amount:.{significant}g}")
    return quantity(rounded, "about", unit, lang)


def bound(
    amount: float, qualifier: str, unit: str, lang: str, *, numbering: str | None = None
) -> str:
    """A short chart label that keeps the qualifier: "1,470+", "≥ 200", "~120 million"."""
    if qualifier == VAGUE:
        return t("bound.vague", lang)
    return t(f"bound.{qualifier}", lang, n=value(amount, unit, lang, numbering=numbering))


_SKELETONS = {"year": "y", "month": "yMMMM"}


def month_interval(start: dt.date, end: dt.date, lang: str) -> str:
    """Format a span of months: "January – September 2022", "janvier – septembre 2022"."""
    check_language(lang)
    return babel_dates.format_interval(start, end, "yMMMM", locale=lang)


#: A span of months in running text: "de janvier à septembre 2022" (fr; "d’avril"),
#: "من يناير إلى سبتمبر 2022" (ar); English keeps CLDR's "January – September 2022".
_SPAN = {"fr": ("de {a} à {b}", "d’{a} à {b}"), "ar": ("من {a} إلى {b}", "من {a} إلى {b}")}


def month_span(start: dt.date, end: dt.date, lang: str) -> str:
    """A span of months as a sentence says it: "de janvier à septembre 2022" in French,
    "من يناير إلى سبتمبر 2022" in Arabic, "January – September 2022" in English."""
    check_language(lang)
    if lang not in _SPAN:
        return month_interval(start, end, lang)
    first = babel_dates.format_date(
        start, "MMMM" if start.year == end.year else "MMMM y", locale=lang
    )
    last = babel_dates.format_date(end, "MMMM y", locale=lang)
    plain, elided = _SPAN[lang]
    pattern = elided if first[:1].lower() in "aeiouyâéèêîôû" else plain
    return pattern.format(a=first, b=last)


def quarter_span(first: str, last: str, lang: str) -> str:
    """Quarters said as months in ``lang``: "2022Q1", "2022Q3" → "January – September 2022"."""
    start = dt.date(int(first[:4]), 3 * int(first[-1]) - 2, 1)
    end = dt.date(int(last[:4]), 3 * int(last[-1]), 1)
    return month_interval(start, end, lang)


def date(when: dt.date | dt.datetime, precision: str, lang: str) -> str:
    """Format a date at its precision: "2016", "May 2024", "June 12, 2025" (or fr/ar forms)."""
    check_language(lang)
    if isinstance(when, dt.datetime):
        when = when.date()
    if precision == "day":
        text = babel_dates.format_date(when, "long", locale=lang)
        return re.sub(r"^1 ", "1er ", text) if lang == "fr" else text  # le 1er décembre
    return babel_dates.format_skeleton(_SKELETONS[precision], when, locale=lang)


def figure_period(period_text: object, period_from: object, lang: str) -> str:
    """A figure's period as a page shows it beside the number, "" when it has none; one
    taken from the primary source (the document dropped it) says so: "(January – September
    2022, per the primary source)"."""
    text = period_text if isinstance(period_text, str) else ""
    if not text.strip():
        return ""
    said = period(text.strip(), lang)
    key = "period.primary" if period_from == "primary_source" else "period.stated"
    return t(key, lang, period=said)


def period(text: str, lang: str) -> str:
    """A period as the data write it, said in ``lang``: "2020"; "2011/.." → "since 2011";
    "2022-01/2022-09" → "January – September 2022"; "" stays ""."""
    check_language(lang)
    if not text:
        return ""
    start, _, end = text.partition("/")
    if end == "..":
        return t("period.since", lang, start=period(start, lang))
    if end:
        if len(start) == len(end) == 7:  # months
            first = dt.date(int(start[:4]), int(start[5:]), 1)
            last = dt.date(int(end[:4]), int(end[5:]), 1)
            return month_span(first, last, lang)
        return f"{period(start, lang)}–{period(end, lang)}"
    if len(start) == 7:
        return date(dt.date(int(start[:4]), int(start[5:]), 1), "month", lang)
    if len(start) == 10:
        return date(dt.date.fromisoformat(start), "day", lang)
    return start
