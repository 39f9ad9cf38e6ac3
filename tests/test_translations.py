"""One-language curation: a new unit is one row of the vocabulary; a metric, event or
explanation may arrive in one language; the others are pending — warned about by
`tspolicy validate` (`--strict` fails), listed by `tspolicy i18n todo`, and shown as
"translation pending" in the page's language, never as the English text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import append_row, pending_cells, read_rows, row_of, write_rows
from tspolicy import evidence, paths
from tspolicy.cli import main
from tspolicy.data import DataError, load_dataset, load_metrics
from tspolicy.i18n import t
from tspolicy.langcheck import untagged_english
from tspolicy.narrative import narrative
from tspolicy.validate import validate

LABEL = "Interviews reported to the reporters"
CAVEAT = "The reporters' own count, not a count of victims or of reports to the police."
EVENT = "The investigation was announced to the staff of the newspaper"
EXPLANATION = "Read only as the newspaper states it; the count was not checked at the source."


def add_english_only(data: Path, *, unit_row: bool = True) -> None:
    """What an English-only contributor adds: a unit (one vocabulary row), a metric labelled
    and caveated in English only, a figure of it, its primary check explained in English
    only, and an event worded in English only."""
    if unit_row:
        append_row(
            data / "vocabulary.csv",
            {"vocabulary": "unit", "term": "reports", "meaning": "A count of reports."},
        )
    append_row(
        data / "metrics.csv",
        {
            "metric": "interviews_reported",
            "unit": "reports",
            "category": "context",
            "label_en": LABEL,
            "definition": "Interviews the reporters say they held.",
            "caveat": CAVEAT,
        },
    )
    figure = row_of(data / "figures.csv", "F011")  # "more than 70 sources", in an Arabic document
    append_row(
        data / "figures.csv",
        {**figure, "figure_id": "F900", "metric": "interviews_reported", "unit": "reports"},
    )
    check = row_of(data / "primary_checks.csv", "sources_interviewed|The Guardian|")
    append_row(
        data / "primary_checks.csv",
        {
            **check,
            "claim": "interviews_reported|The Guardian|",
            "verdict": "unverified",
            "primary_value": "",
            "explanation": EXPLANATION,
            "explanation_fr": "",
            "explanation_ar": "",
        },
    )
    event = row_of(data / "events.csv", "E001")
    append_row(
        data / "events.csv",
        {**event, "event_id": "E900", "event": EVENT, "event_fr": "", "event_ar": ""},
    )


# -- the vocabulary -------------------------------------------------------------------


def test_a_new_unit_is_refused_with_the_file_to_add_it_to(data_copy):
    add_english_only(data_copy, unit_row=False)
    report = validate(data_copy)
    [problem] = [p for p in report.errors if p.file == "metrics.csv" and p.field == "unit"]
    assert "'reports' is not an allowed unit" in problem.problem
    assert "vocabulary.csv" in problem.fix and "unit,<the new term>" in problem.fix
    with pytest.raises(DataError, match=r"vocabulary\.csv"):
        load_metrics(data_copy)


def test_a_new_unit_is_one_vocabulary_row(data_copy):
    add_english_only(data_copy)
    report = validate(data_copy)
    assert report.errors == []
    ds = load_dataset(data_copy)
    assert "reports" in list(ds.figures["unit"].cat.categories)
    # A unit of the vocabulary other than percent and rank is a count: whole numbers.
    rows = read_rows(data_copy / "figures.csv")
    rows[-1][rows[0].index("value")] = "70.5"
    write_rows(data_copy / "figures.csv", rows)
    assert any(
        p.field == "value" and "not a whole number" in p.problem for p in validate(data_copy).errors
    )


def test_no_allowed_values_are_written_outside_the_vocabulary():
    """One place: a coded field of the curated tables names its vocabulary and lists no
    values of its own (the context series, imported as they are published, keep theirs)."""
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    rows = read_rows(paths.DATA_DIR / "vocabulary.csv")
    vocabularies = {r[0] for r in rows[1:]}
    named = set()
    for resource in descriptor["resources"]:
        if resource["path"].startswith("context/"):
            continue
        for field in resource.get("schema", {}).get("fields", []):
            assert "enum" not in field.get("constraints", {}), (
                f"{resource['name']}.{field['name']}: allowed values belong in vocabulary.csv"
            )
            if "vocabulary" in field:
                named.add(field["vocabulary"])
    assert named == vocabularies
    for name in ("unit", "qualifier", "verdict", "kind", "category"):
        assert name in named


def test_a_field_naming_an_unknown_vocabulary_is_an_error(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    metrics = next(r for r in descriptor["resources"] if r["name"] == "metrics")
    next(f for f in metrics["schema"]["fields"] if f["name"] == "unit")["vocabulary"] = "units"
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate(data_copy)
    assert any(
        p.file == "vocabulary.csv" and "'units'" in p.problem and p.fix for p in report.errors
    )


# -- pending translations -------------------------------------------------------------


def test_one_language_metric_event_and_explanation_warn_and_strict_fails(data_copy, capsys):
    before = pending_cells(data_copy)  # what the data itself leaves pending, if anything
    add_english_only(data_copy)
    report = validate(data_copy)
    assert report.ok, report.errors
    added = {(p.file, p.key, p.column) for p in report.pending} - before
    metric, check = "interviews_reported", "interviews_reported|The Guardian|"
    assert added == {
        ("metrics.csv", metric, "label_fr"),
        ("metrics.csv", metric, "label_ar"),
        ("metrics.csv", metric, "caveat_fr"),
        ("metrics.csv", metric, "caveat_ar"),
        ("events.csv", "E900", "event_fr"),
        ("events.csv", "E900", "event_ar"),
        ("primary_checks.csv", check, "explanation_fr"),
        ("primary_checks.csv", check, "explanation_ar"),
    }
    total = len(before) + 8
    assert len(report.warnings) == len(report.pending) == total
    assert main(["validate", "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert f"{total} translation(s) pending" in out and "label_fr" in out
    assert main(["validate", "--strict", "--data-dir", str(data_copy)]) == 1
    capsys.readouterr()
    assert main(["validate", "--format", "json", "--data-dir", str(data_copy)]) == 0
    assert len(json.loads(capsys.readouterr().out)["warnings"]) == total


def test_the_pending_list_is_every_empty_translation_of_a_written_text():
    """The shipped data's pending translations (none at a release; a contribution in one
    language leaves some) are exactly the empty columns of a text written in another
    language, the original's own language excepted (a document's title and excerpts) — read
    from the CSVs here, not from the validator's code."""
    written_once = {  # file: (key, texts written per language, in en/fr/ar order)
        "origins.csv": ("origin_id", [("label_en", "label_fr", "label_ar")]),
        "subjects.csv": ("subject", [("label_en", "label_fr", "label_ar")]),
        "metrics.csv": (
            "metric",
            [("label_en", "label_fr", "label_ar"), ("caveat", "caveat_fr", "caveat_ar")],
        ),
        "events.csv": ("event_id", [("event", "event_fr", "event_ar")]),
        "primary_checks.csv": ("claim", [("explanation", "explanation_fr", "explanation_ar")]),
    }
    originals = {  # file: (key, column prefix): the document's language is the original's
        "sources.csv": ("document_id", "title"),
        "figures.csv": ("figure_id", "excerpt"),
        "events.csv": ("event_id", "excerpt"),
    }

    def records(file: str) -> list[dict[str, str]]:
        rows = read_rows(paths.DATA_DIR / file)
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    language = {r["document_id"]: r["language"] for r in records("sources.csv")}
    expected = set()
    for file, (key, texts) in written_once.items():
        for record in records(file):
            for columns in texts:
                if any(record[c].strip() for c in columns):
                    expected |= {(file, record[key], c) for c in columns if not record[c].strip()}
    for file, (key, prefix) in originals.items():
        for record in records(file):
            own = language[record["document_id"]]
            expected |= {
                (file, record[key], f"{prefix}_{lang}")
                for lang in ("en", "fr", "ar")
                if lang != own and not record[f"{prefix}_{lang}"].strip()
            }
    assert pending_cells() == expected


