"""A document added in English with metrics and a subject named in English only: the French
and Arabic sources pages say "translation pending" where each label would be, keep two
pending metrics apart (by their ids), tag the English subject name as English, and name
the primary source the figure's document names when its check names none."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import append_row, read_rows, row_of, write_rows
from tspolicy import evidence, report
from tspolicy.data import load_dataset
from tspolicy.i18n import t
from tspolicy.langcheck import untagged_english

SUBJECT = "Brightline Watch"
LABELS = {
    "bw_survey_respondents": "Respondents to the Brightline Watch survey",
    "bw_reports_flagged": "Reports flagged by Brightline Watch reviewers",
}
NAMED = "Brightline Watch annual survey"


def add_english_only_metrics(data: Path) -> None:
    """Two metrics labelled in English only, a subject named in English only, a figure of
    each naming its primary source, and checks that name none."""
    append_row(data / "subjects.csv", {"subject": SUBJECT, "label_en": SUBJECT})
    figure = row_of(data / "figures.csv", "F011")  # "more than 70 sources"
    check = row_of(data / "primary_checks.csv", "sources_interviewed|The Guardian|")
    for n, (metric, label) in enumerate(LABELS.items()):
        append_row(
            data / "metrics.csv",
            {
                "metric": metric,
                "unit": "sources",
                "category": "context",
                "label_en": label,
                "definition": "A count the document states.",
                "caveat": "As the document states it; not checked at the source.",
            },
        )
        append_row(
            data / "figures.csv",
            {
                **figure,
                "figure_id": f"F90{n}",
                "metric": metric,
                "subject": SUBJECT,
                "primary_source": NAMED,
                "primary_source_fr": "",
                "primary_source_ar": "",
            },
        )
        append_row(
            data / "primary_checks.csv",
            {
                **check,
                "claim": f"{metric}|{SUBJECT}|",
                "primary_source": "",
                "publisher": "",
                "publisher_fr": "",
                "publisher_ar": "",
                "seen_in": "",
                "seen_in_fr": "",
                "seen_in_ar": "",
                "url": "",
                "published": "",
                "verdict": "unverified",
                "primary_value": "",
            },
        )


@pytest.fixture
def pending_data(data_copy: Path) -> Path:
    add_english_only_metrics(data_copy)
    return data_copy


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_pending_metrics_are_told_apart_and_hold_no_english(pending_data, lang):
    rep = report.start("sources", {"language": lang, "data_dir": str(pending_data)})
    figure = rep.chart()._repr_html_()
    verdicts, notes = rep.verdicts().data, rep.evidence().data
    pending = t("evidence.pending", lang)
    for part in (figure, verdicts, notes):
        for metric in LABELS:  # each pending label: the marker, then the metric's id
            assert f'<em class="pending">{pending}</em> (<code translate="no">{metric}</code>)' in (
                part.replace("\\_", "_")  # Markdown escapes, gone once rendered
            ), (metric, part[:200])
        for label in LABELS.values():
            assert label not in part
        assert f'<span lang="en" dir="ltr" translate="no">{SUBJECT}</span>' in part
        assert untagged_english(part, lang) == []
    # the chart's labels differ too (plain text: the ids in brackets): the wide drawing's row
    # labels, and the narrow one's (drawn as lines of their own above the dots)
    from matplotlib.text import Text

    chart = rep.draw()
    for layout in ("wide", "narrow"):
        drawn = [
            x.get_text()
            for x in chart.draw(layout).findobj(Text)
            if x.get_visible() and x.get_text()
        ]
        for metric in LABELS:
            assert len([x for x in drawn if metric in x]) == 1, (layout, drawn)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_note_names_the_figures_primary_source_when_the_check_names_none(pending_data, lang):
    ds = load_dataset(pending_data)
    html = evidence.notes_html(ds, ["F900", "F004"], lang)
    assert f'<cite lang="en" dir="ltr" translate="no">{NAMED}</cite>' in html
    # shipped F004: Meta, as each page writes it (a name as published is tagged as such)
    named = {"en": "Meta", "fr": "Meta", "ar": "ميتا"}[lang]
    shown = f'<cite lang="en" dir="ltr" translate="no">{named}</cite>' if named == "Meta" else named
    assert f"{shown} ({t('evidence.as_named', lang)})" in html
    assert t("evidence.no_source", lang) not in html
    assert t("verdict.unverified", lang) in html


def test_english_pages_show_the_english_labels(pending_data):
    ds = load_dataset(pending_data)
    html = evidence.notes_html(ds, ["F900", "F901"], "en")
    for label in LABELS.values():
        assert label in html
    assert t("evidence.pending", "en") not in html


def test_an_arabic_labels_opening_bracket_stays_outside_the_latin_isolate():
    from tspolicy.charts import _label

    drawn = _label(f"{SUBJECT} ({t('evidence.pending', 'ar')})", "ar")
    assert f"\u2066{SUBJECT}\u2069 (" in drawn  # "(" opens the Arabic, in the Arabic line


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_verdict_legend_fits_the_narrow_drawing(lang):
    rep_chart = report.start("sources", {"language": lang}).draw()
    figure = rep_chart.draw("narrow")
    figure.canvas.draw()
    [legend] = figure.legends
    box, page = legend.get_window_extent(), figure.bbox
    assert box.x0 >= page.x0 and box.x1 <= page.x1, (box, page)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_pending_subject_in_running_text_is_tagged_english(data_copy, lang):
    from tspolicy.narrative import narrative

    rows = read_rows(data_copy / "subjects.csv")
    row = next(r for r in rows[1:] if r[0] == "Instagram")
    row[rows[0].index(f"label_{lang}")] = ""
    write_rows(data_copy / "subjects.csv", rows)
    text = narrative("platform_shares", load_dataset(data_copy), lang=lang)
    tagged = '<span lang="en" dir="ltr" translate="no">Instagram</span> (<em class="pending">'
    assert tagged in text
    assert "Instagram (" not in text.replace("</span> (", "")
