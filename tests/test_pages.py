"""Pages that show their evidence, read as a reader would: in chromium, on a phone, in print.

Every number links to a note on the same page holding the document's exact words (tagged
with their language), their translation, the document and the primary-source verdict; the
charts' notes are text; nothing scrolls sideways at 320 or 375 px; the overview prints on at
most two A4 pages; axe-core finds no WCAG 2.1 A/AA violation; one data version everywhere.
"""

from __future__ import annotations

import base64
import io
import re
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest

from test_browser import PAGES
from tspolicy import charts
from tspolicy.csvsafe import safe_frame
from tspolicy.data import load_dataset
from tspolicy.figurehtml import frame_of_csv, whole_numbers
from tspolicy.i18n import LANGUAGES
from tspolicy.langcheck import untagged_english
from tspolicy.parameters import NOTEBOOKS

pytestmark = pytest.mark.slow
REPORT_PAGES = [f"{lang}/{name}.html" for lang in LANGUAGES for name in NOTEBOOKS]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def _page(browser, path: Path, width: int = 1000):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


# --------------------------------------------------------------------------- HTML only


@pytest.mark.parametrize("path", [p for p in REPORT_PAGES if not p.startswith("en/")])
def test_no_untagged_english_on_french_and_arabic_pages(built_site, path):
    html = (built_site / path).read_text(encoding="utf-8")
    body = html[html.index("<body") :]
    found = [f.text for f in untagged_english(body, path.split("/")[0])]
    assert found == [], f"{path}: English outside tagged names and quotations: {found[:8]}"


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_every_evidence_link_has_its_note_on_the_page(built_site, path):
    html = (built_site / path).read_text(encoding="utf-8")
    links = set(re.findall(r'href="#(ev-[A-Za-z0-9_-]+)"', html))
    notes = set(re.findall(r'<li id="(ev-[A-Za-z0-9_-]+)"', html))
    assert links, f"{path} links no number to its evidence"
    assert links <= notes, f"{path}: links without a note: {sorted(links - notes)}"
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"{path}: repeated ids"


def test_the_sources_pages_hold_every_excerpt(built_site, dataset):
    for lang in LANGUAGES:
        html = (built_site / lang / "sources.html").read_text(encoding="utf-8")
        for record_id in [*dataset.figures["figure_id"], *dataset.events["event_id"]]:
            assert f'<li id="ev-{record_id}"' in html, (lang, record_id)


def test_one_data_version_on_every_page_and_the_index(built_site):
    versions = set()
    for path in PAGES:
        html = (built_site / path).read_text(encoding="utf-8")
        versions |= set(re.findall(r'class="data-version"[^>]*>([^<]+)<', html))
    assert len(versions) == 1, versions


