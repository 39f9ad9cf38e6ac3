"""Every chart kind, in every language: complete, legible, honest about bounds, reproducible."""

from __future__ import annotations

import html
import io
import re
import warnings

import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from conftest import read_rows, write_rows
from tspolicy import charts
from tspolicy.charts import (
    KINDS,
    LAYOUTS,
    PHONE_WIDTH,
    SMALL_PHONE_WIDTH,
    ChartDataError,
    make,
    save,
)
from tspolicy.corroborate import claim_keys
from tspolicy.data import load_dataset, load_events
from tspolicy.i18n import LANGUAGES

COLOURS = {tuple(round(c, 3) for c in colour) for colour in charts.PALETTE}
ARABIC_LETTER = re.compile("[\u0620-\u064a]")


def _texts(chart_or_figure) -> list[str]:
    """The visible texts of a figure (or a chart's page figure), without bidi controls."""
    figure = getattr(chart_or_figure, "figure", chart_or_figure)
    return [
        charts._plain(a.get_text())
        for a in figure.findobj(Text)
        if a.get_visible() and a.get_text()
    ]


def _flat(text: str) -> str:
    return re.sub("[ \n]+", " ", charts._plain(text)).strip()


@pytest.fixture(scope="module")
def rendered():
    """Every kind in every language, drawn once in every layout and with its notes, with
    the warnings each raised."""
    out = {}
    for kind in KINDS:
        for lang in LANGUAGES:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                chart = make(kind, lang=lang)
                for figure in (chart.figure, chart.draw("narrow"), chart.with_notes()):
                    figure.canvas.draw()  # lays out every glyph: missing ones warn here
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
    for layout, width in (("wide", 800), ("narrow", 300)):
        figure = chart.draw(layout)
        ax = figure.axes[0]
        assert _flat(figure.get_suptitle()) == chart.title and ax.get_xlabel()
        assert figure.get_figwidth() * figure.dpi == width
    assert chart.notes and chart.notes[0].split()[0].rstrip(":") in {"Source", "المصدر"}
    assert chart.alt and chart.title in chart.alt


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_notes_are_text_not_picture(rendered, kind, lang):
    """The page images hold no note; the figure save() writes for papers holds every one."""
    chart, _ = rendered[kind, lang]
    assert chart.notes and all(isinstance(n, str) and n for n in chart.notes)
    for layout in LAYOUTS:
        texts = [_flat(text) for text in _texts(chart.draw(layout))]
        for note in chart.notes:
            start = _flat(note)[:40]
            assert not [text for text in texts if start in text], (layout, note)
    with_notes = " ".join(_flat(text) for text in _texts(chart.with_notes()))
    for note in chart.notes:
        assert _flat(note) in with_notes, note


def test_save_writes_the_notes_into_the_files(tmp_path):
    chart = make("content_counts", lang="fr")
    svg, png = save(chart, tmp_path)
    comments = " ".join(
        _flat(html.unescape(c)) for c in re.findall(r"<!-- (.*?) -->", svg.read_text(), re.S)
    )
    for note in chart.notes:  # the SVG keeps each text, drawn as paths, in a comment
        assert _flat(note)[:40] in comments, note
    width, height = Image.open(png).size
    page = chart.sizes()["wide"]
    assert width == 800 and height > page[1] + 100  # the notes take room under the chart


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_smallest_text_is_readable_on_a_phone_and_a_desktop(rendered, kind, lang):
    """Narrow image shown 288 px wide (a 320-px phone): every text ≥ 12 CSS px, tick and
    data labels ≥ 13; 343 px (375-px phone): ≥ 14; wide at 800 px: ≥ 11."""
    chart, _ = rendered[kind, lang]
    for layout, shown_at, target in (
        ("narrow", SMALL_PHONE_WIDTH, 12),
        ("narrow", PHONE_WIDTH, 14),
        ("wide", 800, 11),
    ):
        figure = chart.draw(layout)
        sizes = [a.get_fontsize() for a in figure.findobj(Text) if a.get_visible() and a.get_text()]
        assert len(sizes) > 5
        smallest = LAYOUTS[layout].css_px(min(sizes), shown_at)
        assert smallest >= target - 0.01, (layout, min(sizes), smallest)
    assert LAYOUTS["narrow"].css_px(LAYOUTS["narrow"].text, SMALL_PHONE_WIDTH) >= 13


