"""Candidate figures and events found in a document's text, for a curator to accept or reject.

:func:`find_candidates` reads a document (English, French or Arabic) and proposes one
candidate per number, number word, vague word ("hundreds"), rank stated in words
(superlatives, ordinals, "followed by") and year or date the text states: its value in base
units, a unit and a qualifier guessed from the wording ("more than", "environ", "أكثر من"),
the shortest verbatim excerpt that states it, and its position. Numbers the dataset already
knows — a figure of another document, a value of a context series in ``data/context/`` —
come with what is known about them (metric, subject, claim, primary check).

The candidates are written to ``data/candidates/<document_id>.csv``
(:data:`COLUMNS`), one row per candidate in text order, for a person to edit;
:mod:`tspolicy.adddoc` moves the accepted ones into the dataset.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import numbers
from .numbers import Mention

#: The columns of a candidates file, in order. The tool fills ``candidate`` … ``hint`` (and
#: what it knows of the rest); the curator writes ``accept`` (yes or no), ``reason`` when
#: rejecting, and the figure's, event's and primary check's fields.
COLUMNS = (
    # the curator's decision
    "candidate",
    "accept",
    "reason",
    # what the tool found (editable)
    "kind",
    "value",
    "unit",
    "qualifier",
    "excerpt",
    "position",
    "line",
    "hint",
    # a figure (kind figure): as in figures.csv
    "metric",
    "subject",
    "period",
    "period_from",
    "geography",
    "geography_from",
    "primary_source",
    "note",
    # an event (kind event): as in events.csv
    "date",
    "date_precision",
    "date_inferred",
    "event",
    # the primary check of the figure's claim (or of the event), as in primary_checks.csv
    "check_verdict",
    "check_primary_source",
    "check_publisher",
    "check_published",
    "check_url",
    "check_seen_in",
    "check_primary_value",
    "check_definition",
    "check_explanation",
)
#: Candidate kinds: a figure (a number, a vague word or a rank) or a dated event.
KINDS = ("figure", "event")


def vocabulary(data_dir: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """The controlled vocabularies candidates use: units, qualifiers, verdicts, document kinds,
    read from the one vocabulary table (``data/vocabulary.csv``).

    Raises
    ------
    tspolicy.data.DataError
        When the package or its vocabulary table cannot be read.
    """
    from .data import resource_descriptor

    def enum(resource: str, name: str) -> tuple[str, ...]:
        fields = resource_descriptor(resource, data_dir)["schema"]["fields"]
        field = next(f for f in fields if f["name"] == name)
        return tuple(field.get("constraints", {}).get("enum", ()))

    return {
        "unit": enum("figures", "unit"),
        "qualifier": enum("figures", "qualifier"),
        "verdict": enum("primary_checks", "verdict"),
        "kind": enum("sources", "kind"),
    }


# --------------------------------------------------------------------------- wording

_FILLER = r"(?:(?:the|of|some|de|d[’']|des|la|le|les|l[’']|الـ|ال)\s*)?"
#: Words before a number that bound it, by qualifier. ``None``: an upper bound ("less
#: than"), which the qualifier vocabulary has no word for (the curator decides).
QUALIFIER_BEFORE: dict[str | None, re.Pattern[str]] = {
    "more_than": re.compile(
        r"(?:more than|upwards? of|in excess of|plus de|plus d[’']|au-delà de|أكثر من"
        r"|ما يزيد (?:على|عن)|يزيد (?:على|عن)|ما يربو على)\s*$",
        re.I,
    ),
    "at_least": re.compile(
        r"(?:at least|no fewer than|no less than|au moins|pas moins de|ما لا يقل عن"
        r"|لا يقل عن)\s*$",
        re.I,
    ),
    "about": re.compile(
        r"(?:\babout|\baround|approximately|roughly|nearly|almost|\bsome|an estimated"
        r"|estimated|close to|environ|près de|presque|quelque|approximativement|autour de"
        r"|(?<!\w)نحو|حوالي|حوالى|قرابة|ما يقارب|ما يقرب من|زهاء)\s*$",
        re.I,
    ),
    None: re.compile(
        r"(?:less than|fewer than|\bunder|up to|moins de|jusqu[’']à|أقل من)\s*$", re.I
    ),
}
#: "over 70 sources" is more than 70; "over two years" is a duration.
_OVER = re.compile(r"\bover\s*$", re.I)
QUALIFIER_AFTER: dict[str, re.Pattern[str]] = {
    "at_least": re.compile(r"^\s*(?:\S+\s+)?(?:or more|ou plus|et plus|أو أكثر|فأكثر|على الأقل)"),
    "about": re.compile(r"^\s*(?:\S+\s+)?(?:تقريباً|تقريبا|or so|environ)(?!\w)"),
}

#: Nouns that give a count's unit (English, French; Arabic stems after clitics and the
#: article are stripped). Only units of the vocabulary are proposed.
UNIT_NOUNS: dict[str, tuple[str, ...]] = {
    "people": (
        "people",
        "persons",
        "person",
        "individuals",
        "victims",
        "children",
        "child",
        "kids",
        "girls",
        "boys",
        "women",
        "men",
        "minors",
        "adolescents",
        "teenagers",
        "traffickers",
        "perpetrators",
        "offenders",
        "suspects",
        "activists",
        "workers",
        "users",
        "survivors",
        "members",
        "defendants",
        "predators",
        "personnes",
        "individus",
        "victimes",
        "enfants",
        "filles",
        "garçons",
        "femmes",
        "hommes",
        "mineurs",
        "adolescentes",
        "trafiquants",
        "auteurs",
        "militants",
        "militantes",
        "travailleurs",
        "utilisateurs",
        "survivants",
        "survivantes",
        "membres",
        "prédateurs",
        "ضحي",
        "ضحاي",
        "طفل",
        "اطفال",
        "أطفال",
        "شخص",
        "اشخاص",
        "أشخاص",
        "فتا",
        "فتي",
        "نساء",
        "امرأ",
        "قاصر",
        "متاجر",
        "مرتكب",
        "ناشط",
        "عمال",
        "عامل",
        "مستخدم",
        "ناج",
        "رجل",
        "رجال",
        "مهرب",
        "متهم",
    ),
    "cases": (
        "cases",
        "case",
        "prosecutions",
        "investigations",
        "affaires",
        "cas",
        "dossiers",
        "poursuites",
        "enquêtes",
        "حالات",
        "حالة",
        "قضي",
        "قضايا",
    ),
    "items": (
        "pieces",
        "items",
        "content",
        "contents",
        "images",
        "photos",
        "videos",
        "files",
        "posts",
        "accounts",
        "reports",
        "contenus",
        "vidéos",
        "fichiers",
        "comptes",
        "signalements",
        "محتوى",
        "صور",
        "مقاطع",
        "مقطع",
        "حساب",
        "بلاغ",
        "ملف",
        "منشور",
    ),
    "years": ("years", "year", "ans", "années", "an", "عام", "أعوام", "اعوام", "سنة", "سنوات"),
    "votes": ("votes", "vote", "voix", "صوت", "أصوات"),
    "sources": ("sources", "source", "مصدر", "مصادر"),
}
_UNANIMOUS = re.compile(r"unanim|إجماع|vote|voix|صوت", re.I)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
#: Words after a number that make it a duration: "over three months" is not "more than".
_DURATION = re.compile(
    r"^\s*(?:\w+\s+)?(?:years?|months?|weeks?|days?|hours?|decades?|ans|années|mois|semaines"
    r"|jours|heures|décennies)\b",
    re.I,
)
_HARAKAT = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_AR_CLITICS = re.compile(r"^(?:[وفبلك]?(?:ال|لل)|[وفبلك])(?=\w{2,})")
#: Where an excerpt stops: the end of a clause.
_CLAUSE_END = re.compile(r"[!?;:؟؛،()\[\]«»\"“”\n]|[.,](?![\d\u0660-\u0669])")
_WORD = re.compile(r"(?:[^\s.!?;:؟؛،,()\[\]«»\"“”]|[.,](?=[\d\u0660-\u0669]))+")
#: Words that open a year's phrase ("in 2016", "depuis 2011", "في عام 2008").
_SINCE = re.compile(r"(?:since|depuis|منذ)\s+(?:\S+\s+)?$", re.I)


def _stems(word: str) -> set[str]:
    """The forms of a word to look up: as written, and (Arabic) without clitics and article."""
    word = _HARAKAT.sub("", unicodedata.normalize("NFC", word)).strip("’'\"“”«»")
    if not re.search(r"[\u0600-\u06ff]", word):
        return {word.casefold()}
    return {w.rstrip("ا") for w in (word, _AR_CLITICS.sub("", word)) if w}


def _unit_for(word: str, units: tuple[str, ...]) -> str | None:
    for stem in _stems(word):
        arabic = re.search(r"[\u0600-\u06ff]", stem) is not None
        for unit, nouns in UNIT_NOUNS.items():
            if unit not in units:
                continue
            for noun in nouns:
                if stem == noun.casefold() or (arabic and stem.startswith(noun)):
                    return unit
    return None


def _words_after(text: str, end: int, limit: int = 3) -> list[re.Match[str]]:
    stop = _CLAUSE_END.search(text, end)
    region_end = stop.start() if stop else len(text)
    return list(_WORD.finditer(text, end, region_end))[:limit]


def _words_before(text: str, start: int, limit: int = 3) -> list[re.Match[str]]:
    region_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    return list(_WORD.finditer(text, region_start, start))[-limit:]


def qualifier_of(
    text: str, mention: Mention, unit: str | None = None
) -> tuple[str | None, int, str]:
    """The qualifier the wording gives a number, where its words start, and a remark.

    Returns ``(qualifier, start, hint)``: ``exact`` when nothing bounds the number,
    ``vague`` for a vague word, ``None`` for an upper bound ("less than"), which the
    vocabulary cannot record.
    """
    if mention.kind == "vague":
        return numbers.VAGUE, mention.start, ""
    window_start = max(0, mention.start - 40)
    window = text[window_start : mention.start]
    stripped = re.sub(rf"{_FILLER}$", "", window)
    for qualifier, pattern in QUALIFIER_BEFORE.items():
        match = pattern.search(window) or pattern.search(stripped)
        if match:
            start = window_start + match.start()
            if qualifier is None:
                return (
                    None,
                    start,
                    (
                        f"an upper bound ('{match.group().strip()}'): the qualifier vocabulary has "
                        "no word for it; write exact only if the document means the number itself"
                    ),
                )
            return qualifier, start, ""
    after = text[mention.end : mention.end + 40]
    for qualifier, pattern in QUALIFIER_AFTER.items():
        if pattern.search(after):
            return qualifier, mention.start, ""
    over = _OVER.search(stripped)
    duration = (unit or mention.unit) == "years" or _DURATION.match(text[mention.end :])
    if over and not duration:
        return "more_than", window_start + over.start(), ""
    if mention.unit == "years" and mention.value and mention.value % 10 == 0 and mention.step == 1:
        word = text[mention.start : mention.end]
        if re.search(r"decade|décenni|عقد", word, re.I):
            return "about", mention.start, "decades are a round figure: qualifier about"
    return "exact", mention.start, ""


def unit_of(text: str, mention: Mention, units: tuple[str, ...]) -> tuple[str | None, int, int]:
    """The unit a number's wording gives, and the span of the excerpt that names it."""
    start, end = mention.start, mention.end
    if mention.kind == "percent" or mention.unit == "percent":
        return ("percent" if "percent" in units else None), start, end
    if mention.kind == "rank":
        return ("rank" if "rank" in units else None), start, end
    if mention.unit in units:
        return mention.unit, start, end
    after = _words_after(text, end)
    score = re.match(r"\s*[-–]\s*\d", numbers.normalize_digits(text[end : end + 4])) or re.match(
        r".*\d\s*[-–]\s*$", numbers.normalize_digits(text[max(0, start - 4) : start])
    )
    # "22-0" after "unanimously": a vote.
    if score and _UNANIMOUS.search(text[max(0, start - 30) : end + 10]) and "votes" in units:
        return "votes", start, end
    skip = {"of", "de", "d’", "d'", "des", "من", "du"}
    for i, word in enumerate(after[:2]):
        if i == 0 and word.group().casefold() in skip:
            continue
        unit = _unit_for(word.group(), units)
        if unit:
            return unit, start, word.end()
        break
    # Arabic may name the unit first: "السنوات الـ20" (the 20 years).
    for word in reversed(_words_before(text, start, 2)):
        unit = _unit_for(word.group(), units) if _ARABIC.search(word.group()) else None
        if unit:
            return unit, word.start(), end
    return None, start, end