# --------------------------------------------------------------------------- in the browser


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_each_figure_shows_its_excerpt_verbatim_with_its_language(
    browser, built_site, dataset, path
):
    page = _page(browser, built_site / path)
    notes = page.eval_on_selector_all(
        "li[id^='ev-']",
        """els => els.map(li => {
            const q = li.querySelector('blockquote.excerpt');
            return [li.id.slice(3), q ? q.innerText.trim() : null, q ? q.lang : null];
        })""",
    )
    page.close()
    languages = dict(zip(dataset.sources["document_id"], dataset.sources["language"], strict=True))
    records = {
        **{
            r.figure_id: (r.excerpt, languages[r.document_id]) for r in dataset.figures.itertuples()
        },
        **{r.event_id: (r.excerpt, languages[r.document_id]) for r in dataset.events.itertuples()},
    }
    checked = 0
    for record_id, shown, lang in notes:
        if record_id in records:
            excerpt, own = records[record_id]
            assert (shown, lang) == (excerpt, own), record_id
            checked += 1
    assert checked, f"{path} shows no excerpt"


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_on_a_phone(browser, built_site, path, width):
    page = _page(browser, built_site / path, width=width)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !e.closest('.table-scroll, pre, details:not([open])'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    page.close()
    assert overflow <= 0 and wide == [], f"{path} at {width} px: {overflow} px, {wide}"


@pytest.mark.parametrize("path", ["fr/timeline.html", "ar/timeline.html", "fr/sources.html"])
def test_chart_text_is_legible_on_a_320_px_phone(browser, built_site, path):
    """At 320 px a chart shows its narrow drawing about its own width, so its smallest text
    (the layout's ``small`` size) is 12 CSS px or more (it was 8: an 800-px image shown
    288 px wide)."""
    page = _page(browser, built_site / path, width=320)
    images = page.eval_on_selector_all(
        "figure.chart img", "els => els.map(i => [i.getBoundingClientRect().width, i.naturalWidth])"
    )
    page.close()
    narrow = charts.LAYOUTS["narrow"]
    assert images
    for shown, natural in images:
        assert natural == round(narrow.css_width * narrow.density), "the narrow drawing is shown"
        smallest = narrow.css_px(narrow.small, shown)
        assert smallest >= 12 - 0.01, (path, shown, smallest)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_ids_never_break_at_their_hyphens(built_site, dataset, lang):
    """Every document id a table cell shows is a ``bdi.id`` (no break inside, its own
    direction): an Arabic page broke "ar-news-guardian-meta" at its hyphens."""
    html = (built_site / lang / "sources.html").read_text(encoding="utf-8")
    ids = "|".join(re.escape(d) for d in dataset.sources["document_id"])
    cells = re.findall(rf"<td>\s*(<bdi[^>]*>)?\s*({ids})\s*(</bdi>)?\s*</td>", html)
    assert cells, "the sources page lists its documents in tables"
    for bdi, document, _ in cells:
        assert bdi and 'class="id"' in bdi, (lang, document)


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_every_chart_has_its_notes_as_text_and_its_rows_as_csv(browser, built_site, path):
    page = _page(browser, built_site / path)
    figures = page.eval_on_selector_all(
        "figure.chart",
        """els => els.map(f => ({
            id: f.id,
            caption: f.querySelector('figcaption').innerText,
            notes: f.querySelectorAll('figcaption .chart-notes li').length,
            described: document.getElementById(
                f.querySelector('img').getAttribute('aria-describedby')) !== null,
            rows: f.querySelectorAll('table tbody tr').length,
            csv: f.querySelector('a[download]').getAttribute('href'),
            alt: f.querySelector('img').alt,
        }))""",
    )
    page.close()
    lang, name = path.split("/")[0], path.split("/")[1].removesuffix(".html")
    assert figures, f"{path} has no chart"
    for figure in figures:
        assert figure["notes"] >= 1 and figure["described"], figure["id"]
        assert len(figure["alt"]) < 400, figure["alt"]
        header, data = figure["csv"].split(",", 1)
        assert header == "data:text/csv;base64"
        frame = frame_of_csv(base64.b64decode(urllib.parse.unquote(data)).decode("utf-8"))
        assert len(frame) == figure["rows"], figure["id"]
        kind = figure["id"].split("-", 2)[2].replace("-", "_")
        if name in {"overview", "sources", "timeline"} or name == kind:  # default parameters
            expected = pd.read_csv(
                io.StringIO(
                    whole_numbers(safe_frame(charts.make(kind, lang=lang).data)).to_csv(index=False)
                ),
                keep_default_na=False,
            )
            pd.testing.assert_frame_equal(frame, expected)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_overview_prints_on_at_most_two_a4_pages(browser, built_site, lang, tmp_path):
    page = _page(browser, built_site / lang / "overview.html")
    pdf = page.pdf(format="A4", print_background=False)
    page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"{lang}/overview.html prints on {pages} A4 pages"


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violation(browser, built_site, path):
    from axe_playwright_python.sync_playwright import Axe

    page = _page(browser, built_site / path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    page.close()
    violations = [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
    ]
    assert violations == [], f"{path}: {violations}"