@pytest.mark.parametrize("kind", KINDS)
def test_two_page_images_and_their_css_sizes(rendered, kind):
    chart, _ = rendered[kind, "fr"]
    pngs, sizes = chart.pngs(), chart.sizes()
    assert set(pngs) == set(sizes) == {"wide", "narrow"}
    assert sizes["wide"][0] == 800 and sizes["narrow"][0] == 300
    for layout, data in pngs.items():
        image = Image.open(io.BytesIO(data))
        density = LAYOUTS[layout].density
        assert image.size == tuple(round(v * density) for v in sizes[layout]), layout
        assert len(data) < 200_000, (layout, len(data))
    assert pngs["narrow"] != pngs["wide"]


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
    # after "Facebook, 65 % :", in lower case: French writes no capital after a colon
    assert any(
        "\u202f: non vérifié auprès d’une source primaire" in n
        or "\u202f: non vérifié auprès d'une source primaire" in n
        for n in chart.notes
    ), chart.notes


def test_alt_text_gives_the_main_point(rendered):
    assert "65%" in rendered["platform_shares", "en"][0].alt
    assert "Facebook" in rendered["platform_shares", "en"][0].alt
    assert "more than 1,470" in rendered["enforcement_outcomes", "en"][0].alt
    assert "plus de 73,3 millions" in rendered["content_counts", "fr"][0].alt
    assert "أكثر من 1,470" in rendered["enforcement_outcomes", "ar"][0].alt
    assert "2008" in rendered["timeline", "en"][0].alt
    last = max(load_events()["date"]).year  # the alt text spans the data's events
    assert str(last) in rendered["timeline", "en"][0].alt
    assert "Dot chart on a logarithmic scale" in rendered["content_counts", "en"][0].alt


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_alt_text_is_short_and_in_the_chart_language(rendered, kind, lang):
    chart, _ = rendered[kind, lang]
    alt = chart.alt
    assert len(alt) < 300, (len(alt), alt)
    assert len(re.findall(r"[.!?؟](?:\s|$)", alt)) <= 2, alt  # one or two sentences
    assert not [n for n in chart.notes if n in alt]  # no source line: it is in the caption
    letters = re.findall(r"[^\W\d_]", alt)
    arabic = sum(bool(ARABIC_LETTER.match(c)) for c in letters) / len(letters)
    if lang == "ar":
        assert arabic > 0.6, alt
    else:
        assert arabic == 0, alt
    kind_words = {
        "en": ("chart", "matrix", "Timeline"),
        "fr": ("Graphique", "Matrice", "Frise"),
        "ar": ("مخطط", "مصفوفة", "خط زمني"),
    }[lang]
    assert any(alt.startswith(word) or word in alt.split(":")[0] for word in kind_words), alt
    if lang != "en":
        assert alt != rendered[kind, "en"][0].alt


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_bounds_are_never_drawn_as_exact(rendered, lang):
    """ "1,470+", or in Arabic "أكثر من 1,470" (the page text's wording, not a "+" after an
    Arabic word: "73.3 مليون+")."""
    bounded = (
        (lambda x: x.startswith("أكثر من ") and "+" not in x)
        if lang == "ar"
        else (lambda x: x.endswith("+"))
    )
    chart, _ = rendered["enforcement_outcomes", lang]
    for numbers in (("1,470", "1\u202f470"), ("430",), ("265",)):
        labels = [t for t in _texts(chart) if any(n in t for n in numbers) and "\n" not in t]
        assert labels and all(bounded(text) for text in labels), labels
    counts, _ = rendered["content_counts", lang]
    documents = counts.data[counts.data["qualifier"] == "more_than"]
    assert len(documents) == 1  # Facebook's 73.3 million, drawn as a lower bound
    assert any(bounded(text) for text in _texts(counts))


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
    assert [p for p in linear.figure.axes[0].patches if isinstance(p, Rectangle)]
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
    assert (tmp_path / "index.html").exists() and len(written) == 4 * len(KINDS) + 1
    assert (tmp_path / "timeline_ar_narrow.png").is_file()


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