@dataclass
class Candidate:
    """One candidate: a row of the candidates file (see :data:`COLUMNS`)."""

    kind: str
    value: float | None
    unit: str | None
    qualifier: str | None
    excerpt: str
    position: int
    line: int
    hints: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def row(self, number: int) -> dict[str, str]:
        """The candidate as a CSV row, ``C`` and its number first."""
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            candidate=f"C{number:03d}",
            kind=self.kind,
            value="" if self.value is None else format_value(self.value),
            unit=self.unit or "",
            qualifier=self.qualifier or "",
            excerpt=self.excerpt,
            position=str(self.position),
            line=str(self.line),
            hint="; ".join(h for h in self.hints if h),
        )
        row.update({k: v for k, v in self.fields.items() if v})
        return row


def format_value(value: float) -> str:
    """A value as the dataset writes it: 73300000, 65, 10, 0.5 (no exponent, no .0)."""
    if value == int(value):
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _where(text: str, mention: Mention, start: int, end: int) -> dict[str, object]:
    """A candidate's value and where the text states it: its excerpt (``start``..``end``,
    clipped to the sentence), its position and line."""
    return {
        "value": mention.value,
        "excerpt": _clip(text, start, end),
        "position": mention.start,
        "line": _line(text, mention.start),
    }


def _clip(text: str, start: int, end: int) -> str:
    return re.sub(r"\s+", " ", text[start:end]).strip()


