"""Every chart kind, in every language: complete, legible, honest about bounds, reproducible."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.text import Text

from conftest import read_rows, write_rows
from tspolicy import charts
from tspolicy.charts import KINDS, ChartDataError, make, save
from tspolicy.data import load_dataset
from tspolicy.i18n import LANGUAGES

COLOURS = {tuple(round(c, 3) for c in colour) for colour in charts.PALETTE}


def _texts(chart) -> list[str]:
    return [a.get_text() for a in chart.figure.findobj(Text) if a.get_text()]


@pytest.fixture(scope="module")
def rendered():
    """Every kind in every language, drawn once, with the warnings each raised."""
    out = {}
    for kind in KINDS:
        for lang in LANGUAGES:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                chart = make(kind, lang=lang)
                chart.figure.canvas.draw()  # lays out every glyph: missing ones warn here
            out[kind, lang] = (chart, [str(w.message) for w in caught])
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_renders_without_missing_glyphs(rendered, kind, lang):
    chart, caught = rendered[kind, lang]
    assert not [w for w in caught if "missing from font" in w], caught
    assert chart.lang == lang and chart.kind == kind


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_title_axes_and_source_line(rendered, kind, lang):
    chart, _ = rendered[kind, lang]
    ax = chart.figure.axes[0]
    title = ax.get_title(loc="right" if lang == "ar" else "left")
    assert title and title.replace("\n", " ") == chart.title and ax.get_xlabel()
    assert chart.notes and chart.notes[0].split()[0].rstrip(":") in {"Source", "المصدر"}
    footer = "\n".join(_texts(chart))
    assert chart.notes[0].split(":")[1].strip().split(",")[0] in footer
    assert chart.alt and chart.title in chart.alt
    assert chart.figure.get_figwidth() * chart.figure.dpi == 800


@pytest.mark.parametrize("kind", ["platform_shares", "enforcement_outcomes", "content_counts"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_metric_charts_carry_caveats_and_primary_source(rendered, kind, lang):
    chart, _ = rendered[kind, lang]
    caveat_word = {"en": "Note:", "fr": "À savoir", "ar": "تنبيه"}[lang]
    primary_word = {"en": "Primary source", "fr": "Source primaire", "ar": "المصدر الأصلي"}[lang]
    assert any(caveat_word in n for n in chart.notes)
    assert any(primary_word in n for n in chart.notes)


def test_verdicts_that_do_not_match_are_on_the_chart(rendered):
    chart, _ = rendered["content_counts", "en"]
    assert any("counts something different" in n for n in chart.notes)
    # the context series' caveats come through: neither measure counts children
    assert any(
        "Meta's figures count pieces of content" in n and "not children" in n for n in chart.notes
    )
    assert any("CyberTipline report can hold many files" in n for n in chart.notes)
    chart, _ = rendered["platform_shares", "fr"]
    assert any("ne compte pas ce que disent les documents" in n for n in chart.notes)


def test_alt_text_names_the_values(rendered):
    assert "65%" in rendered["platform_shares", "en"][0].alt
    assert "Facebook" in rendered["platform_shares", "en"][0].alt
    assert "more than 1,470" in rendered["enforcement_outcomes", "en"][0].alt
    assert "plus de 73,3 millions" in rendered["content_counts", "fr"][0].alt
    assert "أكثر من 430" in rendered["enforcement_outcomes", "ar"][0].alt
    assert "2016" in rendered["timeline", "en"][0].alt


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_bounds_are_never_drawn_as_exact(rendered, lang):
    chart, _ = rendered["enforcement_outcomes", lang]
    for number in ("1,470", "1\u202f470", "430", "265"):
        labels = [text for text in _texts(chart) if number in text and "\n" not in text]
        assert all("+" in text for text in labels), labels
    counts, _ = rendered["content_counts", lang]
    documents = counts.data[counts.data["qualifier"] == "more_than"]
    assert len(documents) == 1  # Facebook's 73.3 million, drawn with "+"
    assert any(text.endswith("+") for text in _texts(counts))


def test_enforcement_draws_no_rate(rendered):
    chart, _ = rendered["enforcement_outcomes", "en"]
    assert not [text for text in _texts(chart) if "%" in text]
    assert any("no bar is a rate" in n for n in chart.notes)


def test_arabic_charts_are_mirrored(rendered):
    for kind in ("platform_shares", "enforcement_outcomes", "content_counts"):
        assert rendered[kind, "ar"][0].figure.axes[0].xaxis_inverted()
        assert not rendered[kind, "en"][0].figure.axes[0].xaxis_inverted()


def test_colour_blind_palette(rendered):
    chart, _ = rendered["platform_shares", "en"]
    bars = [p for p in chart.figure.axes[0].patches if p.get_facecolor()[3] > 0]
    for bar in bars:
        rgb = tuple(round(c, 3) for c in bar.get_facecolor()[:3])
        assert rgb in COLOURS or len(set(rgb)) == 1  # palette colour, or neutral grey


def test_log_scale_when_magnitudes_differ_tenfold(rendered):
    assert bool(rendered["content_counts", "en"][0].data["log"].iloc[0])
    ds = load_dataset()
    linear = charts.content_counts(ds.figures, ds.metrics, scale="linear")
    assert linear.figure.axes[0].get_xscale() == "linear"
    assert (
        charts.content_counts(ds.figures, ds.metrics, platforms=["Instagram"])
        .figure.axes[0]
        .get_xscale()
        == "linear"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_saving_twice_gives_identical_bytes(tmp_path, kind):
    first = save(make(kind, lang="ar"), tmp_path / "a")
    second = save(make(kind, lang="ar"), tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = first[0].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in first[1].read_bytes()[:200]


def test_save_leaves_no_temporary_file_and_readable_files(tmp_path):
    save(make("timeline"), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline_en.png", "timeline_en.svg"]
    assert all(p.stat().st_mode & 0o044 for p in tmp_path.iterdir())  # group/other can read


def test_changing_a_value_changes_the_chart(data_copy):
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    row = next(r for r in rows if r[0] == "F013")
    row[rows[0].index("value")] = "1480"
    write_rows(path, rows)
    assert "more than 1,480" in make("enforcement_outcomes", data_dir=data_copy).alt


def test_no_data_is_a_clear_error():
    ds = load_dataset()
    with pytest.raises(ChartDataError, match="for 1999"):
        charts.platform_shares(ds.figures, ds.metrics, year=1999)
    with pytest.raises(ChartDataError, match="organisation='Nobody'"):
        charts.enforcement_outcomes(ds.figures, ds.metrics, organisation="Nobody")
    with pytest.raises(ValueError, match="chart kind"):
        make("pie")


def test_gallery(tmp_path):
    written = charts.gallery(tmp_path, langs=("ar",))
    assert (tmp_path / "index.html").exists() and len(written) == 2 * len(KINDS) + 1


def test_save_removes_temporary_files_a_killed_writer_left(tmp_path):
    import os
    import time

    stale = tmp_path / ".timeline.abcd1234.png"
    fresh = tmp_path / ".timeline.efgh5678.png"  # a live writer's, seconds old: kept
    for path in (stale, fresh):
        path.write_bytes(b"half")
    old = time.time() - charts.STALE_TEMPORARY_SECONDS - 60
    os.utime(stale, (old, old))
    charts.save(charts.make("timeline", lang="en"), tmp_path, stem="timeline")
    assert not stale.exists() and fresh.exists()
    assert (tmp_path / "timeline.png").is_file()
