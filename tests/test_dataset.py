"""Curation conventions that hold across the whole dataset.

The completeness test reads every document and requires each numeral in it to be accounted
for: stated by an excerpt of that document, a year of a period or event it reports, part of
its publication date, or listed below as deliberately left out, with the reason.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from conftest import pending_cells, requires_sources
from tspolicy import numbers, paths
from tspolicy.data import (
    load_events,
    load_figures,
    load_left_out,
    load_metrics,
    load_sources,
)


def left_out() -> dict[tuple[str, float], str]:
    """Numerals in the documents that are not figures, and why: data/left_out.csv. Personal
    details of the one victim story (004) are named there only by the numeral."""
    table = load_left_out()
    return {
        (str(r.document_id), float(r.value)): str(r.reason)
        for r in table.itertuples()
        if pd.notna(r.value)  # a vague word left out has no numeral
    }


#: SHA-256 of words that must never appear under data/ (the victim's names in 000 and 004),
#: stored hashed so that this test does not itself repeat them.
FORBIDDEN_WORD_HASHES = {
    "a95db5b0ac159e4384ff55ef91c94a98dc563d66a88e7b027fcd5190c0f5bed5",
    "9706987d633e05a0d2931c21108b37e8c790570048ac47c48900314bb325d606",
    "41eadf74a60b2f1c0a12cf93ccfc8ec29b646e3044eb630eac8cd7c695b8a5c4",
}


def _numerals(text: str) -> list[str]:
    return numbers._NUMERAL.findall(numbers.normalize_digits(text))


@requires_sources
def test_every_numeral_in_every_document_is_accounted_for():
    sources = load_sources()
    figures, events = load_figures(), load_events()
    missing = []
    reasons = left_out()
    for doc in sources.itertuples():
        text = (paths.sources_dir() / doc.file).read_text(encoding="utf-8")
        covered: set[float] = set()
        for excerpt in [
            *figures.loc[figures.document_id == doc.document_id, "excerpt"],
            *events.loc[events.document_id == doc.document_id, "excerpt"],
        ]:
            for token in _numerals(excerpt):
                covered |= numbers._readings(token)
        mine = figures[figures.document_id == doc.document_id]
        covered |= {float(y) for y in [*mine.period_start.dropna(), *mine.period_end.dropna()]}
        covered |= {
            float(d.year) for d in events.loc[events.document_id == doc.document_id, "date"]
        }
        if doc.published is not None and str(doc.published) != "NaT":
            covered |= {
                float(doc.published.year),
                float(doc.published.month),
                float(doc.published.day),
            }
        for token in _numerals(text):
            readings = numbers._readings(token)
            if readings & covered or any((doc.document_id, r) in reasons for r in readings):
                continue
            missing.append((doc.document_id, token))
    assert not missing, f"numerals in the documents with no figure, event or reason: {missing}"


def test_left_out_personal_details_are_in_no_excerpt():
    figures = load_figures()
    for (doc, value), reason in left_out().items():
        if "personal" not in reason:
            continue
        for excerpt in figures.loc[figures.document_id == doc, "excerpt"]:
            assert not numbers.states_value(excerpt, value), excerpt


def test_no_victim_name_under_data():
    for path in sorted(paths.DATA_DIR.rglob("*")):
        if path.is_file():
            words = re.findall(r"\w+", path.read_text(encoding="utf-8").casefold())
            hashed = {hashlib.sha256(w.encode()).hexdigest() for w in words}
            assert not hashed & FORBIDDEN_WORD_HASHES, f"a victim's name appears in {path}"


def test_every_document_reports_figures_and_every_metric_is_used():
    figures, sources, metrics = load_figures(), load_sources(), load_metrics()
    assert set(figures.document_id) == set(sources.document_id)
    assert set(figures.metric) == set(metrics.metric)


def test_every_figure_cites_document_excerpt_and_primary_source():
    """A figure names its primary source unless its document names none; then its note says
    so, and no description ("Unattributed…") stands in for a name."""
    figures = load_figures()
    for column in ("document_id", "excerpt"):
        assert figures[column].notna().all(), column
    unnamed = figures[figures["primary_source"].isna()]
    for r in unnamed.itertuples():
        assert "names no source" in str(r.note), r.figure_id
    named = figures["primary_source"].dropna().astype(str)
    assert not named.str.contains(r"Unattributed|as reported by|quoted by|own words").any()


@pytest.mark.parametrize("column", ["title", "outlet", "covers", "file", "sha256"])
def test_sources_are_described(column):
    assert load_sources()[column].notna().all()


def test_titles_are_translated_into_the_other_languages_or_pending():
    """A document's title is the original in its own language (that column stays empty, as
    the validator requires); in each other language it is translated, or pending."""
    pending = pending_cells()
    for record in load_sources().to_dict("records"):
        for lang in ("en", "fr", "ar"):
            cell = ("sources.csv", record["document_id"], f"title_{lang}")
            written = isinstance(record[cell[2]], str)
            assert written is (lang != record["language"] and cell not in pending), cell


#: What each enforcement metric says was done, as the documents' languages write the verb:
#: an excerpt must quote it, so that a reader can check "convicted" against the quotation.
ENFORCEMENT_VERBS = {
    "victims_rescued": {"ar": "أنقذ", "fr": "secour", "en": "rescue"},
    "traffickers_arrested": {"ar": "اعتقل", "fr": "arrêt", "en": "arrest"},
    "perpetrators_convicted": {"ar": "أدان", "fr": "condamn", "en": "convict"},
}


def test_enforcement_excerpts_quote_the_verb_and_the_period_start():
    """An enforcement figure's excerpt is the clause with its verb (rescued, arrested,
    convicted) and, for a period the document states, its first year — not the bare number
    ("more than 265 perpetrators" does not say they were convicted)."""
    figures = load_figures()
    languages = dict(zip(load_sources().document_id, load_sources().language, strict=True))
    rows = figures[figures["metric"].isin(list(ENFORCEMENT_VERBS))]
    assert len(rows), "no enforcement figure: the test checks nothing"
    for r in rows.itertuples():
        verb = ENFORCEMENT_VERBS[r.metric][languages[r.document_id]]
        assert verb in r.excerpt, f"{r.figure_id}: the excerpt lacks the verb '{verb}'"
        if r.period_from == "document":
            start = str(r.period).split("/")[0][:4]
            assert numbers.states_value(r.excerpt, float(start)), (
                f"{r.figure_id}: the excerpt does not state the period's start, {start}"
            )