def _bars(ax) -> list:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_no_bars_on_a_log_axis(rendered, kind, lang):
    chart, _ = rendered[kind, lang]
    logs = 0
    for layout in LAYOUTS:
        for ax in chart.draw(layout).axes:
            if ax.get_xscale() == "log":
                assert not _bars(ax), (kind, layout)
                assert ax.lines  # the values are dots
                logs += 1
    if kind == "content_counts":  # the chart drawn on a log axis by default, in each layout
        assert logs >= len(LAYOUTS), logs


def test_bars_start_at_zero_on_a_linear_axis():
    ds = load_dataset()
    context = charts.default_context("en")
    chart = charts.content_counts(ds.figures, ds.metrics, context=context, scale="linear")
    ax = chart.figure.axes[0]
    assert _bars(ax) and all(bar.get_x() == 0 for bar in _bars(ax))
    assert min(ax.get_xlim()) == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_context_series_keep_their_period_visible(rendered, lang):
    chart, _ = rendered["content_counts", lang]
    for layout in LAYOUTS:
        legend = [_flat(t) for t in _texts(chart.draw(layout).legends[0])]
        period = _flat(charts.quarter_span("2022Q1", "2022Q3", lang))  # in the chart's language
        meta = [t for t in legend if period in t]
        ncmec = [t for t in legend if "NCMEC" in t and "2022" in t]
        assert meta and ncmec, legend
    series = set(chart.data["series"])
    assert {s for s in series if "Meta" in s or "ميتا" in s} and {s for s in series if "NCMEC" in s}


@pytest.mark.parametrize("kind", KINDS)
def test_evidence_ids_are_the_rows_behind_the_marks(rendered, kind):
    chart, _ = rendered[kind, "en"]
    cells = [str(c).split() for c in chart.data["evidence"]]
    flat = [i for ids in cells for i in ids]
    assert chart.evidence == list(dict.fromkeys(flat)) and chart.evidence
    assert all(len(ids) == len(set(ids)) for ids in cells)
    ds = load_dataset()
    figures = ds.figures.assign(claim=claim_keys(ds.figures))
    if kind == "timeline":
        assert set(chart.evidence) == set(ds.events["event_id"])
        assert cells == [[e] for e in chart.data["event_id"]]
        return
    if kind == "source_coverage":
        for (_, row), ids in zip(chart.data.iterrows(), cells, strict=True):
            expected = figures[
                (figures["claim"] == row["claim"])
                & (figures["document_id"].astype(str) == row["document_id"])
            ]["figure_id"]
            assert sorted(ids) == sorted(expected) and len(ids) == row["mentions"]
        assert set(chart.evidence) == set(figures["figure_id"])
        return
    metric = {
        "platform_shares": [charts.SHARE, charts.RANK],
        "enforcement_outcomes": list(charts.ENFORCEMENT),
        "content_counts": [charts.CONTENT],
    }[kind]
    rows = figures[figures["metric"].isin(metric)]
    if kind == "platform_shares":
        rows = rows[rows["claim"].str.endswith("|2020")]
    assert set(chart.evidence) == set(rows["figure_id"])
    key = "metric" if kind == "enforcement_outcomes" else "subject"
    for (_, row), ids in zip(chart.data.iterrows(), cells, strict=True):
        if kind == "content_counts" and row["series"] != chart.data["series"].iloc[0]:
            assert ids == []  # a context series: no figure of the dataset behind it
            continue
        assert sorted(ids) == sorted(rows[rows[key] == row[key]]["figure_id"])


