"""Narratives: every number from the data, bounds kept, sources named, text escaped."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import read_rows, write_rows
from tspolicy import formatting as fmt
from tspolicy import numbers, paths
from tspolicy.context import load_context
from tspolicy.corroborate import corroborate
from tspolicy.data import load_dataset
from tspolicy.groups import SHARE
from tspolicy.i18n import LANGUAGES
from tspolicy.narrative import TOPICS, escape_markdown, facts, narrative

CONTEXT_TOPICS = {"content_counts", "overview"}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def context():
    return {
        "meta": load_context("meta_content_actioned"),
        "ncmec": load_context("ncmec_reports_by_platform"),
    }


REF = re.compile(r'<sup class="ref">.*?</sup>')


def _render(topic, ds, lang, context, refs=False):
    """The narrative; without its evidence links (``[F013]``) unless ``refs``."""
    text = narrative(topic, ds, lang=lang, **(context if topic in CONTEXT_TOPICS else {}))
    return text if refs else REF.sub("", text)


#: A number as each locale writes it: grouping, decimal mark, and an optional scale word.
LOCALE_NUMBER = {
    "en": re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s+(?:million|billion)s?)?"),
    "ar": re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s+(?:مليون|مليار))?"),
    "fr": re.compile(r"(\d{1,3}(?:[\u202f\u00a0]\d{3})+|\d+)(,\d+)?(\s+(?:million|milliard)s?)?"),
}
SCALE = {
    "million": 1e6,
    "millions": 1e6,
    "billion": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "مليون": 1e6,
    "مليار": 1e9,
}
#: Text columns whose numerals a narrative may repeat (names, titles, events, sources).
TEXT_COLUMNS = {
    "sources": ["title", "title_en"],
    "figures": ["subject", "primary_source"],
    "events": ["event", "event_fr", "event_ar"],
}


def stated_numbers(text: str, lang: str) -> list[tuple[str, float]]:
    """Each number in the text, read as the locale writes it: ("73,3 millions", 73300000)."""
    out = []
    for match in LOCALE_NUMBER[lang].finditer(text):
        whole = re.sub(r"[,\u202f\u00a0]", "", match.group(1))
        decimals = (match.group(2) or "").replace(",", ".")
        value = float(whole + decimals)
        if match.group(3):
            value *= SCALE[match.group(3).split()[-1]]
        out.append((match.group(), value))
    return out


def _allowed(ds, context) -> set[float]:
    """Every number the data hold: values, dates, counts, and numerals in their text."""
    allowed = {float(v) for v in ds.figures["value"].dropna()}
    allowed |= {
        float(v) for v in ds.primary_checks["primary_value"].dropna() if re.fullmatch(r"[\d.]+", v)
    }
    tables = {"sources": ds.sources, "figures": ds.figures, "events": ds.events}
    for table, columns in TEXT_COLUMNS.items():
        for column in columns:
            for cell in tables[table][column].dropna().astype(str):
                allowed |= {v for lang in LOCALE_NUMBER for _, v in stated_numbers(cell, lang)}
    allowed |= {
        float(y) for y in [*ds.figures["period_start"].dropna(), *ds.figures["period_end"].dropna()]
    }
    for when in [*ds.events["date"], *ds.sources["published"].dropna()]:
        allowed |= {float(when.year), float(when.month), float(when.day)}
    for series in context.values():
        allowed |= {v for lang in LOCALE_NUMBER for _, v in stated_numbers(series.citation(), lang)}
    meta = context["meta"].frame
    for app in meta["app"].unique():
        rows = meta[(meta["app"] == app) & meta["quarter"].between("2022Q1", "2022Q3")]
        rows = rows[rows["policy_area"].str.startswith("Child Endangerment")]
        allowed.add(float(rows["content_actioned"].sum()))
    allowed |= {float(v) for v in context["ncmec"].frame["reports_received"]}
    allowed |= {float(y) for y in [*meta["year"].dropna(), *context["ncmec"].frame["year"]]}
    claims = corroborate(ds.figures)
    counts = [
        len(ds.figures),
        len(ds.sources),
        len(claims),
        int((claims["n_documents"] >= 2).sum()),
    ]
    counts += list(ds.figures["document_id"].value_counts()) + list(
        ds.events["document_id"].value_counts()
    )
    verdicts = dict(zip(ds.primary_checks["claim"], ds.primary_checks["verdict"], strict=True))
    figure_verdicts = [verdicts.get(claim, "unverified") for claim in claims["claim"]]
    counts += [*ds.primary_checks["verdict"].value_counts(), 0]  # 0: a document with no event
    counts += list(pd.Series(figure_verdicts).value_counts())  # the claims' checks, by verdict
    allowed |= {float(c) for c in counts}
    return allowed


def without_document_ids(text: str, ds) -> str:
    """The text without the data's document ids (``en-wire-ap-sextortion-2026``): names, whose
    digits are no number the narrative states. Each id is removed as the narrative writes it
    (Markdown-escaped), whole — never a digit outside an id of the data."""
    for document in sorted(ds.sources["document_id"], key=len, reverse=True):
        written = re.escape(escape_markdown(document))
        text = re.sub(rf"(?<![\w\\-]){written}(?![\w-])", "", text)
    return text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_number_comes_from_the_data(dataset, context, topic, lang):
    text = without_document_ids(_render(topic, dataset, lang, context), dataset)
    allowed = _allowed(dataset, context)
    stated = stated_numbers(numbers.normalize_digits(text), lang)
    assert stated, "the narrative states numbers"
    strange = [shown for shown, value in stated if value not in allowed]
    assert not strange, f"numbers not in the data: {strange}"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("plus de 1\u202f471 victimes", "fr"),
        ("74 millions", "fr"),
        ("12.5%", "en"),
        ("أكثر من 1,471", "ar"),
    ],
)
def test_the_number_check_rejects_numbers_not_in_the_data(dataset, context, text, lang):
    allowed = _allowed(dataset, context)
    assert any(value not in allowed for _, value in stated_numbers(text, lang))


def test_only_the_datas_document_ids_are_left_out_of_the_number_check(dataset):
    document = dataset.sources["document_id"].iloc[0]
    ids = set(dataset.sources["document_id"])
    other = next(f"{document}-{n}" for n in range(2031, 2100) if f"{document}-{n}" not in ids)
    kept = f"{other} (not a document of the data) and 1,471"
    text = f'<bdi translate="no" class="id">{escape_markdown(document)}</bdi> {kept}'
    assert without_document_ids(text, dataset) == f'<bdi translate="no" class="id"></bdi> {kept}'


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_figure_topics_name_documents_and_primary_source(dataset, context, topic, lang):
    text = _render(topic, dataset, lang, context)
    assert text.strip().startswith("##")
    if topic in {"platform_shares", "enforcement", "content_counts", "overview"}:
        assert {"en": "Primary source", "fr": "Source primaire", "ar": "المصدر الأصلي"}[
            lang
        ] in text
        assert "fr-news-guardian-meta" in text or "ar-oped-ijm-philippines" in text


#: The lower bounds ("more than …") each narrative states.
LOWER_BOUNDS = {"enforcement": (1470, 430, 265), "overview": (1470, 430, 265, 73_300_000)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_bounds_are_never_written_as_exact(dataset, context, lang):
    for topic, values in LOWER_BOUNDS.items():
        text = _render(topic, dataset, lang, context)
        for value in values:
            bare = fmt.count(value, lang)
            bounded = fmt.quantity(value, "more_than", "people", lang)
            assert bounded in text, (topic, bounded)
            assert text.count(bare) == text.count(bounded), (topic, bare)
    # content_counts also gives Meta's own figure, "about 73.3 million": the bound is stated
    text = _render("content_counts", dataset, lang, context)
    assert fmt.quantity(73_300_000, "more_than", "items", lang) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_rate_from_lower_bounds(dataset, lang):
    text = narrative("enforcement", dataset, lang=lang)
    assert "%" not in text
    assert {"en": "gives no rate", "fr": "aucun taux", "ar": "لا تعطي أي معدّل"}[lang] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counts_sit_beside_the_primary_sums(dataset, context, lang):
    text = narrative("content_counts", dataset, lang=lang, **context)
    # Sums of figures Meta published rounded: said as "about", to three digits, never
    # with the false precision of 6,081,200.
    for total in (73_300_000, 6_081_200):
        assert fmt.approximate(total, "items", lang) in text
    assert fmt.count(6_081_200, lang) not in text
    assert fmt.month_span(*[__import__("datetime").date(2022, m, 1) for m in (1, 9)], lang) in text


def test_changing_a_value_changes_the_text(data_copy):
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    next(r for r in rows if r[0] == "F013")[rows[0].index("value")] = "1480"
    write_rows(path, rows)
    text = narrative("enforcement", load_dataset(data_copy), lang="fr")
    assert "plus de 1\u202f480" in text and "1\u202f470" not in text


def test_data_text_is_escaped(data_copy):
    path = data_copy / "sources.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("title")] = "<script>alert(1)</script> *bold* [link](http://x)"
    write_rows(path, rows)
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    for row in rows[1:]:
        if row[rows[0].index("subject")] == "International Justice Mission (IJM)":
            row[rows[0].index("subject")] = "<img src=x onerror=alert(1)>"
    write_rows(path, rows)
    ds = load_dataset(data_copy)
    for text in (narrative("sources", ds), narrative("enforcement", ds)):
        assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in narrative("sources", ds)
    assert r"\*bold\*" in narrative("sources", ds) and r"\[link\]" in narrative("sources", ds)


def test_escape_markdown():
    assert escape_markdown("a <b> & c_d") == r"a &lt;b&gt; &amp; c\_d"
    assert escape_markdown(None) == ""


def test_facts_are_structured(dataset):
    shares = facts("platform_shares", dataset, lang="en", year=2020)
    assert [p["subject"] for p in shares["platforms"]] == ["Facebook", "Instagram", "Snapchat"]
    assert shares["platforms"][0]["share"]["quantity"] == "65%"
    with pytest.raises(ValueError, match="topic"):
        facts("nope", dataset)


def test_templates_exist_for_every_topic_and_language():
    root = paths.PACKAGE_DIR / "templates" / "narrative"
    for lang in LANGUAGES:
        for topic in TOPICS:
            assert (root / lang / f"{topic}.md.j2").is_file(), (lang, topic)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", ["overview", "platform_shares", "enforcement", "content_counts"])
def test_every_figure_not_matching_its_source_carries_the_verdict(dataset, context, topic, lang):

    from tspolicy.evidence import verdict_text

    text = _render(topic, dataset, lang, context)
    for verdict in ("differs_in_definition", "unverified"):
        claims = facts(topic, dataset, lang=lang, **(context if topic in CONTEXT_TOPICS else {}))
        mentioned = verdict in str(claims)
        # said of one figure, or of several at once (in the plural), named or not
        forms = {verdict_text(verdict, lang, n=n) for n in (1, 2)}
        forms |= {f[:1].lower() + f[1:] for f in forms}
        assert not mentioned or any(f in text for f in forms), (topic, verdict)


@pytest.mark.parametrize(
    ("lang", "relayed", "none"),
    [
        (
            "en",
            "Relayed by 3 documents, all from the Guardian investigation: not independent",
            "none by two independent origins",
        ),
        (
            "fr",
            "Source commune aux 3 documents\u202f: l’enquête du Guardian",
            "aucune par deux sources indépendantes",
        ),
        (
            "ar",
            "عدد الوثائق: 3، ومصدرها واحد هو تحقيق صحيفة الغارديان",
            "لا يؤكد أيًّا منها مصدران مستقلان",
        ),
    ],
)
def test_relayed_figures_are_not_called_corroborated(lang, relayed, none):
    text = narrative("sources", load_dataset(), lang=lang)
    assert relayed in text and none in text


#: How a page says who gives a share: one document by its id, several by their number.
GIVEN_BY_ONE = {"en": "one document (", "fr": "un document (", "ar": "وثيقة واحدة ("}
#: What the pages said before they counted: "the documents" for one document, and the
#: primary source's base pinned on the document that does not state it.
NEVER_SAID = {
    "en": ("the documents give it", "in the cases the source counted"),
    "fr": ("les documents lui attribuent", "dans les affaires comptées par la source"),
    "ar": ("تنسب إليه الوثائق", "في القضايا التي أحصاها المصدر"),
}


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", REF.sub("", text)).replace("\\", "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_share_names_the_one_document_that_gives_it(dataset, context, lang):
    stating = sorted(
        dataset.figures.loc[dataset.figures["metric"] == SHARE, "document_id"].astype(str).unique()
    )
    assert len(stating) == 1  # the shipped data: one document gives the 65%
    for topic in ("overview", "platform_shares"):
        text = _plain(_render(topic, dataset, lang, context))
        assert f"{GIVEN_BY_ONE[lang]}{stating[0]})" in text, topic
        for phrase in NEVER_SAID[lang]:
            assert phrase not in text, (topic, phrase)


def test_a_share_two_documents_give_is_said_of_two(data_copy):
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    header = rows[0]
    share = next(r for r in rows if r[0] == "F005")
    other = list(share)
    other[0] = "F099"
    other[header.index("document_id")] = "fr-news-guardian-meta"
    write_rows(path, [*rows, other])
    ds = load_dataset(data_copy)
    for lang, said in (
        ("en", "2 documents (ar-news-guardian-meta, fr-news-guardian-meta) give it"),
        ("fr", "2 documents (ar-news-guardian-meta, fr-news-guardian-meta) lui attribuent"),
        ("ar", "تنسب إليه وثيقتان (ar-news-guardian-meta، fr-news-guardian-meta)"),
    ):
        text = _plain(narrative("platform_shares", ds, lang=lang, year=2020))
        assert said in text, lang
        assert GIVEN_BY_ONE[lang] not in text.split("\n- ")[1], lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_verdict_after_several_figures_is_plural(dataset, context, lang):
    """The enforcement page gives three unverified figures: "None of these figures…"."""
    from tspolicy.evidence import verdict_text

    text = _plain(_render("enforcement", dataset, lang, context))
    assert verdict_text("unverified", lang, n=3) in text
    assert verdict_text("unverified", lang, n=1) not in text
    assert verdict_text("unverified", lang, n=3) != verdict_text("unverified", lang, n=1)


def test_a_vague_word_gets_no_this_number_verdict(dataset, context):
    """F002 ('hundreds') differs in wording at the source: never 'this number counts…'."""
    from tspolicy.evidence import notes, verdict_text

    for lang in LANGUAGES:
        note = next(n for n in notes(dataset, ["F002"], lang) if n["id"] == "F002")
        assert note["check"]["verdict"] == verdict_text("differs_in_definition", lang, vague=True)
        assert note["check"]["verdict"] != verdict_text("differs_in_definition", lang)
        counts = _render("sources", dataset, lang, context)
        assert verdict_text("differs_in_definition", lang, vague=True) in counts


def _without_explanations(html: str) -> str:
    """``html`` without its ``<span class="why">`` explanations (nested spans and all)."""
    while (start := html.find('<span class="why">')) >= 0:
        depth, at = 0, start
        for tag in re.finditer(r"<(/?)span\b[^>]*>", html[start:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                at = start + tag.end()
                break
        html = html[:start] + html[at:]
    return html


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_large_number_links_to_its_evidence(dataset, context, topic, lang):
    """A figure's or a context series' number is followed by its evidence link."""
    from tspolicy.evidence import cited

    html = numbers.normalize_digits(_render(topic, dataset, lang, context, refs=True))
    # a primary-source explanation quoted in the text is the check's words, not a figure
    # each link as one marker, its ids out of the way
    text = REF.sub("\u27e6ref\u27e7", _without_explanations(html))
    sourced = {float(v) for v in dataset.figures["value"].dropna()}
    sourced |= {float(v) for v in context["ncmec"].frame["reports_received"]}
    sourced = {v for v in sourced if v >= 100} | {6_081_200.0}
    linked = 0
    for match in LOCALE_NUMBER[lang].finditer(text):
        value = stated_numbers(match.group(), lang)[0][1]
        if value not in sourced:
            continue
        after = text[match.end() : match.end() + 40]
        assert "\u27e6ref\u27e7" in after, f"{match.group()!r} has no evidence link: {after!r}"
        linked += 1
    ids = cited(html)
    known = {*dataset.figures["figure_id"], *dataset.events["event_id"]}
    assert all(i in known or i.startswith("ctx-") for i in ids), ids
    assert ids or (topic == "sources" and not linked)


def test_notes_name_their_links_sources_and_what_they_source(dataset):
    """[NCMEC], not [ncmec_reports_by_platform]; a page of events sources its dates; a
    document that names no source says so, in the page's language."""
    from tspolicy.evidence import notes_html, ref, t

    link = ref(["ctx-ncmec_reports_by_platform"], "fr")
    assert ">NCMEC</bdi>" in link and "ncmec_reports_by_platform</bdi>" not in link
    assert t("evidence.heading_events", "fr") in notes_html(dataset, ["E001"], "fr")
    assert t("evidence.heading", "fr") in notes_html(dataset, ["F005"], "fr")
    unattributed = notes_html(dataset, ["F028"], "fr")  # "Unattributed (the article's own words)"
    assert "Unattributed" not in unattributed and "aucune source nommée" in unattributed
    assert t("evidence.as_named", "fr") not in unattributed