def _clause_start(text: str, start: int, max_words: int = 12) -> int:
    words = _words_before(text, start, max_words)
    return words[0].start() if words else start


def _excerpt_span(text: str, mention: Mention, qual_start: int, unit_span: tuple[int, int]):
    start, end = min(qual_start, unit_span[0]), max(mention.end, unit_span[1])
    if mention.kind == "rank":
        start = _clause_start(text, mention.start)
        after = _words_after(text, mention.end, 1)
        if mention.value == 1 and after and mention.end - mention.start < 25:
            end = after[0].end()
    elif mention.kind == "vague":
        before = _words_before(text, start, 1)
        if before and re.fullmatch(r"des|de|of|the|les", before[0].group(), re.I):
            start = before[0].start()
        after = _words_after(text, mention.end, 2)
        if after:
            end = (
                after[-1].end()
                if re.fullmatch(r"of|de|d’|d'|من", after[0].group(), re.I)
                else (after[0].end())
            )
    elif mention.kind in {"year", "date"}:
        before = _words_before(text, start, 3)
        if before:
            start = before[0].start()
    elif end == mention.end and unit_span == (mention.start, mention.end):
        # No unit noun found: the next word still says what is counted.
        after = _words_after(text, mention.end, 1)
        if after and mention.kind != "percent":
            end = after[0].end()
    return start, end


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def find_candidates(text: str, lang: str, units: tuple[str, ...]) -> list[Candidate]:
    """Every figure, rank and event candidate ``text`` states, in text order.

    Parameters
    ----------
    text
        The document's text.
    lang
        Its language, ``en``, ``fr`` or ``ar``.
    units
        The unit vocabulary (:func:`vocabulary`): only these are proposed.
    """
    out: list[Candidate] = []
    for mention in numbers.mentions(text, lang):
        if mention.kind in {"year", "date"}:
            out.append(_event_candidate(text, mention))
            continue
        unit, *unit_span = unit_of(text, mention, units)
        qualifier, qual_start, hint = qualifier_of(text, mention, unit)
        start, end = _excerpt_span(text, mention, qual_start, tuple(unit_span))
        hints = [hint]
        glued = re.search(r"[A-Za-z.]$", text[max(0, mention.start - 1) : mention.start])
        if mention.kind == "number" and glued:
            hints.append("a numeral attached to letters: an identifier (a bill, a case number)?")
        if mention.kind == "number" and _is_age(text, mention):
            hints.append(
                "an age? A victim's age is a personal detail: reject it with the reason "
                "'personal detail of a victim's story: not data', and nothing of the story"
            )
        if mention.kind == "vague":
            hints.append("a vague word: no value (qualifier vague); never write it as a number")
        if _SINCE.search(text[max(0, mention.start - 30) : mention.start]):
            hints.append("'since': a start year is a period (2011/..), not a count")
        out.append(
            Candidate(
                kind="figure",
                unit=unit,
                qualifier=qualifier,
                hints=hints,
                fields=_rank_subject(text, mention),
                **_where(text, mention, start, end),
            )
        )
    return out