def test_a_text_in_no_language_is_an_error(data_copy):
    add_english_only(data_copy)
    rows = read_rows(data_copy / "metrics.csv")
    rows[-1][rows[0].index("caveat")] = ""
    write_rows(data_copy / "metrics.csv", rows)
    report = validate(data_copy)
    assert any(
        p.file == "metrics.csv" and "no caveat in any language" in p.problem for p in report.errors
    )


def test_i18n_todo_lists_what_is_pending(data_copy, capsys):
    add_english_only(data_copy)
    assert main(["i18n", "todo", "--data-dir", str(data_copy), "--format", "json"]) == 0
    todo = json.loads(capsys.readouterr().out)
    label = next(
        p
        for p in todo
        if p["column"] == "label_fr"
        and p["file"] == "metrics.csv"
        and p["key"] == "interviews_reported"
    )
    assert label["written"] == {"en": LABEL}
    assert {p["lang"] for p in todo} == {"fr", "ar"}
    before_ar = {p for p in pending_cells() if p[2].endswith("_ar")}
    assert main(["i18n", "todo", "--data-dir", str(data_copy), "--lang", "ar"]) == 0
    out = capsys.readouterr().out
    assert f"{len(before_ar) + 4} translation(s) pending" in out and "interviews_reported" in out
    assert main(["i18n", "todo"]) == 0
    assert f"{len(pending_cells())} translation(s) pending" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_pages_say_translation_pending_never_the_english(data_copy, lang):
    add_english_only(data_copy)
    ds = load_dataset(data_copy)
    pending = t("evidence.pending", lang)
    html = evidence.notes_html(ds, ["F900", "E900"], lang)
    sources = narrative("sources", ds, lang=lang)
    timeline = narrative("timeline", ds, lang=lang)
    for text in (html, sources, timeline):
        for english in (LABEL, CAVEAT, EVENT, EXPLANATION):
            assert english not in text
    assert html.count(pending) >= 2  # the metric's label and the event's wording
    assert t("evidence.explanation", lang) in html  # the explanation, pending
    assert pending in timeline
    assert untagged_english(html, lang) == []


