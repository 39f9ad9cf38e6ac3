"""Narrative summaries written from the data, in English, French and Arabic.

:func:`facts` selects and formats what a topic says — every number through Babel with its
qualifier, names in the report's language, the documents and primary sources, caveats and
primary-source verdicts; :func:`narrative` phrases it with the Jinja2 template of the topic
and language (``templates/narrative/<lang>/<topic>.md.j2``). The output is Markdown.

Every value a template prints passes through :func:`escape_markdown`, so text from the
data (a title, an excerpt, a subject) can never become Markdown or HTML markup: a
``<script>`` in a title is printed as text.

What the summaries never do: compute a rate from two lower bounds, write a lower bound as
an exact number, or present a share as a share of anything but what its source counted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import jinja2
import markupsafe
import pandas as pd

from . import formatting as fmt
from . import selection
from .context import CHILD_ENDANGERMENT, ContextSeries
from .corroborate import corroborate, document_origins
from .data import Dataset
from .evidence import CONTEXT_PREFIX, metric_html, quotations, ref, subject_html, verdict_text
from .groups import CONTENT, ENFORCEMENT, RANK, SHARE, SHARE_BASE
from .i18n import (
    DIRECTION,
    after_by,
    check_language,
    event_text,
    join,
    metric_text,
    name,
    plural,
    primary_sources,
    strings,
    t,
    written,
)
from .numbers import VAGUE

#: The primary-source verdicts, in the order the sources page counts them.
VERDICTS = ("matches", "differs_in_value", "differs_in_definition", "differs_in_date", "unverified")
TOPICS = ("overview", "platform_shares", "enforcement", "content_counts", "sources", "timeline")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~!])")


def _join(items: Any, separator: str = "") -> markupsafe.Markup:
    """Jinja's ``join`` for Markdown: each item escaped (unless it is already markup), so
    ``<bdi>``-wrapped ids and ``<cite>``-tagged names survive, and text never becomes markup."""
    return markupsafe.Markup(escape_markdown(separator)).join(
        markupsafe.Markup(escape_markdown(item)) for item in items
    )


def _documents(ids: Any) -> list[markupsafe.Markup]:
    """Document ids as a page shows them: isolated, so an Arabic line does not reorder them."""
    return [
        markupsafe.Markup('<bdi translate="no" class="id">{}</bdi>').format(
            markupsafe.Markup(escape_markdown(i))
        )
        for i in sorted({str(i) for i in ids})
    ]


def _cite(name: str) -> markupsafe.Markup:
    """An English name or citation on any page: tagged as English, left to right."""
    return markupsafe.Markup('<cite lang="en" dir="ltr" translate="no">{}</cite>').format(
        markupsafe.Markup(escape_markdown(name))
    )


def _phrase(key: str, lang: str, count: float | None = None, **values: Any) -> markupsafe.Markup:
    """An interface string (plural by ``count`` when given) as Markdown-safe markup: its
    words escaped, its markup values (document ids, links) kept as they are."""
    slots = {}
    plain = {}
    for field, value in values.items():
        if isinstance(value, markupsafe.Markup):
            slots[f"\x00{len(slots)}\x00"] = str(value)
            plain[field] = next(reversed(slots))
        else:
            plain[field] = value
    text = plural(key, lang, count, **plain) if count is not None else t(key, lang, **plain)
    text = escape_markdown(text)
    for slot, value in slots.items():
        text = text.replace(slot, value)
    return markupsafe.Markup(text)


def _primary(rows: pd.DataFrame, lang: str) -> markupsafe.Markup:
    """The primary sources the documents name, as ``lang`` writes them: a name as published
    (the data's English column) tagged as such, a name written in ``lang`` as the page's."""
    english = set(primary_sources(rows, "en"))
    names = primary_sources(rows, lang)
    return _join(
        [_cite(n) if n in english else _with_titles(n, english) for n in names],
        t("list.separator", lang),
    )


def _with_titles(text: str, english: set[str]) -> markupsafe.Markup:
    """A name written in the page's language that holds an English title as published
    ("معهد الاتجار بالبشر، 2020 Federal Human Trafficking Report"): each part of an English
    name that it holds tagged as English (:func:`_cite`), so that an Arabic line keeps the
    title's words in order."""
    parts = {p.strip() for n in english for p in n.split(",")} | english
    found = sorted((p for p in parts if p and p in text), key=len, reverse=True)
    if not found:
        return markupsafe.Markup(escape_markdown(text))
    pattern = re.compile("|".join(re.escape(p) for p in found))
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [
            markupsafe.Markup(escape_markdown(text[last : match.start()])),
            _cite(match.group()),
        ]
        last = match.end()
    out.append(markupsafe.Markup(escape_markdown(text[last:])))
    return markupsafe.Markup("").join(out)


def _title(doc: Any, lang: str) -> markupsafe.Markup:
    """A document's title in its language (tagged), then its translation into ``lang``."""
    own = str(doc.language)
    original = markupsafe.Markup('<cite lang="{}" dir="{}">{}</cite>').format(
        own, DIRECTION.get(own, "ltr"), markupsafe.Markup(escape_markdown(doc.title))
    )
    if own == lang:
        return original
    translated = getattr(doc, f"title_{lang}", None)
    text = translated if isinstance(translated, str) and translated.strip() else None
    return markupsafe.Markup("{} ({})").format(
        original,
        markupsafe.Markup(escape_markdown(text))
        if text
        else markupsafe.Markup('<em class="pending">{}</em>').format(
            t("evidence.title_translated", lang)
        ),
    )


def escape_markdown(value: Any) -> str:
    """Make text safe to place in Markdown that may be rendered as HTML.

    ``&``, ``<`` and ``>`` become HTML entities and Markdown's inline punctuation is
    backslash-escaped, so the text shows as written and never becomes markup.
    """
    if value is None:
        return ""
    if isinstance(value, markupsafe.Markup):  # output of a template macro, already escaped
        return str(value)
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("tspolicy", "templates/narrative"),
        finalize=escape_markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, escaped by `finalize` above
    )
    environment.filters["join"] = _join
    return environment