_AGE_BEFORE = re.compile(
    r"(?:[aâ]g[ée]e?s? de|n[’']avait que|عمرها|عمره|البالغة?|بعمر|,)\s*$", re.I
)
_AGE_AFTER = re.compile(r"^(?:\s*years? old|-year-old|\s*ans\b|\s*(?:عاما|عامًا|عاماً|سنة))", re.I)


def _is_age(text: str, mention: Mention) -> bool:
    """A number worded as someone's age ("aged 12", "12-year-old", "Maya, 12 ans")."""
    after = text[mention.end : mention.end + 12]
    before = text[max(0, mention.start - 20) : mention.start]
    if re.match(r"^(?:\s*years? old|-year-old)", after, re.I) or re.search(
        r"\baged\s*$", before, re.I
    ):
        return True
    return bool(_AGE_AFTER.match(after) and _AGE_BEFORE.search(before))


def _rank_subject(text: str, mention: Mention) -> dict[str, str]:
    """The subject a rank names: the platform after "followed by", before "ranked second"."""
    if mention.kind != "rank":
        return {}
    if mention.value and mention.value > 1:
        follow = list(numbers.FOLLOWED_BY.finditer(text, mention.start, mention.end))
        if follow:
            return {"subject": follow[-1].group("name").strip('"«»“”')}
    before = _words_before(text, mention.start, 2)
    if before and re.fullmatch(r"(?:احتل|احتلت|جاء|جاءت)", before[0].group()) and len(before) > 1:
        return {"subject": before[1].group().strip('"«»“”')}
    return {}