def test_english_pages_show_the_english_text(data_copy):
    add_english_only(data_copy)
    ds = load_dataset(data_copy)
    html = evidence.notes_html(ds, ["F900", "E900"], "en")
    assert LABEL in html and EVENT in html and EXPLANATION in html


# -- English documents; counts from the data -----------------------------------------

TITLE = "Platforms flagged in a wire story on sextortion"


def add_english_document(data: Path, title_fr: str = "") -> None:
    append_row(
        data / "sources.csv",
        {
            "document_id": "en-wire-test",
            "title": TITLE,
            "title_fr": title_fr,
            "outlet": "A wire agency",
            "kind": "wire story",
            "language": "en",
            "covers": "A test document",
            "origin": row_of(data / "sources.csv", "ar-wire-kuna-tip-2024")["origin"],
            "file": "999_test.txt",
            "sha256": "0" * 64,
        },
    )


def test_an_english_title_is_not_translated_into_english(data_copy):
    add_english_document(data_copy)
    ds = load_dataset(data_copy)
    english = narrative("sources", ds, lang="en")
    assert english.count(TITLE) == 1
    line = next(x for x in english.splitlines() if TITLE in x)
    assert "title translation pending" not in line and f"{TITLE}</cite> (" not in line
    french = next(x for x in narrative("sources", ds, lang="fr").splitlines() if TITLE in x)
    assert '<cite lang="en" dir="ltr">' in french
    assert t("evidence.title_translated", "fr") in french  # its French title is pending
    assert "anglais" in french


def test_an_english_title_shows_its_curated_translation(data_copy):
    add_english_document(data_copy, title_fr="Des plateformes signalées dans une dépêche")
    ds = load_dataset(data_copy)
    french = next(x for x in narrative("sources", ds, lang="fr").splitlines() if TITLE in x)
    assert "(Des plateformes signalées dans une dépêche)" in french
    arabic = next(x for x in narrative("sources", ds, lang="ar").splitlines() if TITLE in x)
    assert t("evidence.title_translated", "ar") in arabic