# --------------------------------------------------------------------------- facts


def _verdicts(checks: pd.DataFrame) -> dict[str, str]:
    return dict(zip(checks["claim"].astype(str), checks["verdict"].astype(str), strict=True))


def _statement(rows: pd.DataFrame, lang: str) -> dict[str, Any]:
    """A claim's agreed statement, formatted, with its documents and primary source."""
    row = selection.consensus(rows)
    return {
        "subject": subject_html(rows, str(row["subject"]), lang),
        "quantity": fmt.quantity(
            float(row["value"]), str(row["qualifier"]), str(row["unit"]), lang
        ),
        "lower_bound": str(row["qualifier"]) in selection.LOWER_BOUNDS,
        "vague": bool((rows["qualifier"] == VAGUE).any()),
        "excerpts": list(dict.fromkeys(rows["excerpt"].astype(str))),
        "refs": ref(rows["figure_id"].astype(str), lang),
        "when": fmt.figure_period(row.get("period"), row.get("period_from"), lang)
        if str(row.get("period_from")) == "primary_source"
        else "",
        "documents": _documents(rows["document_id"]),
        "n_documents": rows["document_id"].nunique(),
        "primary": _primary(rows, lang),
    }


def _check(claim: str, verdicts: dict[str, str], lang: str, vague: bool = False) -> dict[str, Any]:
    verdict = verdicts.get(claim, "unverified")
    return {
        "verdict": verdict,
        "vague": vague,
        "text": verdict_text(verdict, lang, vague=vague),
    }