def _event_candidate(text: str, mention: Mention) -> Candidate:
    start, end = _excerpt_span(text, mention, mention.start, (mention.start, mention.end))
    iso = mention.date or ""
    fields = {"date": iso, "date_inferred": "false"}
    hints = []
    if iso.startswith("--"):
        fields["date_inferred"] = "true"
        hints.append(
            "no year in the text: write the year in date and say in note how it was inferred"
        )
        fields["date_precision"] = "day" if len(iso) == 7 else "month"
    else:
        fields["date_precision"] = {4: "year", 7: "month", 10: "day"}[len(iso)]
    if mention.kind == "year":
        hints.append(
            "a year: an event (fill event), or the period of a figure (write it there and "
            "reject this one with reason 'period of …')"
        )
    if _SINCE.search(text[max(0, mention.start - 30) : mention.start]):
        hints.append("'since': likely the start of a period (2011/..)")
    return Candidate(
        kind="event",
        unit=None,
        qualifier=None,
        hints=hints,
        fields=fields,
        **_where(text, mention, start, end),
    )


# --------------------------------------------------------------------------- known numbers


#: Context series hold large counts: smaller values would match them by chance.
CONTEXT_MINIMUM = 100_000


def _distinctive(value: float | None, unit: str | None) -> bool:
    """Worth matching against what the dataset knows: not a small whole count or a year."""
    if value is None or unit in {"rank", "years"}:
        return False
    return value >= 100 or value != int(value) or unit == "percent"


def annotate_known(
    candidates: list[Candidate], data_dir: str | Path | None = None, document_id: str = ""
) -> None:
    """Add what the dataset knows of each candidate's value (in place).

    A value stated by figures of other documents (same value and unit) brings their metric,
    subject, period and primary source when they agree, and the claim's primary check; a
    value of a context series (a row, or Meta's sum over consecutive quarters of one year)
    brings the series as the primary check to compare with.
    """
    from .corroborate import claim_keys
    from .data import load_figures, load_primary_checks

    figures = load_figures(data_dir)
    figures = figures[figures["value"].notna()].copy()
    figures["claim"] = claim_keys(figures)
    figures = figures[figures["document_id"].astype(str) != document_id]
    checks = load_primary_checks(data_dir).set_index("claim")["verdict"].astype(str).to_dict()
    context = _context_values(data_dir)
    for candidate in candidates:
        if candidate.kind != "figure" or not _distinctive(candidate.value, candidate.unit):
            continue
        value = candidate.value
        assert value is not None
        same = figures[(figures["value"].astype(float) - value).abs() < 1e-9]
        if candidate.unit:
            same = same[same["unit"].astype(str) == candidate.unit]
        if len(same):
            ids = ", ".join(same["figure_id"])
            claims = sorted(set(same["claim"]))
            text = f"known: {ids} state the same value"
            if len(claims) == 1:
                verdict = checks.get(claims[0])
                text += f" (claim {claims[0]}, primary check: {verdict or 'none'})"
                first = same.iloc[0]
                for name in ("metric", "subject", "period", "period_from", "primary_source"):
                    cell = first[name]
                    if cell is not None and str(cell) not in {"", "<NA>", "nan"}:
                        candidate.fields.setdefault(name, str(cell))
                if candidate.unit is None:
                    candidate.unit = str(first["unit"])
            candidate.hints.append(text)
            continue
        step = _step(candidate)
        # The context series count reports and pieces of content.
        if value < CONTEXT_MINIMUM or candidate.unit not in {None, "items"}:
            continue
        for label, exact, check in context:
            if abs(exact - value) <= step / 2 + 1e-9:
                candidate.hints.append(
                    f"known: {label} = {format_value(exact)}; compare the definitions before "
                    "writing a verdict"
                )
                for name, cell in check.items():
                    candidate.fields.setdefault(name, cell)
                candidate.fields.setdefault("check_primary_value", format_value(exact))
                break