def test_index_counts_come_from_the_data(data_copy):
    from tspolicy.site import Stamp, data_summary, intro, render_index

    before = data_summary(data_copy)
    add_english_document(data_copy)
    after = data_summary(data_copy)
    assert after.documents == before.documents + 1
    assert after.languages == tuple(sorted({*before.languages, "en"}))
    assert after.figures == len(read_rows(data_copy / "figures.csv")) - 1
    text = intro(after, "en")
    assert f"from {after.documents} documents in Arabic, English, and French" in text
    vague = sum(1 for r in read_rows(data_copy / "figures.csv")[1:] if "vague" in r)
    assert after.vague == vague > 0
    # the vague words are counted among the mentions, and said to be no number
    assert f"({after.figures} figure mentions, {vague} of them with no number)" in text
    assert "en arabe, anglais et français" in intro(after, "fr")
    assert "بالعربية والإنجليزية والفرنسية" in intro(after, "ar")
    page = render_index(
        [{"name": "overview", "report": "overview"}], ["en", "fr"], Stamp.of(data_copy)
    )
    assert f"{after.documents} documents" in page


def test_readmes_state_no_count_of_documents():
    """Counts go stale as documents are added: the index counts them from the data."""
    import re

    number = r"(one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
    counted = re.compile(
        rf"\bthe\s+{number}\s+(source\s+)?documents\b"  # the five source documents
        rf"|\b{number}\s+(Arabic|French|English|source)\b[^.]{{0,30}}documents\b"
        rf"|\btoday\s+{number}\b",  # (today five, in Arabic and French)
        re.IGNORECASE,
    )
    for path in (paths.ROOT / "README.md", paths.DATA_DIR / "README.md"):
        assert not counted.search(path.read_text(encoding="utf-8")), path
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert not counted.search(descriptor["description"])
    assert not counted.search(descriptor["sources"][0]["title"])


def test_a_new_kind_is_one_vocabulary_row_and_pending_on_other_pages(data_copy):
    append_row(
        data_copy / "vocabulary.csv",
        {"vocabulary": "kind", "term": "newsletter", "meaning": "An e-mailed newsletter."},
    )
    add_english_document(data_copy)
    rows = read_rows(data_copy / "sources.csv")
    rows[-1][rows[0].index("kind")] = "newsletter"
    write_rows(data_copy / "sources.csv", rows)
    assert not [p for p in validate(data_copy).errors if p.field == "kind"]
    ds = load_dataset(data_copy)
    line = next(x for x in narrative("sources", ds, lang="fr").splitlines() if TITLE in x)
    assert t("i18n.pending_name", "fr", name="newsletter") in line
    line = next(x for x in narrative("sources", ds, lang="en").splitlines() if TITLE in x)
    assert "| newsletter |" in line


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_sources_report_says_pending_and_holds_no_english(data_copy, lang):
    """The sources page's parts as its notebook calls them (chart, text, verdicts, evidence)."""
    from tspolicy import report

    add_english_only(data_copy)
    rep = report.start("sources", {"language": lang, "data_dir": str(data_copy)})
    parts = [rep.header().data, rep.chart()._repr_html_(), rep.narrative().data]
    parts += [rep.verdicts().data, rep.evidence().data]
    page = "\n".join(parts)
    for english in (LABEL, CAVEAT, EVENT, EXPLANATION):
        assert english not in page
    assert "<NA>" not in page and "nan" not in page.split()
    assert t("evidence.pending", lang) in page
    assert t("evidence.explanation", lang) in rep.verdicts().data
    assert untagged_english(rep.evidence().data, lang) == []


def test_an_excerpt_is_pending_in_the_languages_other_than_its_documents():
    from tspolicy.translations import pending

    record = {
        "figure_id": "F1",
        "document_id": "en-doc",
        "excerpt": "more than 70 sources",
        "excerpt_en": "",
        "excerpt_fr": "",
        "excerpt_ar": "أكثر من 70 مصدراً",
    }
    [todo] = pending({"figures": ("figures.csv", [(2, record)])}, {"en-doc": "en"})
    assert (todo.column, todo.lang, todo.key, todo.row) == ("excerpt_fr", "fr", "F1", 2)
    assert todo.written == {"en": "more than 70 sources", "ar": "أكثر من 70 مصدراً"}
