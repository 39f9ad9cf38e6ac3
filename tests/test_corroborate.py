"""Claims grouped across documents: agreement, compatibility, conflict."""

import pandas as pd

from tspolicy.corroborate import Interval, corroborate, document_origins
from tspolicy.data import load_figures, load_sources


def claims():
    return corroborate(load_figures(), document_origins(load_sources())).set_index("claim")


def test_73_million_appears_in_two_documents():
    row = claims().loc["content_reported|Facebook|2022-01/2022-09"]
    assert row["n_documents"] == 2
    assert row["status"] == "agree"
    assert row["statements"] == ">73,300,000"


def test_undated_mentions_join_the_dated_claim():
    # 000 gives the year (2020); 004 repeats the ranking without it. The podcast (002) says
    # only that Facebook is traffickers' favourite platform: another claim, not joined.
    row = claims().loc["recruitment_platform_rank|Facebook|2020"]
    assert set(row["documents"]) == {"ar-news-guardian-meta", "fr-news-guardian-meta"}
    podcast = claims().loc["trafficker_platform_preference|Facebook|"]
    assert podcast["documents"] == ("fr-podcast-choses-a-savoir",)
    frundt = claims().loc["exploitation_platform_rank_in_care|Instagram|"]
    assert frundt["documents"] == ("ar-news-guardian-meta",), "not merged with HTI's ranking"
    assert row["independent_origins"] == 1 and not row["corroborated"], (
        "three documents relaying one investigation are one source, not a confirmation"
    )


def test_independent_origins_are_counted_not_documents():
    figures = _figures((20, "exact"), (20, "exact"))
    one = corroborate(figures, {"doc0": "relay", "doc1": "relay"}).iloc[0]
    two = corroborate(figures, {"doc0": "origin-1", "doc1": "origin-2"}).iloc[0]
    unknown = corroborate(figures).iloc[0]
    assert (one["n_documents"], one["independent_origins"], one["corroborated"]) == (2, 1, False)
    assert (two["independent_origins"], two["corroborated"]) == (2, True)
    assert unknown["independent_origins"] is pd.NA and not unknown["corroborated"]
    conflict = corroborate(_figures((65, "exact"), (59, "exact")), {"doc0": "x", "doc1": "y"})
    assert not conflict.iloc[0]["corroborated"], "a conflict is never a corroboration"


def test_a_vague_word_agrees_with_any_count_and_is_no_number():
    row = claims().loc["minors_trafficked|Minors (United States and worldwide)|"]
    assert row["statements"] == "no number (a vague word)"
    assert corroborate(_figures((20, "exact"), (None, "vague")))["status"][0] == "compatible"


def test_repeated_mentions_in_one_document_are_single_source():
    row = claims().loc["investigation_duration|The Guardian|"]
    assert row["n_mentions"] == 4 and row["n_documents"] == 3
    ijm = claims().loc["activity_duration|Samson Inocencio Jr. (IJM)|"]
    assert (
        ijm["n_documents"] == 1 and ijm["status"] == "single_source"
    )  # "more than 20" and "about 20"


def test_every_mention_belongs_to_exactly_one_claim():
    figures = load_figures()
    ids = [i for t in corroborate(figures)["figure_ids"] for i in t]
    assert sorted(ids) == sorted(figures["figure_id"])


def _figures(*statements):
    return pd.DataFrame(
        [
            {
                "figure_id": f"F{i:03d}",
                "document_id": f"doc{i}",
                "metric": "m",
                "subject": "s",
                "period": "2020",
                "primary_source": "p",
                "value": v,
                "qualifier": q,
            }
            for i, (v, q) in enumerate(statements)
        ]
    )


def test_conflict_and_compatibility():
    assert corroborate(_figures((65, "exact"), (59, "exact")))["status"][0] == "conflict"
    assert corroborate(_figures((20, "exact"), (20, "more_than")))["status"][0] == "conflict"
    assert corroborate(_figures((20, "about"), (20, "more_than")))["status"][0] == "compatible"
    assert (
        corroborate(_figures((1470, "more_than"), (1000, "more_than")))["status"][0] == "compatible"
    )
    assert corroborate(_figures((70, "more_than"), (70, "more_than")))["status"][0] == "agree"
    assert (
        corroborate(
            _figures(
                (70, "more_than"),
            )
        )["status"][0]
        == "single_source"
    )


def test_interval_bounds():
    assert Interval.of(20, "at_least").meet(Interval.of(20, "exact")) is not None
    assert Interval.of(20, "more_than").meet(Interval.of(20, "exact")) is None
