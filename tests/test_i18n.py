"""Interface strings and number formatting in en, fr and ar."""

import datetime as dt
import re

import pytest

from tspolicy import formatting as fmt
from tspolicy.i18n import LANGUAGES, check_language, strings, t

PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")


def test_every_string_exists_in_every_language_with_the_same_placeholders():
    for key, entry in strings().items():
        assert set(entry) == set(LANGUAGES), key
        texts = [v if isinstance(v, str) else " ".join(v.values()) for v in entry.values()]
        names = [set(PLACEHOLDER.findall(text)) - set() for text in texts]
        assert all(n <= names[0] | {"n"} and names[0] <= n | {"n"} for n in names), key


def test_plural_entries_have_an_other_form():
    for key, entry in strings().items():
        for lang, value in entry.items():
            if isinstance(value, dict):
                assert "other" in value, (key, lang)


def test_unknown_language_names_the_choices():
    with pytest.raises(ValueError, match="en, fr, ar"):
        check_language("de")
    with pytest.raises(ValueError):
        t("source", "es", sources="x")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "more than 1,470"), ("fr", "plus de 1\u202f470"), ("ar", "أكثر من 1,470")],
)
def test_lower_bound_keeps_its_qualifier(lang, expected):
    assert fmt.quantity(1470, "more_than", "people", lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "73.3 million"), ("fr", "73,3 millions"), ("ar", "73.3 مليون")],
)
def test_large_counts_use_an_exact_scale_word(lang, expected):
    assert fmt.count(73_300_000, lang) == expected


def test_scale_word_only_when_exact():
    assert fmt.count(6_081_200, "en") == "6,081,200"
    assert fmt.count(6_080_000, "en") == "6.08 million"


def test_arabic_digit_convention():
    assert fmt.number(1470, "ar") == "1,470"  # Western digits, as the Arabic sources write them
    assert fmt.number(1470, "ar", numbering="arab") == "١٬٤٧٠"


def test_shares_ranks_years_and_dates():
    assert fmt.value(65, "percent", "fr") == "65\u00a0%"
    assert fmt.value(2, "rank", "ar") == "المرتبة الثانية"  # an ordinal in words
    assert fmt.value(7, "rank", "ar") == "المرتبة 7"
    assert fmt.count(3e9, "ar") == "3 مليارات" and fmt.count(1e9, "fr") == "1 milliard"
    assert fmt.date(dt.date(2026, 12, 1), "day", "fr") == "1er décembre 2026"
    assert fmt.period("2011/..", "fr") == "depuis 2011" and fmt.period("2020", "ar") == "2020"
    assert fmt.value(2, "years", "ar") == "سنتان"
    assert fmt.value(20, "years", "fr") == "20 ans"
    assert fmt.date(dt.date(2025, 6, 12), "day", "fr") == "12 juin 2025"
    assert fmt.date(dt.date(2024, 5, 1), "month", "en") == "May 2024"
    assert fmt.bound(1470, "more_than", "people", "en") == "1,470+"
    assert fmt.bound(200, "at_least", "people", "en") == "≥ 200"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_enforcement_page_says_what_its_numbers_count(lang):
    """The subtitle keeps 'at-risk people' and 'suspected': it names the metrics as labelled."""
    from tspolicy.data import load_metrics
    from tspolicy.i18n import metric_text

    description = t("report.enforcement.description", lang).casefold()
    metrics = load_metrics()
    for metric in ("victims_rescued", "traffickers_arrested"):
        label = metric_text(metrics, metric, "label", lang).casefold()
        assert label in description, (metric, label)


def test_french_writes_no_capital_after_a_colon_but_keeps_a_names():
    """« À savoir : une part… », « Facebook, 65 % : non vérifié… »; "Meta" stays Meta."""
    assert t("caveat", "fr", caveat="Une part de ce que") == "À savoir\u202f: une part de ce que"
    assert t("caveat", "fr", caveat="Meta compte") == "À savoir\u202f: Meta compte"
    assert t("caveat", "en", caveat="Meta's figures") == "Note: Meta's figures"
    note = t("chart.verdict_note", "fr", subject="Facebook", amount="65 %", verdict="Non vérifié.")
    assert note.endswith("\u202f: non vérifié.")


def test_a_citation_is_written_in_the_pages_language():
    from tspolicy.site import Stamp, citation

    stamp = Stamp("0.1.0+abc", "2026-12-02")
    cited = {
        lang: str(
            citation(title="T", name="overview", lang=lang, stamp=stamp, evidence_ids=["F1"])[
                "plain"
            ]
        )
        for lang in LANGUAGES
    }
    assert "tspolicy dataset, version" in cited["en"] and "December 2, 2026" in cited["en"]
    assert "Jeu de données tspolicy" in cited["fr"] and "2 décembre 2026" in cited["fr"]
    assert "مجموعة بيانات tspolicy" in cited["ar"]
    for lang in ("fr", "ar"):
        assert "dataset" not in cited[lang] and "figures" not in cited[lang]


def test_an_organisation_after_by_takes_its_french_article():
    from tspolicy.i18n import after_by

    name = "International Justice Mission (IJM)"
    assert after_by(name, name, "fr") == "l’International Justice Mission (IJM)"
    assert after_by(name, name, "en") == name
    assert after_by("Some NGO", "Some NGO", "fr") == "Some NGO"