def _verdict_sentences(checks: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """The verdicts of the figures one sentence gives, each once and in the right number.

    Each check carries its ``verdict``, ``vague`` and ``name`` (what it is about). One
    verdict shared by all the figures is said of them all — in the plural after several
    ("None of these figures has been verified…"); verdicts that apply to some only are
    each preceded by the names of their figures. "matches" is not said.
    """
    checks = list(checks)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for check in checks:
        groups.setdefault(check["verdict"], []).append(check)
    out = []
    for verdict, group in groups.items():
        if verdict == "matches":
            continue
        text = verdict_text(verdict, lang, n=len(group), vague=all(c.get("vague") for c in group))
        if len(groups) == 1:
            out.append(text)
        else:
            names = _join([c["name"] for c in group], t("list.separator", lang))
            out.append(_phrase("verdict.of", lang, names=names, verdict=text))
    return out


def _share_base(ds: Dataset, shares: pd.DataFrame, lang: str) -> dict[str, Any] | None:
    """The base the documents giving a share state for it (``cases_analysed`` of the same
    documents and period: "based on 105 cases"), or None when they state none."""
    if shares.empty:
        return None
    rows = selection.claims(ds.figures)
    rows = rows[
        (rows["metric"] == SHARE_BASE)
        & rows["document_id"].isin(shares["document_id"])
        & rows["claim_period"].isin(shares["claim_period"])
    ]
    if rows.empty:
        return None
    row = selection.consensus(rows)
    value = float(row["value"])
    cases = plural("unit.cases", lang, value, n=fmt.number(value, lang))
    qualifier = str(row["qualifier"])
    return {
        "quantity": cases if qualifier == "exact" else t(f"qualifier.{qualifier}", lang, n=cases),
        "refs": ref(rows["figure_id"].astype(str), lang),
        "documents": _documents(rows["document_id"]),
        "same_documents": set(rows["document_id"]) == set(shares["document_id"]),
        "n_documents": rows["document_id"].nunique(),
    }


def _explanation(ds: Dataset, claim: str, lang: str) -> markupsafe.Markup | None:
    """A claim's primary-source explanation in ``lang``, its English quotations tagged;
    "explanation pending" while it is not translated; None when no check explains it."""
    checks = ds.primary_checks
    match = checks.loc[checks["claim"] == claim]
    if match.empty:
        return None
    column = "explanation" if lang == "en" else f"explanation_{lang}"
    text = match.iloc[0].get(column)
    if isinstance(text, str) and text.strip():
        html = str(quotations(text.strip(), lang)).replace("&#39;", "'").replace("&#34;", '"')
        return markupsafe.Markup('<span class="why">{}</span>').format(markupsafe.Markup(html))
    return markupsafe.Markup('<em class="pending">{}</em>').format(t("evidence.explanation", lang))


def _platform_shares(ds: Dataset, lang: str, year: int | str | None = None, **_: Any) -> dict:
    rows = selection.shares(ds.figures, year)
    verdicts = _verdicts(ds.primary_checks)
    platforms = []
    for subject, group in rows.groupby("subject", observed=True):
        ranks, shares = (
            group[group["metric"] == RANK],
            group[group["metric"] == SHARE],
        )
        share = _statement(shares, lang) if len(shares) else None
        share_claim = str(shares["claim"].iloc[0]) if len(shares) else ""
        if share is not None:
            # How many documents give the share, and which: never "the documents" for one.
            share["given_by"] = _phrase(
                "share.given_by",
                lang,
                share["n_documents"],
                n=fmt.number(share["n_documents"], lang),
                documents=_join(share["documents"], t("punct.comma", lang)),
            )
        name_ = subject_html(group, str(subject), lang)
        checks = []
        if len(ranks):
            rank_check = _check(str(ranks["claim"].iloc[0]), verdicts, lang)
            checks.append({**rank_check, "name": name_})
        share_check = _check(share_claim, verdicts, lang) if share is not None else None
        if share_check is not None:
            checks.append({**share_check, "name": name_})
        platforms.append(
            {
                "rank_value": float(selection.consensus(ranks)["value"]) if len(ranks) else 99.0,
                "subject": name_,
                "rank": fmt.value(selection.consensus(ranks)["value"], "rank", lang)
                if len(ranks)
                else "",
                "rank_refs": ref(ranks["figure_id"].astype(str), lang),
                "share": share,
                "share_check": share_check,
                "share_base": _share_base(ds, shares, lang),
                "share_explanation": _explanation(ds, share_claim, lang)
                if share_check is not None and share_check["verdict"] != "matches"
                else None,
                "verdicts": _verdict_sentences(checks, lang),
                "rank_given_by": _phrase(
                    "rank.given_by",
                    lang,
                    ranks["document_id"].nunique(),
                    n=fmt.number(ranks["document_id"].nunique(), lang),
                    documents=_join(_documents(ranks["document_id"]), t("punct.comma", lang)),
                )
                if len(ranks)
                else "",
                "documents": _documents(group["document_id"]),
            }
        )
    platforms.sort(key=lambda p: p["rank_value"])
    return {
        "year": str(year) if year is not None else selection.single(rows["claim_period"]),
        "platforms": platforms,
        "documents": _documents(rows["document_id"]),
        "primary": _primary(rows, lang),
        "caveats": [metric_text(ds.metrics, m, "caveat", lang) for m in (SHARE, RANK)],
    }


def _label_in_sentence(text: str, lang: str) -> str:
    """A metric's label inside a sentence (after a semicolon): no capital in en and fr.

    A label is a common noun phrase ("Suspected traffickers arrested"); a first word with
    more capitals than its first letter (an acronym: "NCMEC") keeps them."""
    if lang == "ar" or not text[1:2].islower():
        return text
    return text[:1].lower() + text[1:]


def _end_of_period(ds: Dataset, rows: pd.DataFrame, lang: str) -> dict[str, str]:
    """Where an open period ("2011/..") ends: the date of the document that gives it — its
    publication date, or "the date of the op-ed (not given in the text)"."""
    docs = ds.sources[ds.sources["document_id"].isin(rows["document_id"])]
    if len(docs) != 1:
        return {"date": "", "of": ""}
    doc = docs.iloc[0]
    kind = t(f"kind_the.{doc['kind']}", lang) if f"kind_the.{doc['kind']}" in strings() else ""
    published = doc["published"]
    return {
        "date": fmt.date(published, "day", lang) if pd.notna(published) else "",
        "of": kind,
    }


def _enforcement(
    ds: Dataset, lang: str, organisation: str | None = None, country: str | None = None, **_: Any
) -> dict:
    rows = selection.enforcement(ds.figures, organisation, country)
    verdicts = _verdicts(ds.primary_checks)
    outcomes = []
    for metric in ENFORCEMENT:
        group = rows[rows["metric"] == metric]
        if len(group):
            label = metric_text(ds.metrics, metric, "label", lang)
            outcomes.append(
                {
                    "label": label,
                    "label_lower": _label_in_sentence(label, lang),
                    **_statement(group, lang),
                    "caveat": metric_text(ds.metrics, metric, "caveat", lang),
                    "check": {
                        **_check(str(group["claim"].iloc[0]), verdicts, lang),
                        "name": label,
                    },
                }
            )
    starts = rows["period_start"].dropna()
    open_ended = rows["period"].astype(str).str.endswith("/..").any()
    subject = selection.single(rows["subject"])
    return {
        "organisation": subject_html(rows, subject, lang),
        "by_organisation": after_by(subject, subject_html(rows, subject, lang), lang),
        "country": name("country", selection.single(rows["geography"]), lang),
        "start": str(int(starts.min())) if len(starts) else "",
        "end": _end_of_period(ds, rows, lang) if open_ended else {"date": "", "of": ""},
        "outcomes": outcomes,
        "all_lower_bounds": all(o["lower_bound"] for o in outcomes),
        "documents": _documents(rows["document_id"]),
        "primary": _primary(rows, lang),
        "verdicts": _verdict_sentences([o["check"] for o in outcomes], lang),
    }


def _content_counts(
    ds: Dataset,
    lang: str,
    platforms: Sequence[str] | None = None,
    meta: ContextSeries | None = None,
    ncmec: ContextSeries | None = None,
    ncmec_year: int | None = None,
    **_: Any,
) -> dict:
    rows = selection.content(ds.figures, platforms)
    verdicts = _verdicts(ds.primary_checks)
    # The context matching the documents' figures: Meta's quarters over their period, and
    # NCMEC's reports of its last year unless another year is asked for.
    span = selection.window(rows)
    if ncmec_year is None:
        ncmec_year = selection.window_year(rows)
    meta_values = (
        selection.meta_totals(meta, *span, CHILD_ENDANGERMENT) if meta is not None and span else {}
    )
    ncmec_values = (
        selection.ncmec_reports(ncmec, ncmec_year)
        if ncmec is not None and ncmec_year is not None
        else {}
    )
    platforms_out = []
    for subject, group in rows.groupby("subject", observed=True):
        statement = _statement(group, lang)
        entry = {
            **statement,
            "check": {
                **_check(str(group["claim"].iloc[0]), verdicts, lang, statement["vague"]),
                "name": statement["subject"],
            },
            "meta": None,
            "ncmec": None,
            "meta_refs": ref([f"{CONTEXT_PREFIX}meta_content_actioned"], lang),
            "ncmec_refs": ref([f"{CONTEXT_PREFIX}ncmec_reports_by_platform"], lang),
        }
        total = meta_values.get(str(subject))
        entry["meta"] = fmt.approximate(total, "items", lang) if total else None
        if str(subject) in ncmec_values:
            entry["ncmec"] = fmt.count(ncmec_values[str(subject)], lang)
        platforms_out.append(entry)
    for entry in platforms_out:  # said right after the documents' figure, which it names
        check = entry["check"]
        entry["verdict_named"] = (
            _phrase(
                "verdict.named",
                lang,
                amount=markupsafe.Markup(escape_markdown(entry["quantity"])) + entry["refs"],
                verdict=check["text"],
            )
            if check["verdict"] != "matches"
            else ""
        )
    return {
        "platforms": platforms_out,
        "verdicts": _verdict_sentences([p["check"] for p in platforms_out], lang),
        "period": fmt.month_span(*_quarter_dates(*span), lang) if span else "",
        "ncmec_year": str(ncmec_year) if ncmec_year is not None else "",
        "documents": _documents(rows["document_id"]),
        "primary": _primary(rows, lang),
        "caveat": metric_text(ds.metrics, CONTENT, "caveat", lang),
        "meta_caveat": t("context.meta_content_actioned.caveat", lang) if meta is not None else "",
        "ncmec_caveat": t("context.ncmec_reports_by_platform.caveat", lang)
        if ncmec is not None
        else "",
        "meta_citation": _cite(meta.citation()) if meta is not None else "",
        "ncmec_citation": _cite(ncmec.citation()) if ncmec is not None else "",
    }


def _quarter_dates(first: str, last: str) -> tuple[Any, Any]:
    """The first month of quarter ``first`` and the last of ``last`` ("2022Q1", "2022Q3")."""
    import datetime as dt

    return (
        dt.date(int(first[:4]), 3 * int(first[-1]) - 2, 1),
        dt.date(int(last[:4]), 3 * int(last[-1]), 1),
    )


def _statements(rows: pd.DataFrame, lang: str) -> list[str]:
    """The distinct statements of a claim's mentions, formatted: ["more than 73.3 million"]."""
    pairs = dict.fromkeys(zip(rows["value"], rows["qualifier"], rows["unit"], strict=True))
    return [
        fmt.quantity(float(v) if pd.notna(v) else math.nan, str(q), str(u), lang)
        for v, q, u in pairs
    ]


def _origin_labels(ds: Dataset, lang: str) -> dict[str, str]:
    """Each origin's short name in ``lang``; "translation pending" where it is not written."""
    return {
        str(origin): written(label if pd.notna(label) else None, lang)
        for origin, label in zip(ds.origins["origin_id"], ds.origins[f"label_{lang}"], strict=True)
    }


def _relay(claim: Any, labels: dict[str, str], lang: str) -> str:
    """How independent a claim's documents are: one origin relayed, or several origins."""
    n = fmt.number(claim.n_documents, lang)
    if claim.independent_origins == 1:
        return t("corroboration.one_origin", lang, n=n, origin=labels[claim.origins[0]])
    return t(
        "corroboration.origins",
        lang,
        n=n,
        k=fmt.number(int(claim.independent_origins), lang),
        origins=join([labels[o] for o in claim.origins], lang),
    )


def _sources(ds: Dataset, lang: str, **_: Any) -> dict:
    claims = corroborate(ds.figures, document_origins(ds.sources))
    labels = _origin_labels(ds, lang)
    verdicts = _verdicts(ds.primary_checks)
    documents = []
    for doc in ds.sources.itertuples():
        mine = ds.figures[ds.figures["document_id"] == doc.document_id]
        documents.append(
            {
                # whole on one line and in its own direction (an Arabic page broke
                # "ar-news-guardian-meta" at its hyphens): bdi.id, as in the chart tables
                "id": markupsafe.Markup('<bdi translate="no" class="id">{}</bdi>').format(
                    doc.document_id
                ),
                "title": _title(doc, lang),
                "kind": name("kind", str(doc.kind), lang),
                "language": name("doclang", str(doc.language), lang),
                "published": fmt.date(doc.published, "day", lang)
                if pd.notna(doc.published)
                else "",
                "n_figures": fmt.number(len(mine), lang),
                "n_events": fmt.number(
                    int((ds.events["document_id"] == doc.document_id).sum()), lang
                ),
            }
        )
    multi = claims[claims["n_documents"] >= 2]
    mentions = selection.claims(ds.figures)
    vague = set(mentions.loc[mentions["qualifier"] == VAGUE, "claim"])
    corroborated = [
        {
            "label": metric_html(ds.metrics, c.metric, lang),
            "subject": subject_html(ds.figures, c.subject, lang),
            "statements": join(_statements(mentions[mentions["claim"] == c.claim], lang), lang),
            "refs": ref(c.figure_ids, lang),
            "status": str(c.status),
            "status_text": t(f"status.{c.status}", lang),
            "n_documents": fmt.number(c.n_documents, lang),
            "documents": _documents(c.documents),
            "relay": _relay(c, labels, lang),
            "check": _check(c.claim, verdicts, lang, c.claim in vague),
        }
        for c in multi.itertuples()
    ]
    independent = claims[claims["corroborated"]]
    # A vague word's verdict is counted apart: "the primary source words it differently"
    # is not "this number counts something different".
    counts = pd.Series(
        [(verdicts.get(c, "unverified"), c in vague) for c in claims["claim"]]
    ).value_counts()
    by_text: dict[str, int] = {}  # a vague word's verdict worded as a number's is counted with it
    for verdict in VERDICTS:
        for is_vague in (False, True):
            if counts.get((verdict, is_vague), 0):
                text = verdict_text(verdict, lang, vague=is_vague)
                by_text[text] = by_text.get(text, 0) + int(counts[(verdict, is_vague)])
    return {
        "documents": documents,
        "n_claims": fmt.number(len(claims), lang),
        "n_multi": fmt.number(len(multi), lang),
        "n_corroborated": fmt.number(len(independent), lang),
        "none_independent": independent.empty,
        "corroborated": corroborated,
        "conflicts": [c for c in corroborated if c["status"] == "conflict"],
        "verdict_counts": [{"text": text, "n": fmt.number(n, lang)} for text, n in by_text.items()],
    }


def _timeline(ds: Dataset, lang: str, **_: Any) -> dict:
    events = ds.events.sort_values(["date", "event_id"])
    return {
        "events": [
            {
                "date": fmt.date(e.date, str(e.date_precision), lang),
                "text": event_text(pd.Series(e._asdict()), lang),
                "inferred": bool(e.date_inferred),
                "document": _documents([e.document_id])[0],
                "refs": ref([e.event_id], lang),
            }
            for e in events.itertuples()
        ]
    }


def _links(lang: str) -> dict[str, str]:
    """The pages of the shipped plan the overview links to ({report: "<name>.html"}), and
    the timeline's title; {} where there is no plan (a notebook run elsewhere)."""
    from . import registry
    from .plan import read_plan

    try:
        entries = read_plan().entries
    except Exception:
        return {}
    links: dict[str, str] = {}
    for entry in entries:
        links.setdefault(str(entry["report"]), f"{entry['name']}.html")
    if "timeline" in links:
        reports = registry.load()
        prefix = reports.entries["timeline"].strings if "timeline" in reports else ""
        links["timeline_title"] = t(f"{prefix}.title", lang) if prefix else ""
    return links


def _overview(ds: Dataset, lang: str, **options: Any) -> dict:
    return {
        "n_documents": fmt.number(len(ds.sources), lang),
        "n_figures": fmt.number(len(ds.figures), lang),
        "n_vague": fmt.number(int((ds.figures["qualifier"] == VAGUE).sum()), lang)
        if (ds.figures["qualifier"] == VAGUE).any()
        else "",
        "shares": _platform_shares(ds, lang),
        "enforcement": _enforcement(ds, lang),
        "content": _content_counts(ds, lang, **options),
        "sources": _sources(ds, lang),
        "links": _links(lang),
    }


_FACTS = {
    "overview": _overview,
    "platform_shares": _platform_shares,
    "enforcement": _enforcement,
    "content_counts": _content_counts,
    "sources": _sources,
    "timeline": _timeline,
}


def facts(topic: str, dataset: Dataset, *, lang: str = "en", **options: Any) -> dict[str, Any]:
    """Return what the narrative of ``topic`` says, formatted for ``lang``.

    Parameters
    ----------
    topic
        One of :data:`TOPICS`.
    dataset
        :func:`tspolicy.data.load_dataset`.
    lang
        "en", "fr" or "ar".
    **options
        Topic options: ``year`` (platform_shares), ``organisation`` and ``country``
        (enforcement), ``platforms``, ``meta``, ``ncmec`` and ``ncmec_year``
        (content_counts, overview).
    """
    check_language(lang)
    if topic not in _FACTS:
        raise ValueError(f"topic '{topic}' is not one of {', '.join(TOPICS)}")
    return _FACTS[topic](dataset, lang, **options)


#: The option of a topic each context series is passed as (see :func:`for_report`).
CONTEXT_OPTIONS = {"meta_content_actioned": "meta", "ncmec_reports_by_platform": "ncmec"}


def for_report(
    topic: str,
    dataset: Dataset,
    *,
    lang: str,
    parameters: Mapping[str, Any],
    context: Mapping[str, ContextSeries],
) -> str:
    """The narrative of ``topic`` as a report writes it: its parameters are the topic's
    options by name (those the topic does not take are not its business), and the context
    series it reads ({name: series}) the only ones the text may speak of."""
    options = {k: v for k, v in parameters.items() if k not in {"language", "data_dir"}}
    options.update(
        {CONTEXT_OPTIONS[name]: s for name, s in context.items() if name in CONTEXT_OPTIONS}
    )
    return narrative(topic, dataset, lang=lang, **options)


def narrative(topic: str, dataset: Dataset, *, lang: str = "en", **options: Any) -> str:
    """Write the Markdown summary of ``topic`` in ``lang`` from the data.

    See :func:`facts` for the options. Every value is escaped for Markdown and HTML.
    """
    template = _environment().get_template(f"{lang}/{topic}.md.j2")
    return template.render(**facts(topic, dataset, lang=lang, **options))