def test_context_marks_have_no_evidence_and_name_their_series(rendered):
    chart, _ = rendered["content_counts", "en"]
    context = chart.data[chart.data["evidence"] == ""]
    assert len(context) == 4 and set(context["series"]) == {
        f"Meta: content actioned, {charts.quarter_span('2022Q1', '2022Q3', 'en')}",
        "NCMEC: CyberTipline reports, 2022",
    }


def test_arabic_labels_keep_latin_runs_whole_and_in_order():
    label = "الأطفال الذين ساعدهم مركز دعم — Courtney's House، 2008"
    lines = charts._lines(label, "ar", width=120, size=8)
    assert len(lines) > 1
    assert all(line.startswith("\u200f") for line in lines)  # each line right to left
    assert any("\u2066Courtney's House\u2069" in line for line in lines)  # one isolated run
    assert " ".join(charts._plain(line) for line in lines) == label
    # a run too long for a line starts a new one rather than split where it happens to fall
    long = "الأصوات المعارضة في اللجنة — STOP CSAM Act (US Senate Judiciary Committee)"
    lines = [charts._plain(x) for x in charts._lines(long, "ar", width=110, size=8)]
    assert lines[0].endswith("—") and lines[1].startswith("STOP CSAM")
    assert charts._lines("ar-news-guardian-meta", "ar", width=50, size=8) == [
        "ar-news-guardian-meta"
    ]  # no break at a hyphen, no control where no Arabic is
    assert charts._lines("1,470+", "ar") == ["1,470+"]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_arabic_coverage_and_timeline_labels_are_isolated(rendered, layout):
    coverage = rendered["source_coverage", "ar"][0].draw(layout)
    # the claims' labels: tick labels (wide), or texts over the plot's width (narrow)
    ticks = [t.get_text() for t in [*coverage.axes[0].get_yticklabels(), *coverage.axes[0].texts]]
    courtney = [t for t in ticks if "Courtney" in t]
    assert courtney and re.search("\u2066[^\u2069]*Courtney's House[^\u2069]*\u2069", courtney[0])
    arabic = [
        line
        for text in [*ticks, *(t.get_text() for t in coverage.findobj(Text))]
        for line in text.split("\n")
        if ARABIC_LETTER.search(line)
    ]
    assert arabic, "the Arabic chart has Arabic labels"
    assert all(line.startswith("\u200f") for line in arabic), arabic
    timeline = rendered["timeline", "ar"][0].draw(layout)
    texts = [t.get_text() for t in timeline.axes[0].texts]
    assert any("\u2066STOP CSAM" in t for t in texts)


def test_palette_and_style_are_seaborns():
    """charts.py holds seaborn's values rather than importing seaborn in every kernel."""
    import seaborn as sns

    assert list(sns.color_palette("colorblind")) == charts.PALETTE
    style = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.85)}
    assert style.pop("image.cmap") == "rocket"  # seaborn's own colormap: no chart draws images
    assert style == charts.SEABORN_STYLE


@pytest.mark.parametrize("lang", LANGUAGES)
def test_documents_relaying_one_origin_are_one_source(rendered, lang):
    """Two documents relaying the Guardian's investigation are named under it, once: not two
    sources side by side (« Source : ar-news-guardian-meta, fr-news-guardian-meta »)."""
    ds = load_dataset()
    origins = ds.origins.set_index("origin_id")
    label = str(origins.at["guardian-2023-meta-trafficking", f"label_{lang}"])
    for kind in ("platform_shares", "content_counts", "source_coverage", "timeline"):
        chart, _ = rendered[kind, lang]
        line = chart.notes[0]
        assert line.count(label) == 1, (kind, line)
        relayed = ds.sources.loc[ds.sources["origin"] == "guardian-2023-meta-trafficking"]
        shown = [d for d in relayed["document_id"] if d in line]
        assert len(shown) >= 2, line
        # the origin comes first, then the documents that relay it, with its date
        assert line.index(label) < min(line.index(d) for d in shown)
        assert "2023" in line[line.index(label) : min(line.index(d) for d in shown)]
    alone, _ = rendered["enforcement_outcomes", lang]  # one document of its origin: itself
    assert alone.notes[0].endswith("ar-oped-ijm-philippines") and label not in alone.notes[0]


