"""Find English left untagged on a French or Arabic page.

A fr or ar page may hold English only where it is marked as such: a name or a quotation in
an element with ``lang="en"``, code, or an id or file name in ``translate="no"``. Any other
run of English words longer than a proper name is a fragment passed off as the page's
language — what :func:`untagged_english` finds, so that a test can fail on it.

A run is English when it has at least :data:`MIN_WORDS` Latin-script words in a row and at
least one of them is an English function word that French does not share ("the", "of",
"and"…): "Community Standards Enforcement Report" (a name) passes, "the documents agree"
does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: Words in a row before a run of Latin words can be more than a name.
MIN_WORDS = 3
#: English function words that are not French words.
ENGLISH_ONLY = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "for",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "not",
        "this",
        "that",
        "these",
        "those",
        "its",
        "by",
        "which",
        "be",
        "been",
        "has",
        "have",
        "it",
        "they",
        "their",
        "them",
        "than",
        "what",
        "when",
        "who",
        "whose",
        "or",
        "but",
        "into",
        "per",
        "only",
        "also",
        "our",
        "we",
        "since",
        "your",
    ]
)
_SKIPPED = frozenset({"code", "pre", "style", "script", "kbd", "samp", "var", "svg", "math"})
_VOID = frozenset(
    {"br", "img", "meta", "link", "hr", "input", "source", "area", "base", "col", "wbr"}
)
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \u00a0]+[A-Za-z][A-Za-z'’-]*)+")


@dataclass(frozen=True)
class Finding:
    """An untagged English run, with the language it is supposed to be in."""

    lang: str
    text: str


class _Walker(HTMLParser):
    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("#root", page_lang, False)]
        self.chunks: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        _, lang, skipped = self.stack[-1]
        lang = (values.get("lang") or lang).split("-")[0]
        skipped = skipped or tag in _SKIPPED or values.get("translate") == "no"
        if tag not in _VOID:
            self.stack.append((tag, lang, skipped))
        if tag == "img" and values.get("alt") and not skipped:
            self.chunks.append((lang, values["alt"] or ""))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        _, lang, skipped = self.stack[-1]
        if not skipped and data.strip():
            self.chunks.append((lang, data))


def untagged_english(html: str, page_lang: str) -> list[Finding]:
    """The runs of English in ``html`` that are not tagged as English, code or names.

    Text in an element whose ``lang`` is ``en`` is tagged; so is anything inside code,
    ``<pre>`` or ``translate="no"``. Image alt text counts as page text.
    """
    walker = _Walker(page_lang)
    walker.feed(html)
    findings = []
    for lang, text in walker.chunks:
        if lang == "en":
            continue
        for match in _LATIN_RUN.finditer(text):
            words = re.split(r"[ \u00a0]+", match.group())
            if len(words) >= MIN_WORDS and any(w.lower() in ENGLISH_ONLY for w in words):
                findings.append(Finding(lang, match.group()))
    return findings
