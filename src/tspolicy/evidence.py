"""Evidence notes: what a reader needs to check a number on the page it is printed on.

Every number a page states links (``#ev-F013``) to a note on the same page holding the
verbatim excerpt in the document's language (tagged with its ``lang`` and ``dir``), its
translation into the page's language from the data (or "translation pending" — never a
machine translation), the document's title (original and translated) and kind, and the
primary source with its verified URL, verdict and explanation. Context series (NCMEC,
Meta) get a note with their citation and caveat.

:func:`ref` writes the link a chart or a narrative puts after a number; :func:`cited` reads
the ids back from what was written, so a page's notes are exactly the ones it links to;
:func:`notes_html` writes the notes. Everything from the data is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import markupsafe
import pandas as pd

from . import formatting as fmt
from .corroborate import EVENT_PREFIX, claim_keys
from .data import Dataset
from .i18n import (
    DIRECTION,
    check_language,
    continue_sentence,
    event_text,
    in_language,
    label_written,
    metric_text,
    name,
    subject_written,
    t,
)
from .numbers import VAGUE

#: The prefix of an evidence note's HTML id: ``ev-F013``, ``ev-E005``, ``ev-ctx-…``.
ANCHOR = "ev-"
#: Context series get notes too; their id is ``ctx-<series>``.
CONTEXT_PREFIX = "ctx-"
_LINK = re.compile(r'href="#' + ANCHOR + r'([A-Za-z0-9_-]+)"')


def anchor(evidence_id: str) -> str:
    """The HTML id of a note: ``ev-F013``."""
    return ANCHOR + evidence_id


def ref(ids: Iterable[str], lang: str) -> markupsafe.Markup:
    """Footnote-style links to the notes of ``ids`` (figure, event or ``ctx-`` ids).

    Written after a number: ``<sup class="ref">[<a href="#ev-F013">F013</a>]</sup>``; the
    ids are wrapped in ``<bdi>`` so that an Arabic page does not reorder them.
    """
    ids = list(dict.fromkeys(str(i) for i in ids if str(i)))
    if not ids:
        return markupsafe.Markup("")
    label = markupsafe.escape(t("evidence.link_label", lang))
    links = markupsafe.Markup(t("punct.comma", lang)).join(
        markupsafe.Markup(
            '<a href="#{anchor}" aria-label="{label} {id}"><bdi translate="no">{short}</bdi></a>'
        ).format(anchor=anchor(i), label=label, id=_short(i, lang), short=_short(i, lang))
        for i in ids
    )
    return markupsafe.Markup('<sup class="ref">[{}]</sup>').format(links)


def _short(evidence_id: str, lang: str = "en") -> str:
    """A link's text: the figure's or event's id; a context series' short name ("NCMEC",
    "Meta"), never its snake_case id."""
    if not evidence_id.startswith(CONTEXT_PREFIX):
        return evidence_id
    series = evidence_id[len(CONTEXT_PREFIX) :]
    key = f"context.{series}.ref"
    from .i18n import strings

    return t(key, lang) if key in strings() else series


def cited(text: str) -> list[str]:
    """The ids a piece of HTML or Markdown links to (in order, each once)."""
    return list(dict.fromkeys(_LINK.findall(text)))


#: A quotation or a parenthesised original inside a translated text.
_QUOTED = re.compile(r"«\s?([^»]+?)\s?»|“([^”]+)”|\"([^\"]+)\"|\(([^()]+)\)|'([^']{4,})'")


def quotations(text: str, lang: str) -> markupsafe.Markup:
    """``text`` (a translated explanation) as HTML, its English quotations tagged.

    A translation often quotes its English source, between quotation marks or in brackets
    after the translation: « des centaines de jeunes » (hundreds of young people). Such a
    quoted or bracketed run that is English is marked ``lang="en" dir="ltr"``; English
    anywhere else stays untagged, for :mod:`tspolicy.langcheck` to find.
    """
    from .langcheck import untagged_english

    if lang == "en":
        return markupsafe.escape(text)
    out, last = [], 0
    for match in _QUOTED.finditer(text):
        inner = next(g for g in match.groups() if g is not None)
        if not untagged_english(markupsafe.escape(inner), lang):
            continue
        start = match.start() + match.group().index(inner)
        out.append(markupsafe.escape(text[last:start]))
        out.append(markupsafe.Markup('<span lang="en" dir="ltr">{}</span>').format(inner))
        last = start + len(inner)
    out.append(markupsafe.escape(text[last:]))
    return markupsafe.Markup("").join(out)


def context_ids(notes: Iterable[str], ds: Dataset) -> list[str]:
    """The evidence ids (``ctx-<series>``) of the context series whose citation a chart's
    notes give: their values are on the chart, so their notes belong on the page."""
    from .context import SERIES, load_context

    text = "\n".join(notes)
    found = []
    for series in SERIES:
        try:
            citation = load_context(series, ds.data_dir).citation()
        except (KeyError, OSError, ValueError):  # a data folder without that series
            continue
        if citation in text:
            found.append(f"{CONTEXT_PREFIX}{series}")
    return found


def tagged(text: str, ds: Dataset) -> markupsafe.Markup:
    """``text`` as HTML with the names in it marked for their language and direction.

    Document ids become ``<bdi translate="no">`` (an Arabic line would reorder their parts);
    the English names and titles of primary sources and the citations of context series
    become ``<cite lang="en" dir="ltr">`` — names, not English text passed off as the page's.
    """
    from .context import SERIES, load_context

    ids = set(ds.sources["document_id"].astype(str))
    names = {str(n) for n in ds.figures["primary_source"].dropna()}
    for column in ("primary_source", "publisher"):
        names |= {str(n) for n in ds.primary_checks[column].dropna() if str(n).strip()}
    for series in SERIES:
        try:
            names.add(load_context(series, ds.data_dir).citation())
        except (KeyError, OSError, ValueError):  # a data folder without that series
            continue
    found = sorted(ids | names, key=len, reverse=True)
    if not found:
        return markupsafe.escape(text)
    pattern = re.compile("|".join(re.escape(n) for n in found))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(markupsafe.escape(text[last : match.start()]))
        value = match.group()
        template = (
            '<bdi translate="no" class="id">{}</bdi>'
            if value in ids
            else '<cite lang="en" dir="ltr" translate="no">{}</cite>'
        )
        out.append(markupsafe.Markup(template).format(value))
        last = match.end()
    out.append(markupsafe.escape(text[last:]))
    return markupsafe.Markup("").join(out)


def verdict_text(verdict: str, lang: str, *, n: int = 1, vague: bool = False) -> str:
    """A primary-source verdict as a sentence, after ``n`` figures (``n`` > 1: "None of these
    figures has been verified…", "ces nombres comptent…") or after a vague word, which is no
    number (``vague``: "the primary source words it differently", never "this number")."""
    from .i18n import strings

    keys = []
    if vague:
        keys.append(f"verdict_vague.{verdict}")
    if n > 1:
        keys.append(f"verdict_plural.{verdict}")
    keys.append(f"verdict.{verdict}")
    return t(next(k for k in keys if k in strings()), lang)


def metric_html(metrics: pd.DataFrame, metric: str, lang: str) -> markupsafe.Markup:
    """A metric's label in ``lang`` as HTML; while it is pending, "translation pending"
    (``<em class="pending">``) followed by the metric's id in ``<code>``, so that two pending
    metrics stay distinguishable and no English label is passed off as the page's."""
    if label_written(metrics, metric, lang):
        return markupsafe.escape(metric_text(metrics, metric, "label", lang))
    return markupsafe.Markup('<em class="pending">{}</em> (<code translate="no">{}</code>)').format(
        t("evidence.pending", lang), metric
    )


def subject_html(figures: pd.DataFrame, subject: str, lang: str) -> markupsafe.Markup:
    """A subject's name in ``lang`` as HTML; while it is pending, its name as the data key
    writes it (English), tagged ``lang="en" dir="ltr"``, then "(translation pending)"."""
    written = subject_written(figures, subject, lang)
    if written:
        return markupsafe.escape(written)
    return markupsafe.Markup(
        '<span lang="en" dir="ltr" translate="no">{}</span> (<em class="pending">{}</em>)'
    ).format(subject, t("evidence.pending", lang))


def claim_html(ds: Dataset, metric: str, subject: str, lang: str) -> markupsafe.Markup:
    """ "Metric — subject" as HTML (:func:`metric_html`, :func:`subject_html`)."""
    return markupsafe.Markup("{} — {}").format(
        metric_html(ds.metrics, metric, lang), subject_html(ds.figures, subject, lang)
    )


# --------------------------------------------------------------------------- the notes


def _text(value: Any) -> str:
    """A cell as text: "" for every kind of missing value (None, NaN, pandas' NA)."""
    return "" if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else str(value)


def _translated(row: pd.Series, field: str, lang: str, own: str) -> dict[str, Any] | None:
    """A field's translation into ``lang``: None when ``lang`` is the original's language,
    ``{"text": None}`` when the translation is still pending."""
    if lang == own:
        return None
    text = _text(row.get(f"{field}_{lang}")).strip()
    return {"text": text or None}


def _document(ds: Dataset, document_id: str, lang: str) -> dict[str, Any]:
    doc = ds.sources.loc[ds.sources["document_id"] == document_id].iloc[0]
    own = str(doc["language"])
    return {
        "id": document_id,
        "title": str(doc["title"]),
        "lang": own,
        "dir": DIRECTION.get(own, "ltr"),
        "title_translated": _translated(doc, "title", lang, own),
        "kind": name("kind", str(doc["kind"]), lang),
    }


def _check(
    ds: Dataset, claim: str, lang: str, named: str = "", vague: bool = False
) -> dict[str, Any]:
    """The primary-source check of ``claim``; ``named`` is the primary source the figure's
    document names (``figures.csv``, in ``lang``: :func:`in_language`), shown when the
    check names none; ``vague``: the figure is a vague word, no number."""
    checks = ds.primary_checks
    match = checks.loc[checks["claim"] == claim]
    if match.empty:
        return {
            "verdict_key": "unverified",
            "verdict": verdict_text("unverified", lang, vague=vague),
            "source": tagged(named, ds) if named else "",
            "as_named": bool(named),
            "published": "",
            "seen_in": "",
            "url": "",
            "why": None,
        }
    row = match.iloc[0]
    why = (
        {"text": _text(row["explanation"]).strip() or None}
        if lang == "en"
        else _translated(row, "explanation", lang, "en")
    )
    if why and why["text"]:
        why["text"] = quotations(why["text"], lang)
    # the title as published (a name), and the publisher as the page's language names it
    source = t("punct.comma", lang).join(
        s for s in (_text(row["primary_source"]).strip(), in_language(row, "publisher", lang)) if s
    )
    seen_in = in_language(row, "seen_in", lang)
    return {
        "verdict_key": str(row["verdict"]),
        "verdict": verdict_text(str(row["verdict"]), lang, vague=vague),
        "source": tagged(source or named, ds) if (source or named) else "",
        "as_named": not source and bool(named),
        "published": fmt.period(_text(row["published"]).strip(), lang),  # at its precision
        "seen_in": tagged(t("evidence.read_via", lang, what=seen_in), ds) if seen_in else "",
        "url": _text(row["url"]).strip(),
        "why": why,
    }


def _figure_note(ds: Dataset, figures: pd.DataFrame, figure_id: str, lang: str) -> dict:
    row = figures.loc[figures["figure_id"] == figure_id].iloc[0]
    document = _document(ds, str(row["document_id"]), lang)
    value = float(row["value"]) if pd.notna(row["value"]) else float("nan")
    return {
        "id": figure_id,
        "anchor": anchor(figure_id),
        "what": metric_html(ds.metrics, str(row["metric"]), lang),
        "subject": subject_html(figures, str(row["subject"]), lang),
        "quantity": fmt.quantity(value, str(row["qualifier"]), str(row["unit"]), lang)
        + fmt.figure_period(row.get("period"), row.get("period_from"), lang),
        "excerpt": str(row["excerpt"]),
        "excerpt_translated": _translated(row, "excerpt", lang, document["lang"]),
        "document": document,
        "check": _check(
            ds,
            str(row["claim"]),
            lang,
            in_language(row, "primary_source", lang),
            vague=str(row["qualifier"]) == VAGUE,
        ),
    }


def _event_note(ds: Dataset, event_id: str, lang: str) -> dict:
    row = ds.events.loc[ds.events["event_id"] == event_id].iloc[0]
    document = _document(ds, str(row["document_id"]), lang)
    return {
        "id": event_id,
        "anchor": anchor(event_id),
        "what": event_text(row, lang),
        "subject": "",
        "quantity": fmt.date(row["date"], str(row["date_precision"]), lang),
        "excerpt": str(row["excerpt"]),
        "excerpt_translated": _translated(row, "excerpt", lang, document["lang"]),
        "document": document,
        "check": _check(ds, f"{EVENT_PREFIX}{event_id}", lang),
    }


def _context_note(ds: Dataset, series_name: str, lang: str) -> dict:
    from .context import load_context

    series = load_context(series_name, ds.data_dir)
    return {
        "id": f"{CONTEXT_PREFIX}{series_name}",
        "short": _short(f"{CONTEXT_PREFIX}{series_name}", lang),
        "anchor": anchor(f"{CONTEXT_PREFIX}{series_name}"),
        "what": t(f"context.{series_name}.name", lang),
        "citation": series.citation(),
        "caveat": continue_sentence(t(f"context.{series_name}.caveat", lang)),  # after a colon
        "url": _text(series.origin.get("url")),
    }


def notes(ds: Dataset, ids: Iterable[str], lang: str) -> list[dict[str, Any]]:
    """The evidence notes of ``ids`` (figure, event and ``ctx-`` ids), in that order.

    Raises
    ------
    KeyError
        For an id the data do not hold.
    """
    check_language(lang)
    figures = ds.figures.assign(claim=claim_keys(ds.figures))
    known_figures = set(figures["figure_id"].astype(str))
    known_events = set(ds.events["event_id"].astype(str))
    out = []
    for evidence_id in dict.fromkeys(ids):
        if evidence_id in known_figures:
            out.append(_figure_note(ds, figures, evidence_id, lang))
        elif evidence_id in known_events:
            out.append(_event_note(ds, evidence_id, lang))
        elif evidence_id.startswith(CONTEXT_PREFIX):
            out.append(_context_note(ds, evidence_id[len(CONTEXT_PREFIX) :], lang))
        else:
            raise KeyError(f"no figure, event or context series '{evidence_id}' in the data")
    # A quotation several notes share (one sentence stating three numbers) is printed once:
    # the later notes name the first one (``same_as``) and print that pointer instead of the
    # quotation, its translation and the document (the same by construction).
    first: dict[tuple[str, str], str] = {}
    for note in out:
        if "excerpt" in note:
            key = (note["document"]["id"], note["excerpt"])
            note["same_as"] = first.get(key, "")
            note["same_as_anchor"] = anchor(note["same_as"]) if note["same_as"] else ""
            first.setdefault(key, note["id"])
    return out


def notes_html(ds: Dataset, ids: Iterable[str], lang: str) -> str:
    """The page's evidence section: one note per id, each excerpt once."""
    from .site import environment

    found = notes(ds, ids, lang)
    events = set(ds.events["event_id"].astype(str))
    kinds = {"events" if n["id"] in events else "figures" for n in found}
    # A page of events calls its notes the sources of its dates, not of its numbers.
    suffix = {frozenset({"events"}): "_events", frozenset({"events", "figures"}): "_both"}.get(
        frozenset(kinds), ""
    )
    return (
        environment()
        .get_template("evidence.html.j2")
        .render(
            notes=found,
            lang=lang,
            colon=t("punct.colon", lang),
            comma=t("punct.comma", lang),
            strings={
                "heading": t(f"evidence.heading{suffix}", lang),
                "intro": t(f"evidence.intro{suffix}", lang),
                "copy_read": t("evidence.copy_read", lang, url="{url}"),
            }
            | {
                key: t(f"evidence.{key}", lang)
                for key in (
                    "translation",
                    "pending",
                    "document",
                    "primary",
                    "explanation",
                    "no_source",
                    "as_named",
                    "citation",
                    "caveat",
                    "title_translated",
                    "print_note",
                    "same_excerpt",
                )
            },
        )
    )