def test_source_line_without_origins_lists_the_documents():
    line = charts.source_line(["b-doc", "a-doc", "b-doc"], "en")
    assert line == "Source: a-doc; b-doc"


def test_chart_csv_writes_whole_numbers_as_integers():
    """Ranks and whole shares are 1 and 65 in the CSV, not 1.0 and 65.0; 36.2 stays."""
    from tspolicy.figurehtml import csv_text, frame_of_csv

    chart = make("platform_shares", lang="fr")
    text = csv_text(chart, chart.notes, "fr", "overview")
    body = text.split("\n", len(text.split("\n")) - len(chart.data) - 2)[-1]
    assert not re.search(r"(?<![\d.])\d+\.0(?![\d])", body), body
    assert ",1," in body and ",65," in body
    back = frame_of_csv(text)
    assert list(back["rank"]) == [1, 2, 3]
    frame = pd.DataFrame({"x": [1.0, 36.2, float("nan")], "y": ["a", "b", "c"]})
    from tspolicy.figurehtml import whole_numbers

    out = io.StringIO()
    whole_numbers(frame).to_csv(out, index=False)
    assert out.getvalue().splitlines()[1:] == ["1,a", "36.2,b", ",c"]


def _laid_out(chart, layout):
    """The chart's page figure in ``layout``, drawn (laid out), and its renderer."""
    figure = chart.draw(layout)
    with charts._rc(chart.lang):
        figure.savefig(io.BytesIO(), format="png")
    return figure, figure._get_renderer()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_labels_stay_inside_the_plot_and_the_picture(rendered, kind, lang):
    """No data or event label crosses the plot's frame (the Arabic timeline's 2016 label
    ran past it; the Arabic platform label "65% · المرتبة الأولى" crossed the left frame);
    no text runs off the picture; the title overlaps no other text (the French y-axis label
    of the platform chart ran into it)."""
    chart, _ = rendered[kind, lang]
    for layout in LAYOUTS:
        figure, renderer = _laid_out(chart, layout)
        ax = figure.axes[0]
        frame = ax.get_window_extent(renderer)
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, (
                layout,
                round(frame.x0 - box.x0),
                round(box.x1 - frame.x1),
                _flat(text.get_text()),
            )
        title = figure._suptitle.get_window_extent(renderer)
        drawn = [  # the tick labels drawn: those of the ticks within the axes' limits
            tick_label
            for axis in (ax.xaxis, ax.yaxis)
            for tick in axis._update_ticks()
            for tick_label in (tick.label1, tick.label2)
        ]
        legends = [text for legend in figure.legends for text in legend.get_texts()]
        texts = [*ax.texts, ax.xaxis.label, ax.yaxis.label, *drawn, *legends]
        for text in texts:
            if not (text.get_visible() and text.get_text()):
                continue
            box = text.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= figure.bbox.x1 + 1, (layout, _flat(text.get_text()))
            assert not box.overlaps(title), (layout, _flat(text.get_text()))
        whole = figure.get_tightbbox(renderer)  # in inches
        assert whole.x0 >= -0.01 and whole.x1 <= figure.get_figwidth() + 0.01, layout


def test_every_verdict_has_a_colour_and_its_sentences():
    """Each verdict of the vocabulary (data/vocabulary.csv) has a colour, a legend entry (for
    a number or a vague word alike), and its sentences after one figure and after several."""
    from tspolicy.i18n import strings
    from tspolicy.paths import DATA_DIR

    rows = read_rows(DATA_DIR / "vocabulary.csv")
    verdicts = {r[1] for r in rows[1:] if r[0] == "verdict"}
    assert verdicts and set(charts.VERDICT_COLOURS) == verdicts
    for verdict in verdicts:
        for prefix in ("verdict", "verdict_plural", "verdict_legend"):
            assert f"{prefix}.{verdict}" in strings(), f"{prefix}.{verdict}"
