"""Primary-source checks: every claim has one, verdicts are a closed vocabulary and hold."""

from __future__ import annotations

import re

import pytest

from conftest import pending_cells, read_rows, write_rows
from tspolicy.corroborate import claim_keys, corroborate
from tspolicy.data import load_figures, load_primary_checks
from tspolicy.validate import validate


def test_every_claim_has_a_check_with_an_explanation():
    checks = load_primary_checks().set_index("claim")
    claims = set(corroborate(load_figures())["claim"])
    assert claims <= set(checks.index)
    assert checks["explanation"].notna().all()


def test_verdicts_of_the_known_drifts():
    checks = load_primary_checks().set_index("claim")
    # As India Today quotes the report (not itself read), 65 % is of child victims recruited
    # through social media, not of 105 cases: the drift is stated, the verdict unverified.
    share = checks.loc["recruitment_platform_share|Facebook|2020"]
    assert share["verdict"] == "unverified"
    assert "105 cases" in share["explanation"] and "not the report itself" in share["explanation"]
    # 73.3 million pieces of content actioned, not reported.
    assert (
        checks.loc["content_reported|Facebook|2022-01/2022-09", "verdict"]
        == "differs_in_definition"
    )
    assert (
        checks.loc["victims_rescued|International Justice Mission (IJM)|2011/..", "verdict"]
        == "unverified"
    )


def test_verdicts_no_stronger_than_the_evidence():
    checks = load_primary_checks().set_index("claim")
    # Read only in a secondary quotation (India Today, ECPAT Belgium): not confirmed.
    for claim in (
        "recruitment_platform_rank|Facebook|2020",
        "girls_forced_sex|UNICEF|",
        "committee_votes_for|STOP CSAM Act (US Senate Judiciary Committee)|",
    ):
        assert checks.loc[claim, "verdict"] == "unverified", claim
    # A subcommittee's hearing, read in a law firm's account, before the bills existed.
    assert checks.loc["event|E005", "verdict"] == "unverified"
    assert "Subcommittee" in checks.loc["event|E005", "explanation"]
    assert "predates" in checks.loc["event|E005", "explanation"]


SECONDARY = ("quoting", "summary", "account", "not read", "advocacy")


def test_no_match_rests_on_secondary_coverage():
    """A `matches` names the copy it was read in only if that copy is the source's own text."""
    checks = load_primary_checks()
    matches = checks[checks["verdict"] == "matches"]
    assert len(matches)
    for row in matches.itertuples():
        seen_in = str(row.seen_in).casefold() if isinstance(row.seen_in, str) else ""
        assert not any(word in seen_in for word in SECONDARY), (row.claim, row.seen_in)


def test_claim_keys_join_undated_repetitions():
    figures = load_figures().set_index("figure_id")
    keys = claim_keys(figures.reset_index()).set_axis(figures.index)
    assert keys["F031"] == keys["F007"] == "recruitment_platform_rank|Facebook|2020"
    assert keys["F020"] == "trafficker_platform_preference|Facebook|"  # no children, no 2020


def _edit_check(data_dir, claim, column, value):
    path = data_dir / "primary_checks.csv"
    rows = read_rows(path)
    col = rows[0].index(column)
    next(r for r in rows if r[0] == claim)[col] = value
    write_rows(path, rows)


def _errors(data_dir):
    return [
        (p.field, p.problem) for p in validate(data_dir).errors if p.file == "primary_checks.csv"
    ]


def test_missing_check_is_an_error(data_copy):
    path = data_copy / "primary_checks.csv"
    write_rows(path, [r for r in read_rows(path) if not r[0].startswith("platform_users|")])
    errors = _errors(data_copy)
    assert any(
        "claim 'platform_users|Meta|' (F004) has no primary-source check" in p for _, p in errors
    )


def test_unknown_claim(data_copy):
    _edit_check(data_copy, "platform_users|Meta|", "claim", "platform_users|Meta Platforms|")
    assert any(
        "no figure makes the claim 'platform_users|Meta Platforms|'" in p
        for _, p in _errors(data_copy)
    )


def test_unknown_event(data_copy):
    _edit_check(data_copy, "event|E009", "claim", "event|E099")
    assert ("claim", "no event E099 in events.csv") in _errors(data_copy)


@pytest.mark.parametrize("verdict", ["wrong", "verified", "Matches"])
def test_verdict_vocabulary(data_copy, verdict):
    _edit_check(data_copy, "platform_users|Meta|", "verdict", verdict)
    assert any(
        f == "verdict" and f"'{verdict}' is not an allowed verdict" in p
        for f, p in _errors(data_copy)
    )


def test_matches_must_fit_the_documents(data_copy):
    claim = "people_honoured|US Department of State (TIP Report Heroes)|2024"
    _edit_check(data_copy, claim, "primary_value", "11")
    assert any("does not fit the documents' 'exact 10'" in p for _, p in _errors(data_copy))


def test_a_verdict_needs_its_source(data_copy):
    _edit_check(data_copy, "platform_users|Meta|", "verdict", "matches")
    errors = _errors(data_copy)
    assert ("primary_source", "verdict 'matches' but no primary source is named") in errors
    assert any(f == "primary_value" for f, _ in errors)


def test_event_match_must_have_the_events_date(data_copy):
    _edit_check(data_copy, "event|E007", "primary_value", "2024-06-07")
    assert any("is not the event's date 2024-05" in p for _, p in _errors(data_copy))


def test_explanations_are_translated_with_each_languages_typography():
    """Each explanation written in French or Arabic follows that language's typography and
    keeps the English's numbers; one not written yet is pending (a contribution in English
    only), listed by the validator."""
    checks = load_primary_checks()
    pending = pending_cells()
    translated = 0
    for row in checks.itertuples():
        english = row.explanation if isinstance(row.explanation, str) else None
        fr, ar = row.explanation_fr, row.explanation_ar
        for column, text in (("explanation_fr", fr), ("explanation_ar", ar)):
            if not isinstance(text, str):
                assert ("primary_checks.csv", row.claim, column) in pending, (row.claim, column)
                continue
            translated += 1
            assert text != english, (row.claim, column)
            # The figures and dates of the explanation survive the translation.
            for number in re.findall(r"\d+", english or ""):
                assert number in text.replace("\u202f", "").replace(",", ""), (row.claim, number)
        if isinstance(fr, str):
            # French: a narrow no-break space before : ; ! ? and inside « », decimal comma.
            assert not re.search(r"[^\u202f][;:!?](\s|$)", fr), (row.claim, fr)
            assert not re.search(r"«[^\u202f]|[^\u202f]»", fr), (row.claim, fr)
            assert not re.search(r"\d\.\d", fr), (row.claim, fr)
        if isinstance(ar, str):
            # Arabic: Arabic punctuation, no space before a colon, Western digits.
            assert ";" not in ar and " :" not in ar, (row.claim, ar)
            assert not re.search(r",(?!\d)|(?<!\d),", ar), (row.claim, ar)
            assert not re.search(r"[٠-٩]", ar), (row.claim, ar)
    assert translated, "no explanation is translated: nothing was checked"
