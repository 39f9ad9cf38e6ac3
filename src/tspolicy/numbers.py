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
