"""The HTML in a real browser: Playwright driving Debian's chromium, from files, offline.

Skipped where chromium is not installed, except in CI (CI=true), where `.ci/run` installs
it and a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CHROMIUM
from tspolicy.i18n import LANGUAGES
from tspolicy.parameters import NOTEBOOKS

PAGES = ["index.html", *(f"{lang}/{name}.html" for lang in LANGUAGES for name in NOTEBOOKS)]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: .ci/run installs it with apt-get", pytrace=False
        )
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _open(browser, url: str):
    """Open a page, recording console errors and every request that is not a local file."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors, outside


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_with_no_error(browser, built_site, path):
    page, errors, outside = _open(browser, (built_site / path).as_uri())
    assert errors == [] and outside == []
    images = page.evaluate(
        "[...document.images].map(i => [i.alt, i.complete && i.naturalWidth > 0])"
    )
    assert all(alt.strip() and loaded for alt, loaded in images), images
    if path != "index.html":
        assert len(images) >= 1
    page.close()


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_arabic_pages_are_right_to_left(browser, built_site, name):
    page, _, _ = _open(browser, (built_site / f"ar/{name}.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    for selector in ("main h1", "main p", "main li", "main td", "nav.toc"):
        # text tagged as another language (an English citation, a French excerpt) keeps
        # its own direction; everything else on an Arabic page is right to left
        for direction in page.eval_on_selector_all(
            selector,
            "els => els.filter(e => !e.closest('[dir=ltr], [lang]:not([lang=ar])'))"
            ".map(e => getComputedStyle(e).direction)",
        ):
            assert direction == "rtl", selector
    heading = page.eval_on_selector(
        "main h1",
        "e => [e.getBoundingClientRect().right, document.body.getBoundingClientRect().right]",
    )
    assert heading[1] - heading[0] < 40, "an Arabic heading starts at the right"
    page.close()


def test_every_index_link_resolves(browser, built_site):
    page, _, _ = _open(browser, (built_site / "index.html").as_uri())
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert len(hrefs) == len(PAGES) - 1
    for href in hrefs:
        target, errors, outside = _open(browser, href)
        assert target.evaluate("document.title") and not errors and not outside, href
        target.close()
    page.close()


def test_injected_script_does_not_run(browser, built_site, tmp_path):
    html = (built_site / "en/sources.html").read_text(encoding="utf-8")
    hostile = html.replace(
        "</main>",
        "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned=2'></main>",
    )
    page_path = tmp_path / "hostile.html"
    page_path.write_text(hostile, encoding="utf-8")
    page, errors, _ = _open(browser, page_path.as_uri())
    assert page.evaluate("window.__pwned") is None  # the page's policy blocks any script
    assert errors, "the browser reports the blocked script"
    page.close()


def test_escaped_data_shows_as_text(browser, built_site, tmp_path):
    html = (built_site / "en/sources.html").read_text(encoding="utf-8")
    marker = "&lt;script&gt;window.__pwned = 3&lt;/script&gt;"
    page_path = tmp_path / "escaped.html"
    page_path.write_text(
        html.replace("</main>", f"<p id=probe>{marker}</p></main>"), encoding="utf-8"
    )
    page, errors, _ = _open(browser, page_path.as_uri())
    assert page.inner_text("#probe") == "<script>window.__pwned = 3</script>"
    assert page.evaluate("window.__pwned") is None and errors == []
    page.close()