def _step(candidate: Candidate) -> float:
    step = numbers.stated_step(candidate.excerpt, candidate.value or 0.0)
    return step if step else 1.0


def _context_values(data_dir: str | Path | None) -> list[tuple[str, float, dict[str, str]]]:
    """(description, value, primary-check fields) for each value the context series hold."""
    from .context import SERIES, load_context

    out: list[tuple[str, float, dict[str, str]]] = []
    for name in sorted(SERIES):
        s = load_context(name, data_dir)
        origin = s.origin or {}
        intermediate = origin.get("intermediate") or {}
        file = f"data/context/{name}.csv"
        check = {
            "check_primary_source": str(origin.get("title", "")),
            "check_publisher": str(origin.get("producer", "")),
            "check_url": str(intermediate.get("url", "")),
            "check_seen_in": (
                f"{origin.get('producer', 'the producer')}'s figures as extracted in "
                f"{intermediate.get('title', 'an intermediate dataset')}: {file}"
            ),
            "check_definition": s.caveat,
        }
        frame = s.frame
        keys = [c for c in frame.columns if c in _CONTEXT_KEYS]
        for _, row in frame.iterrows():
            cell = row[s.value_column]
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                continue
            label = f"{file}: " + ", ".join(f"{k} {row[k]}" for k in keys)
            out.append((label, float(cell), check))
        if "quarter" in frame.columns and "app" in frame.columns:
            out += _quarter_sums(frame, s.value_column, file, check)
    return out


#: The columns that say which observation a context value is.
_CONTEXT_KEYS = ("year", "platform", "entry", "quarter", "app", "policy_area")


def _quarter_sums(frame, column: str, file: str, check: dict[str, str]):
    """Sums of one app's consecutive quarters within a year, per policy area and over all."""
    values: dict[tuple[str, str, str], float] = {}
    for quarter, app, area, value in zip(
        frame["quarter"].astype(str),
        frame["app"].astype(str),
        frame["policy_area"].astype(str),
        frame[column].astype(float),
        strict=True,
    ):
        values[(app, quarter, area)] = values.get((app, quarter, area), 0.0) + value
    out = []
    for app, year in sorted({(a, q[:4]) for a, q, _ in values}):
        quarters = sorted({q for a, q, _ in values if a == app and q[:4] == year})
        areas = sorted({r for a, q, r in values if a == app and q[:4] == year})
        for i in range(len(quarters)):
            for j in range(i, len(quarters)):
                span = quarters[i : j + 1]
                for area in [*areas, None]:
                    if i == j and area is not None:
                        continue  # one quarter of one area is a row, matched already
                    chosen = [
                        v
                        for (a, q, r), v in values.items()
                        if a == app and q in span and (area is None or r == area)
                    ]
                    if not chosen:
                        continue
                    what = "all its areas" if area is None else area
                    label = f"{file}: {app}, {span[0]}–{span[-1]}, {what} (sum)"
                    out.append((label, float(sum(chosen)), check))
    return out


# --------------------------------------------------------------------------- the file


def to_csv(rows: list[dict[str, str]]) -> str:
    """The candidates file's text: UTF-8, LF, minimal quoting, as the dataset's tables."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def candidate_rows(
    text: str, lang: str, data_dir: str | Path | None = None, document_id: str = ""
) -> list[dict[str, str]]:
    """The rows of a document's candidates file, numbered in text order.

    ``document_id``: the document's own figures (when it is already in the data) are not
    offered as what is known of its numbers.
    """
    units = vocabulary(data_dir)["unit"]
    found = find_candidates(text, lang, units)
    annotate_known(found, data_dir, document_id)
    found.sort(key=lambda c: (c.position, c.kind, c.value if c.value is not None else -1))
    return [c.row(i) for i, c in enumerate(found, start=1)]
