"""The check that fr and ar pages hold no English outside tagged names and quotations."""

import pytest

from tspolicy.langcheck import untagged_english


@pytest.mark.parametrize(
    ("html", "lang", "found"),
    [
        ("<p>Les documents disent : the documents agree.</p>", "fr", ["the documents agree"]),
        ("<p>الوثائق: relayed by three documents</p>", "ar", ["relayed by three documents"]),
        ('<img alt="Bar chart of the shares">', "fr", ["Bar chart of the shares"]),
        ("<p>Source : Community Standards Enforcement Report</p>", "fr", []),  # a name
        ('<p><cite lang="en">The State of the World</cite></p>', "fr", []),  # tagged
        ('<p><bdi translate="no">the file of the day</bdi></p>', "ar", []),
        ("<pre><code>papermill the notebook out.ipynb</code></pre>", "fr", []),
        ("<p>The documents agree with the source.</p>", "en", []),  # an English page
        ("<p>Facebook et Instagram, plus de 73,3 millions</p>", "fr", []),
    ],
)
def test_untagged_english(html, lang, found):
    assert [f.text for f in untagged_english(html, lang)] == found


def test_an_unclosed_tag_does_not_hide_what_follows():
    html = '<p><span lang="en">Name</p><p>and the rest of the text</p>'
    assert [f.text for f in untagged_english(html, "fr")] == ["and the rest of the text"]