def test_verdicts_that_differ_within_a_sentence_are_each_said_of_their_figures():
    from tspolicy.evidence import verdict_text
    from tspolicy.i18n import continue_sentence
    from tspolicy.narrative import _verdict_sentences

    def check(verdict, name):
        return {"verdict": verdict, "vague": False, "name": name}

    same = _verdict_sentences([check("unverified", "A"), check("unverified", "B")], "fr")
    assert same == [verdict_text("unverified", "fr", n=2)]
    mixed = _verdict_sentences(
        [check("unverified", "A"), check("differs_in_value", "B"), check("unverified", "C")], "fr"
    )
    assert mixed == [
        f"A\u202f; C\u202f: {continue_sentence(verdict_text('unverified', 'fr', n=2))}",
        f"B\u202f: {continue_sentence(verdict_text('differs_in_value', 'fr'))}",
    ]
    assert _verdict_sentences([check("matches", "A")], "en") == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_shared_quotation_is_printed_once_and_named_by_the_later_notes(dataset, lang):
    """F013–F015 quote one sentence: on screen each note shows it; in print the later notes
    hide it (with its translation and document) and name the first note instead."""
    from tspolicy import evidence

    html = evidence.notes_html(dataset, ["F013", "F014", "F015", "F005"], lang)
    notes = {m[0]: m[1] for m in re.findall(r'<li id="ev-(F\d+)">(.*?)</li>', html, re.S)}
    assert 'class="excerpt"' in notes["F013"] and 'class="excerpt"' in notes["F005"]
    for later in ("F014", "F015"):
        assert 'class="excerpt repeat"' in notes[later]
        assert 'class="document repeat"' in notes[later]
        assert 'href="#ev-F013"' in notes[later]
    assert "repeat" not in notes["F013"] + notes["F005"]
