"""Find the numbers a phrase states, in English, French or Arabic.

The validator uses this to check that each excerpt really contains its figure's value:
``1470`` is stated by "1470", "1,470", "1 470" or "١٤٧٠"; ``73300000`` by "73,3 millions",
"73.3 million" or "٧٣٫٣ مليون"; ``2`` by "deux ans" or "عامين"; a rank of 2 by "المرتبة الثانية".

The functions return *candidate* values: every reading a phrase allows ("1,470" is 1470 in
English and 1.47 in French). A figure passes when its value is among them, so an ambiguous
phrase can never make a wrong value pass unless one of its readings is that value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…, used in Persian and Urdu) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# Separators that may group thousands or mark decimals: space, no-break and narrow no-break
# space (French), comma and point, Arabic thousands (U+066C) and decimal (U+066B) separators.
_SEPARATORS = " \u00a0\u202f,.\u066c\u066b"
_DECIMAL_MARKS = ",.\u066b"
_NUMERAL = re.compile(rf"\d+(?:[{_SEPARATORS}]\d+)*")

_SCALES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\s*(?:thousands?|mille|ألف|آلاف)\b"), 1e3),
    (re.compile(r"\s*(?:millions?|مليون|ملايين)"), 1e6),
    (re.compile(r"\s*(?:billions?|milliards?|مليار|مليارات)"), 1e9),
]

# "1 in 10", "1 sur 10", "1 من 10": a share, expressed in percent.
_RATIO = re.compile(r"(\d+)\s*(?:in|out of|sur|من)\s*(\d+)")

# Arabic words take clitic prefixes (ال، و، ب، ل…), so Arabic patterns are not anchored at
# a word start; Latin ones are.
_CARDINAL_WORDS: list[tuple[re.Pattern[str], tuple[float, ...]]] = [
    (re.compile(r"\b(?:one|un|une)\b", re.I), (1,)),
    (re.compile(r"\b(?:two|deux)\b", re.I), (2,)),
    (re.compile(r"\b(?:three|trois)\b", re.I), (3,)),
    (re.compile(r"\b(?:four|quatre)\b", re.I), (4,)),
    (re.compile(r"\b(?:five|cinq)\b", re.I), (5,)),
    (re.compile(r"\b(?:ten|dix)\b", re.I), (10,)),
    (re.compile(r"\b(?:twenty|vingt)\b", re.I), (20,)),
    # "two decades", "the last two decades", "les deux dernières décennies"
    (re.compile(r"\b(?:two (?:\w+ )?decades|deux (?:\w+ )?décennies)\b", re.I), (20,)),
    # Arabic duals: عامين/سنتين "two years", عقدين "two decades" (2 decades = 20 years).
    (re.compile(r"(?:عامين|سنتين)"), (2,)),
    (re.compile(r"عقدين"), (2, 20)),
]

#: The qualifier of a figure stated only by a vague word: it has no value.
VAGUE = "vague"
#: Words that state only an order of magnitude. They are no number: a figure stated by one
#: is recorded with qualifier ``vague`` and no value (see :func:`vague_words`).
VAGUE_WORDS: list[re.Pattern[str]] = [
    re.compile(r"\b(?:hundreds|centaines)\b", re.I),
    re.compile(r"مئات"),
    re.compile(r"\b(?:thousands|milliers)\b", re.I),
    re.compile(r"آلاف"),
    re.compile(r"\bmillions\b", re.I),
    re.compile(r"الملايين"),
]

_ORDINAL_WORDS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\b(?:first|premier|première)\b", re.I), 1),
    (re.compile(r"\b(?:second|deuxième|seconde?)\b", re.I), 2),
    (re.compile(r"\b(?:third|troisième)\b", re.I), 3),
    (re.compile(r"(?:الأولى|الأول)\b"), 1),
    (re.compile(r"(?:الثانية|الثاني)\b"), 2),
    (re.compile(r"(?:الثالثة|الثالث)\b"), 3),
]

# A superlative states rank 1: "the most used", "la plus prisée", "الأكثر استخداماً".
_SUPERLATIVE = re.compile(r"\b(?:the most|le plus|la plus|les plus)\b|الأكثر", re.I)


def normalize_digits(text: str) -> str:
    """Return ``text`` with Arabic-Indic digits replaced by ASCII digits."""
    return text.translate(_DIGITS)


def _readings(token: str) -> set[float]:
    """All values a numeral token can mean: grouped thousands, a decimal, or its parts."""
    groups = re.split(rf"[{_SEPARATORS}]", token)
    seps = re.findall(rf"[{_SEPARATORS}]", token)
    values = {float(g) for g in groups}
    if len(groups) == 1:
        return values
    if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        values.add(float("".join(groups)))
    if seps[-1] in _DECIMAL_MARKS:
        head = groups[:-1]
        if len(head) == 1 or (len(head[0]) <= 3 and all(len(g) == 3 for g in head[1:])):
            values.add(float("".join(head) + "." + groups[-1]))
    # "2024 300" or "12 يونيو 22" are two numbers, not one: keep each group's own value too,
    # and the values of the groups split at spaces.
    for part in re.split(r"[ \u00a0\u202f]", token):
        if part:
            values |= _readings(part) if part != token else set()
    return values


def numbers_in(text: str) -> set[float]:
    """Return every value a phrase may state as a cardinal number.

    Parameters
    ----------
    text
        A phrase in English, French or Arabic.

    Returns
    -------
    set of float
        Numerals in any digit script and grouping, scaled by a following "million(s)",
        "milliard(s)", "مليون", "مليارات"…; ratios such as "1 sur 10" as a percentage;
        and number words ("deux", "عامين"). Vague plurals ("des millions") are no number:
        see :func:`vague_words`.

    Examples
    --------
    >>> sorted(numbers_in("plus de 73,3 millions de contenus"))[-1]
    73300000.0
    >>> 1470.0 in numbers_in("أكثر من ١٬٤٧٠ ضحية")
    True
    """
    text = normalize_digits(text)
    values: set[float] = set()
    for match in _NUMERAL.finditer(text):
        readings = _readings(match.group())
        values |= readings
        rest = text[match.end() :]
        for pattern, factor in _SCALES:
            if pattern.match(rest):
                values |= {v * factor for v in readings}
    for a, b in _RATIO.findall(text):
        if int(b):
            values.add(100 * int(a) / int(b))
    for pattern, word_values in _CARDINAL_WORDS:
        if pattern.search(text):
            values.update(word_values)
    # Number words in any of the three languages: "twenty-five", "vingt-cinq", "ثلاثة".
    for lang in ("en", "fr", "ar"):
        values |= {m.value for m in _word_mentions(text, lang) if m.value is not None}
    return values


def _steps(token: str) -> dict[float, float]:
    """The values a numeral token can mean, each with the unit of its last written digit."""
    groups = re.split(rf"[{_SEPARATORS}]", token)
    steps = dict.fromkeys(_readings(token), 1.0)
    seps = re.findall(rf"[{_SEPARATORS}]", token)
    if len(groups) > 1 and seps[-1] in _DECIMAL_MARKS:
        head = groups[:-1]
        if len(head) == 1 or (len(head[0]) <= 3 and all(len(g) == 3 for g in head[1:])):
            decimal = float("".join(head) + "." + groups[-1])
            steps[decimal] = 10.0 ** -len(groups[-1])
    return steps


def stated_step(text: str, value: float) -> float:
    """The precision at which ``text`` states ``value``: the unit of its last written digit.

    "36.2 million" states 36,200,000 to the nearest 100,000, so it is true of any value from
    36,150,000 up to (not including) 36,250,000; "1,470" and "deux" state whole numbers
    (step 1). Returns 0 when ``text`` does not state ``value`` as a numeral or a number word.

    >>> stated_step("36.2 million reports", 36_200_000)
    100000.0
    >>> stated_step("plus de 1 470 victimes", 1470)
    1.0
    """
    normalized = normalize_digits(text)
    found: list[float] = []
    for match in _NUMERAL.finditer(normalized):
        steps = _steps(match.group())
        rest = normalized[match.end() :]
        scaled = dict(steps)
        for pattern, factor in _SCALES:
            if pattern.match(rest):
                scaled.update({v * factor: step * factor for v, step in steps.items()})
        found += [
            step for v, step in scaled.items() if math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9)
        ]
    if found:
        return min(found)  # the finest reading: never a looser match than the wording allows
    return 1.0 if states_value(text, value) else 0.0


def vague_words(text: str) -> list[str]:
    """The words in ``text`` that state only an order of magnitude ("hundreds", "الملايين").

    >>> vague_words("ils sont des millions de mineurs")
    ['millions']
    """
    return [m.group() for pattern in VAGUE_WORDS for m in pattern.finditer(text)]


def ranks_in(text: str) -> set[float]:
    """Return the ranks a phrase states: numerals, ordinal words, and 1 for a superlative."""
    values = {v for v in numbers_in(text) if v == int(v)}
    values |= {value for pattern, value in _ORDINAL_WORDS if pattern.search(text)}
    if _SUPERLATIVE.search(text):
        values.add(1)
    return values


def position_in_order(text: str, subject: str, names: Iterable[str]) -> int | None:
    """Return the 1-based position of ``subject`` among ``names`` in the order ``text`` names them.

    "Facebook serait l'outil le plus prisé suivi d'Instagram talonné par Snapchat" states
    ranks by order: Facebook 1, Instagram 2, Snapchat 3. Returns None when ``subject`` is
    not named in ``text``.
    """
    lowered = text.casefold()
    found = sorted(
        (lowered.find(name.casefold()), name) for name in set(names) if name.casefold() in lowered
    )
    order = [name for _, name in found]
    return order.index(subject) + 1 if subject in order else None


def states_value(text: str, value: float, *, rank: bool = False) -> bool:
    """Return True when ``text`` states ``value`` (as a rank when ``rank`` is set)."""
    candidates = ranks_in(text) if rank else numbers_in(text)
    return any(math.isclose(value, c, rel_tol=1e-9, abs_tol=1e-9) for c in candidates)


# --------------------------------------------------------------------------- mentions
#
# Where a text states its numbers, and how: the spans :mod:`tspolicy.candidates` proposes
# as figures, ranks and events when a document is added. The readings above say which
# values a phrase *may* state (so that no wording is refused); a mention is the one reading
# the document's language gives its numeral ("1,470" is 1470 in English, 1.47 in French).

#: How each document language writes a numeral: thousands grouped by these characters,
#: decimals after that mark. French groups by spaces (also no-break and narrow no-break
#: spaces) and points, and writes a decimal comma; English and the Arabic documents group
#: by commas (or the Arabic thousands separator U+066C) and write a decimal point (U+066B).
LOCALE_NUMERALS = {
    "en": re.compile(r"(?<!\d)\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)|(?<![\d])\d+(?:\.\d+)?"),
    "fr": re.compile(
        r"(?<![\d])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?(?![\d])|(?<![\d])\d+(?:,\d+)?"
    ),
    "ar": re.compile(
        r"(?<!\d)\d{1,3}(?:[,\u066c]\d{3})+(?:[.\u066b]\d+)?(?![\d,]\d)"
        r"|(?<![\d])\d+(?:[.\u066b]\d+)?"
    ),
}


_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th|ème|eme|e|er)\b", re.I)


def parse_numeral(token: str, lang: str) -> tuple[float, float]:
    """The value of a numeral as ``lang`` writes it, and the unit of its last written digit.

    >>> parse_numeral("1,470", "en"), parse_numeral("73,3", "fr"), parse_numeral("1 470", "fr")
    ((1470.0, 1.0), (73.3, 0.1), (1470.0, 1.0))
    """
    token = normalize_digits(token)
    decimal = "," if lang == "fr" else "."
    token = token.replace("\u066b", ".")
    whole, _, decimals = token.partition(decimal)
    whole = re.sub(r"[^\d]", "", whole)
    if decimals:
        return float(f"{whole}.{decimals}"), 10.0 ** -len(decimals)
    return float(whole), 1.0


#: Words that multiply the number before them. Each pattern must match right after the
#: numeral (spaces allowed); Arabic plurals after a number are a scale, not a vague word.
SCALE_WORDS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\s*(?:thousand|mille|ألف|آلاف|الف)(?!\w)", re.I), 1e3),
    (re.compile(r"\s*(?:millions?|مليون|ملايين)(?!\w)", re.I), 1e6),
    (re.compile(r"\s*(?:billions?|milliards?|مليار|مليارات)(?!\w)", re.I), 1e9),
]
#: A share written with its sign or word: "65%", "65 %", "65 per cent", "65 pour cent",
#: "65 في المائة".
PERCENT_AFTER = re.compile(
    r"\s*(?:%|٪|per\s?cent|pour\s?cent|في\s?الم(?:ئ|ائ)ة|بالم(?:ئ|ائ)ة)", re.I
)
#: "1 in 10", "1 sur 10", "1 من كل 10", "1 out of 10": a share in percent.
_RATIO_BETWEEN = re.compile(r"\s+(?:in|out of|sur|من كل|من)\s+", re.I)

# Number words, by language. Values of the words a number word can combine into
# ("twenty-five", "vingt-cinq"). "One", "un", "une", "واحد" are left out: they are mostly
# articles and pronouns ("one of the", "un rapport"); "one in ten" is read as a ratio.
_EN_UNITS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_FR_UNITS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19,
}  # fmt: skip
_FR_TENS = {
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "soixante-dix": 70, "quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90,
}  # fmt: skip
# Arabic: cardinals (masculine and feminine forms), and duals that are a number with their
# noun: عامين "two years", عقدين "two decades" (20 years), شهرين "two months".
_AR_WORDS = {
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاثة": 3, "ثلاث": 3, "أربعة": 4,
    "أربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "سبعة": 7, "سبع": 7, "ثمانية": 8, "ثماني": 8,
    "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10, "عشرون": 20, "عشرين": 20, "ثلاثون": 30,
    "ثلاثين": 30, "أربعون": 40, "أربعين": 40, "خمسون": 50, "خمسين": 50, "مئة": 100,
    "مائة": 100,
}  # fmt: skip
#: Arabic duals: the word, its value and the unit it counts (a noun in the dual number).
AR_DUALS = {
    "عامين": (2, "years"), "سنتين": (2, "years"), "عقدين": (20, "years"),
    "شهرين": (2, "months"), "يومين": (2, "days"), "أسبوعين": (2, "weeks"),
}  # fmt: skip
#: Arabic clitics a word may carry: و، ف، ب، ل، ك and the article ال.
_AR_PREFIX = r"(?:[وفبلك]?(?:ال|لل)?)"


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_LATIN_WORD = {
    "en": re.compile(
        rf"\b(?:(?P<tens>{_alternation(_EN_TENS)})(?:[- ](?P<unit>{_alternation(_EN_UNITS)}))?"
        rf"|(?P<solo>{_alternation(_EN_UNITS)})|(?P<dozen>a dozen)|(?P<hundred>a hundred))\b",
        re.I,
    ),
    "fr": re.compile(
        rf"\b(?:(?P<tens>{_alternation(_FR_TENS)})(?:(?:-et-|-)(?P<unit>un|une|"
        rf"{_alternation(_FR_UNITS)}))?|(?P<solo>{_alternation(_FR_UNITS)})"
        r"|(?P<dozen>une douzaine)|(?P<hundred>cent))\b(?!-)",
        re.I,
    ),
}
_AR_WORD = re.compile(rf"(?<!\w){_AR_PREFIX}(?P<word>{_alternation(_AR_WORDS)})(?!\w)")
_AR_DUAL = re.compile(rf"(?<!\w){_AR_PREFIX}(?P<word>{_alternation(AR_DUALS)})(?!\w)")
#: "two decades", "deux (dernières) décennies", "a decade": a number of decades, in years.
DECADES = re.compile(r"\s+(?:\w+\s+)?(?:decades?|décennies|décennie)\b", re.I)
_A_DECADE = re.compile(r"\b(?:a|one|une) (?:decade|décennie)\b", re.I)

#: Words that state only an order of magnitude, as mentions (no value): VAGUE_WORDS, plus
#: "dozens", "des dizaines", "عشرات", "tens of thousands", "des milliards", "billions".
_VAGUE_MENTION = re.compile(
    r"\b(?:tens of thousands|hundreds of thousands|hundreds|thousands|millions|billions|dozens"
    r"|scores|centaines|milliers|millions|milliards|dizaines|douzaines)\b"
    r"|(?<!\w)[وفبل]?(?:ال)?(?:مئات|آلاف|الآلاف|ملايين|مليارات|عشرات)(?!\w)",
    re.I,
)

#: Month names in English, French and Arabic (Egyptian and Levantine names), 1-12.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january janvier يناير كانون_الثاني",
        "february février fevrier فبراير شباط",
        "march mars مارس آذار",
        "april avril أبريل إبريل ابريل نيسان",
        "may mai مايو أيار",
        "june juin يونيو يونيه حزيران",
        "july juillet يوليو يوليه تموز",
        "august août aout أغسطس آب",
        "september septembre سبتمبر أيلول",
        "october octobre أكتوبر تشرين_الأول",
        "november novembre نوفمبر تشرين_الثاني",
        "december décembre decembre ديسمبر كانون_الأول",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name.replace("_", " ")] = _number
_ENGLISH_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip
_MONTH = rf"(?P<month>{_alternation(MONTHS)})(?:\s*/\s*(?:{_alternation(MONTHS)}))?"
#: A date: "24 June 2024", "June 24, 2024", "le 1er décembre 2023", "12 يونيو", "mai 2024",
#: "March", "مارس/آذار". Day and year are optional; the month is not.
DATE = re.compile(
    rf"(?:(?P<day>\d{{1,2}})(?:er)?\s+)?{_MONTH}(?:\s+(?P<day2>\d{{1,2}}),?)?"
    rf"(?:\s+(?P<year>(?:19|20)\d{{2}}))?(?!\w)",
    re.I,
)
#: A year on its own: 1900–2099, not part of a larger number.
YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d%٪])")

#: Ordinal words stating a rank (beyond :data:`_ORDINAL_WORDS`, used to read excerpts).
_ORDINALS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\b(?:first|premier|première|premiere)\b", re.I), 1),
    (re.compile(r"\b(?:second|deuxième|deuxieme|seconde?)\b", re.I), 2),
    (re.compile(r"\b(?:third|troisième|troisieme)\b", re.I), 3),
    (re.compile(r"\b(?:fourth|quatrième)\b", re.I), 4),
    (re.compile(r"\b(?:fifth|cinquième)\b", re.I), 5),
    (re.compile(r"\b(?:\d+)(?:st|nd|rd|th|e|ème|er)\b", re.I), 0),  # 2nd, 3e: value read below
    (re.compile(r"(?<!\w)(?:المرتبة|المركز)\s+(?:الأولى|الأول)(?!\w)"), 1),
    (re.compile(r"(?<!\w)(?:المرتبة|المركز)\s+(?:الثانية|الثاني)(?!\w)"), 2),
    (re.compile(r"(?<!\w)(?:المرتبة|المركز)\s+(?:الثالثة|الثالث)(?!\w)"), 3),
    (re.compile(r"(?<!\w)(?:المرتبة|المركز)\s+(?:الرابعة|الرابع)(?!\w)"), 4),
]
#: A superlative stating rank 1 ("the most used", "la plus prisée", "الأكثر استخداماً"),
#: unless it is one of several ("one of the most", "l'une des … les plus", "من أكثر").
SUPERLATIVE = re.compile(
    r"\b(?:the most|the largest|the biggest|the top|le plus|la plus)\s+\w+"
    r"|(?<!\w)(?:هو|هي|ال\w+)\s+الأكثر\s+\w+",
    re.I,
)
_ONE_OF = re.compile(r"(?:one of|l[’']une? des|parmi les|من)\s+(?:\S+\s+){0,3}$", re.I)
#: Words that give the next rank after a superlative: "followed by", "suivi de", "يليه".
FOLLOWED_BY = re.compile(
    r"(?:,?\s*(?:followed by|then|ahead of|suivie?s? (?:de|d[’'])|talonnée? par|puis|"
    r"يليه|تليه|ثم|يليها))\s*[\"«“]?\s*(?P<name>[\w.-]+)",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    """One number, rank, vague word or date a text states, where it states it.

    Attributes
    ----------
    start, end
        The span of the number's own words in the text (``text[start:end]``): the numeral
        with its scale word, sign or noun ("73,3 millions", "65%", "عقدين").
    kind
        ``number``, ``percent`` (a share, from "65%" or "1 in 10"), ``rank``, ``vague``
        (a word with no value), ``year`` or ``date``.
    value
        In base units (73300000, 65, 20 for "two decades" of years); None for ``vague``.
    step
        The unit of the last written digit (100000 for "73,3 millions"); 1 for words.
    unit
        A unit the wording itself gives (``percent``, ``rank``, ``years``…), else None.
    date
        For ``year`` and ``date``: ISO at the stated precision ("2024", "2024-05",
        "2025-06-12"; "--06-12" when the year is not stated).
    """

    start: int
    end: int
    kind: str
    value: float | None
    step: float = 1.0
    unit: str | None = None
    date: str | None = None


def _numeral_mentions(text: str, lang: str) -> list[Mention]:
    found: list[Mention] = []
    normalized = normalize_digits(text)
    pattern = LOCALE_NUMERALS.get(lang, LOCALE_NUMERALS["en"])
    matches = list(pattern.finditer(normalized))
    used_as_ratio: set[int] = set()
    for i, match in enumerate(matches):
        if match.start() in used_as_ratio:
            continue
        value, step = parse_numeral(match.group(), lang)
        end, unit, kind = match.end(), None, "number"
        rest = normalized[end:]
        if _ORDINAL_SUFFIX.match(rest):
            continue  # "25th", "3e": an ordinal, read as a rank
        # "1 in 10", "1 sur 10", "1 من كل 10": one share.
        if i + 1 < len(matches):
            between = normalized[end : matches[i + 1].start()]
            following, _ = parse_numeral(matches[i + 1].group(), lang)
            # Not "2,100 in 2024" nor "300 in 2024": a year after "in" is a date, and a share
            # is at most the whole.
            if (
                following
                and value <= following
                and not YEAR.fullmatch(matches[i + 1].group())
                and _RATIO_BETWEEN.fullmatch(between)
            ):
                share = 100 * value / following
                found.append(
                    Mention(match.start(), matches[i + 1].end(), "percent", share, 1.0, "percent")
                )
                used_as_ratio.add(matches[i + 1].start())
                continue
        percent = PERCENT_AFTER.match(rest)
        if percent:
            end, unit, kind = end + percent.end(), "percent", "percent"
        else:
            for scale, factor in SCALE_WORDS:
                scaled = scale.match(rest)
                if scaled:
                    value, step, end = value * factor, step * factor, end + scaled.end()
                    break
            else:
                decades = DECADES.match(rest)
                if decades:
                    value, step, end, unit = value * 10, 10.0, end + decades.end(), "years"
        found.append(Mention(match.start(), end, kind, value, step, unit))
    return found


_WORD_RATIO = re.compile(r"\b(?:one|un|une)\s+(?:in|out of|sur)\s+(?=\w)", re.I)


def _word_mentions(text: str, lang: str) -> list[Mention]:
    found: list[Mention] = []
    if lang in _LATIN_WORD:
        # "one in ten", "un sur cinq": a share, in percent.
        for match in _WORD_RATIO.finditer(text):
            word = _LATIN_WORD[lang].match(text, match.end())
            if word:
                (of,) = [m.value for m in _word_mentions(word.group(), lang)][:1] or [0.0]
                if of:
                    found.append(
                        Mention(match.start(), word.end(), "percent", 100 / of, 1.0, "percent")
                    )
        for match in _LATIN_WORD[lang].finditer(text):
            groups = match.groupdict()
            if groups["dozen"]:
                value = 12.0
            elif groups["hundred"]:
                value = 100.0
            elif groups["tens"]:
                tens = (_EN_TENS if lang == "en" else _FR_TENS)[groups["tens"].lower()]
                unit_word = (groups["unit"] or "").lower()
                units = (
                    1
                    if unit_word in {"un", "une"}
                    else ((_EN_UNITS if lang == "en" else _FR_UNITS).get(unit_word, 0))
                )
                value = float(tens + units)
            else:
                value = float((_EN_UNITS if lang == "en" else _FR_UNITS)[groups["solo"].lower()])
            end, unit = match.end(), None
            decades = DECADES.match(text[end:])
            if decades:
                value, end, unit = value * 10, end + decades.end(), "years"
            found.append(Mention(match.start(), end, "number", value, 1.0, unit))
        for match in _A_DECADE.finditer(text):
            found.append(Mention(match.start(), match.end(), "number", 10.0, 1.0, "years"))
    if lang == "ar":
        for match in _AR_DUAL.finditer(text):
            value, unit = AR_DUALS[match.group("word")]
            found.append(
                Mention(
                    match.start(),
                    match.end(),
                    "number",
                    float(value),
                    1.0,
                    unit if unit == "years" else None,
                )
            )
        for match in _AR_WORD.finditer(text):
            value = float(_AR_WORDS[match.group("word")])
            end, unit = match.end(), None
            if re.match(r"\s+(?:عقود|عقد)(?!\w)", text[end:]):
                value, unit = value * 10, "years"
            found.append(Mention(match.start(), end, "number", value, 1.0, unit))
    return found


def _rank_mentions(text: str) -> list[Mention]:
    found: list[Mention] = []
    for pattern, value in _ORDINALS:
        for match in pattern.finditer(text):
            rank = value or int(re.match(r"\d+", match.group()).group())
            found.append(Mention(match.start(), match.end(), "rank", float(rank), 1.0, "rank"))
    for match in SUPERLATIVE.finditer(text):
        if _ONE_OF.search(text[max(0, match.start() - 60) : match.start()]):
            continue
        start = match.start()
        if not re.match(r"the|le|la", match.group(), re.I):  # Arabic: from الأكثر
            start = match.start() + match.group().index("الأكثر")
        found.append(Mention(start, match.end(), "rank", 1.0, 1.0, "rank"))
        # "le plus prisé suivi d'Instagram talonné par Snapchat": ranks 2, 3… by order.
        end, rank = match.end(), 1
        sentence_end = re.search(r"[.!?؟\n]", text[end:])
        limit = end + (sentence_end.start() if sentence_end else len(text) - end)
        while follow := FOLLOWED_BY.search(text, end, limit):
            if len(text[end : follow.start()].split()) > 3:
                break
            rank += 1
            end = follow.end()
            found.append(Mention(start, end, "rank", float(rank), 1.0, "rank"))
    return found


def mentions(text: str, lang: str) -> list[Mention]:
    """Every number, rank, vague word, year and date ``text`` states, in text order.

    Parameters
    ----------
    text
        A document, in ``lang``.
    lang
        ``en``, ``fr`` or ``ar``: how its numerals group thousands and mark decimals, and
        which number words, vague words, ordinals and month names to read.

    Returns
    -------
    list of Mention
        Sorted by position, then by span. A numeral that is part of a date or a ratio is
        not also a number of its own; a vague plural after a numeral is its scale
        ("6,1 millions"), not a vague word.

    Examples
    --------
    >>> [(m.kind, m.value) for m in mentions("more than 1,470 victims since 2011", "en")]
    [('number', 1470.0), ('year', 2011.0)]
    """
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []

    def free(start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in taken)

    normalized = normalize_digits(text)
    for match in DATE.finditer(normalized):
        day = match.group("day") or match.group("day2")
        year = match.group("year")
        month = MONTHS[match.group("month").lower()]
        if day and not 1 <= int(day) <= 31:
            continue
        name = match.group("month")
        # English capitalises month names; "may" and "march" are also verbs.
        if name.lower() in _ENGLISH_MONTHS and (
            not name[0].isupper() or (name == "May" and not (day or year))
        ):
            continue
        iso = f"{year or '--'}" + f"-{month:02d}" + (f"-{int(day):02d}" if day else "")
        if not year:
            iso = f"--{month:02d}" + (f"-{int(day):02d}" if day else "")
        stated = float(year) if year else None
        out.append(Mention(match.start(), match.end(), "date", stated, 1.0, None, iso))
        taken.append((match.start(), match.end()))
    numerals = _numeral_mentions(text, lang)
    for m in numerals:
        token = normalized[m.start : m.end]
        if m.kind == "number" and m.unit is None and YEAR.fullmatch(token) and free(m.start, m.end):
            out.append(Mention(m.start, m.end, "year", m.value, 1.0, None, token))
            taken.append((m.start, m.end))
    for m in [*numerals, *_word_mentions(text, lang)]:
        if free(m.start, m.end):
            out.append(m)
            taken.append((m.start, m.end))
    for match in _VAGUE_MENTION.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), "vague", None, 1.0, None))
            taken.append((match.start(), match.end()))
    dates = [(m.start, m.end) for m in out if m.kind == "date"]
    out += [m for m in _rank_mentions(text) if not any(m.start < b and a < m.end for a, b in dates)]
    return sorted(out, key=lambda m: (m.start, m.end, m.kind))
