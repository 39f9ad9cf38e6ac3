"""`tspolicy validate`: valid on the shipped data; one clear message per kind of failure."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import pending_cells, read_rows, requires_sources, write_rows
from tspolicy import paths
from tspolicy.cli import main
from tspolicy.validate import MAX_TABLE_BYTES, validate

FIGURES_HEADER = read_rows(paths.DATA_DIR / "figures.csv")[0]


def figure_row(figure_id: str) -> int:
    """The spreadsheet row number of a shipped figure (header = row 1)."""
    ids = [r[0] for r in read_rows(paths.DATA_DIR / "figures.csv")]
    return ids.index(figure_id) + 1


def find(report, *, file: str, field: str | None, contains: str, row: int | None = None):
    """Assert that the report holds one error matching file, field, row and text."""
    hits = [
        p
        for p in report.errors
        if p.file == file
        and p.field == field
        and contains in p.problem
        and (row is None or p.row == row)
    ]
    assert hits, f"no error {file}/{row}/{field} containing {contains!r} in:\n" + "\n".join(
        map(str, report.errors)
    )
    assert all(p.fix for p in hits), "every problem says how to fix it"
    return hits[0]


@requires_sources
def test_shipped_data_is_valid_with_no_skipped_check():
    report = validate()
    assert report.errors == []
    assert report.skipped == []
    assert report.rows["figures"] >= 30


def test_shipped_data_validates_from_the_cli(capsys):
    assert main(["validate"]) == 0
    assert "valid" in capsys.readouterr().out


# -- one fixture per failure ----------------------------------------------------------


def test_missing_column(data_copy):
    rows = read_rows(data_copy / "figures.csv")
    col = rows[0].index("unit")
    write_rows(data_copy / "figures.csv", [r[:col] + r[col + 1 :] for r in rows])
    report = validate(data_copy)
    find(report, file="figures.csv", field="unit", row=1, contains="column 'unit' is missing")
    assert any("header must be fixed first" in p.problem for p in report.skipped)


def test_unknown_column(data_copy):
    rows = read_rows(data_copy / "figures.csv")
    write_rows(
        data_copy / "figures.csv", [[*r, "x"] for r in rows[:1]] + [[*r, "1"] for r in rows[1:]]
    )
    find(validate(data_copy), file="figures.csv", field="x", contains="unknown column 'x'")


def test_wrong_type(data_copy, edit):
    edit(data_copy, "figures", "F013", "value", "about 1470")
    problem = find(
        validate(data_copy),
        file="figures.csv",
        field="value",
        row=figure_row("F013"),
        contains="'about 1470' is not a valid number",
    )
    assert "base units" in problem.fix


def test_wrong_boolean(data_copy, edit):
    edit(data_copy, "events", "E001", "date_inferred", "yes")
    find(
        validate(data_copy),
        file="events.csv",
        field="date_inferred",
        contains="'yes' is not a valid boolean",
    )


def test_unknown_metric(data_copy, edit):
    edit(data_copy, "figures", "F013", "metric", "victims_rescue")
    problem = find(
        validate(data_copy),
        file="figures.csv",
        field="metric",
        contains="unknown metric 'victims_rescue'",
    )
    assert "did you mean 'victims_rescued'" in problem.problem


def test_unknown_document(data_copy, edit):
    edit(data_copy, "figures", "F013", "document_id", "ar-oped-ijm")
    find(
        validate(data_copy),
        file="figures.csv",
        field="document_id",
        contains="unknown document 'ar-oped-ijm'",
    )


def test_unknown_document_in_events(data_copy, edit):
    edit(data_copy, "events", "E001", "document_id", "nowhere")
    find(
        validate(data_copy),
        file="events.csv",
        field="document_id",
        contains="unknown document 'nowhere'",
    )


def test_negative_count(data_copy, edit):
    edit(data_copy, "figures", "F014", "value", "-430")
    find(
        validate(data_copy),
        file="figures.csv",
        field="value",
        row=figure_row("F014"),
        contains="negative value -430",
    )


def test_share_above_100(data_copy, edit):
    edit(data_copy, "figures", "F005", "value", "140")
    find(
        validate(data_copy),
        file="figures.csv",
        field="value",
        contains="a share of 140 % is outside 0–100",
    )


def test_rank_zero(data_copy, edit):
    edit(data_copy, "figures", "F008", "value", "0")
    find(
        validate(data_copy),
        file="figures.csv",
        field="value",
        contains="rank 0 is not a whole number from 1",
    )


def test_value_not_in_base_units(data_copy, edit):
    edit(data_copy, "figures", "F022", "value", "73.3")
    report = validate(data_copy)
    problem = find(
        report, file="figures.csv", field="value", contains="73.3 items is not a whole number"
    )
    assert "73300000" in problem.fix


def test_unit_differs_from_metric(data_copy, edit):
    edit(data_copy, "figures", "F013", "unit", "cases")
    find(
        validate(data_copy),
        file="figures.csv",
        field="unit",
        contains="differs from the unit of victims_rescued",
    )


@requires_sources
def test_excerpt_not_in_document(data_copy, edit):
    edit(data_copy, "figures", "F013", "excerpt", "أكثر من 1470 طفل")
    problem = find(
        validate(data_copy), file="figures.csv", field="excerpt", contains="not found verbatim"
    )
    assert "أكثر من 1470" in problem.problem  # shows the longest part that was found


def test_excerpt_without_the_number(data_copy, edit):
    edit(data_copy, "figures", "F013", "excerpt", "أنقذت الشرطة الفلبينية")
    report = validate(data_copy)
    find(report, file="figures.csv", field="excerpt", contains="does not contain the number 1470")
    assert not [p for p in report.errors if "verbatim" in p.problem], (
        "the phrase itself is verbatim"
    )


def test_wrong_value_for_excerpt(data_copy, edit):
    edit(data_copy, "figures", "F022", "value", "7330000")
    find(
        validate(data_copy),
        file="figures.csv",
        field="excerpt",
        contains="does not contain the number 7330000",
    )


def test_rank_not_stated_by_excerpt(data_copy, edit):
    edit(data_copy, "figures", "F008", "value", "4")
    find(
        validate(data_copy),
        file="figures.csv",
        field="excerpt",
        contains="does not state rank 4 of Instagram",
    )


def test_rank_by_order_is_checked(data_copy, edit):
    # 004 states the order in words: Facebook, then Instagram, then Snapchat.
    edit(data_copy, "figures", "F033", "value", "2")
    find(
        validate(data_copy),
        file="figures.csv",
        field="excerpt",
        contains="does not state rank 2 of Snapchat",
    )


def test_duplicate_id(data_copy, edit):
    edit(data_copy, "figures", "F002", "figure_id", "F001")
    report = validate(data_copy)
    find(
        report,
        file="figures.csv",
        field="figure_id",
        row=3,
        contains="duplicate figure_id 'F001' (also in row 2)",
    )
    assert len([p for p in report.errors if p.row == 3]) == 1, "one message, not one per check"


def test_bad_qualifier(data_copy, edit):
    edit(data_copy, "figures", "F013", "qualifier", "over")
    problem = find(
        validate(data_copy),
        file="figures.csv",
        field="qualifier",
        contains="'over' is not an allowed qualifier",
    )
    assert "exact, more_than, at_least, about, vague" in problem.fix


def test_a_vague_word_is_not_a_number(data_copy, edit):
    edit(data_copy, "figures", "F002", "value", "200")
    find(
        validate(data_copy),
        file="figures.csv",
        field="value",
        contains="value 200 given for a vague figure",
    )


def test_only_a_vague_figure_has_no_value(data_copy, edit):
    edit(data_copy, "figures", "F013", "value", "")
    find(validate(data_copy), file="figures.csv", field="value", contains="value is empty")


def test_a_vague_figure_quotes_its_word(data_copy, edit):
    edit(data_copy, "figures", "F013", "qualifier", "vague")
    edit(data_copy, "figures", "F013", "value", "")
    find(validate(data_copy), file="figures.csv", field="excerpt", contains="no vague word")


def test_no_value_verdict_for_a_vague_claim(data_copy, edit):
    edit(
        data_copy,
        "primary_checks",
        "children_helped|Courtney's House|2008/..",
        "verdict",
        "matches",
    )
    edit(
        data_copy,
        "primary_checks",
        "children_helped|Courtney's House|2008/..",
        "primary_value",
        "200",
    )
    find(
        validate(data_copy),
        file="primary_checks.csv",
        field="verdict",
        contains="the documents state no number for this claim",
    )


def test_bad_period(data_copy, edit):
    edit(data_copy, "figures", "F005", "period", "2020-2021")
    find(
        validate(data_copy),
        file="figures.csv",
        field="period",
        contains="'2020-2021' does not have the form",
    )


@pytest.mark.parametrize(
    ("figure", "column", "value", "field", "contains"),
    [
        # A filled geography must say where it comes from…
        ("F012", "geography_from", "", "geography_from", "'Philippines' is filled but"),
        # …and an empty period cannot claim to come from anywhere.
        ("F001", "period_from", "document", "period_from", "but period is empty"),
        ("F005", "geography_from", "guess", "geography_from", "not an allowed geography_from"),
    ],
)
def test_period_and_geography_say_where_they_come_from(
    data_copy, edit, figure, column, value, field, contains
):
    edit(data_copy, "figures", figure, column, value)
    find(
        validate(data_copy),
        file="figures.csv",
        field=field,
        contains=contains,
        row=figure_row(figure),
    )


def test_impossible_period(data_copy, edit):
    edit(data_copy, "figures", "F005", "period", "2020-21")
    find(
        validate(data_copy), file="figures.csv", field="period", contains="impossible month or day"
    )


def test_required_cell_empty(data_copy, edit):
    edit(data_copy, "figures", "F005", "subject", "")
    find(
        validate(data_copy),
        file="figures.csv",
        field="subject",
        contains="subject is empty but required",
    )


def test_a_figure_may_name_no_primary_source_but_a_named_one_is_translated(data_copy, edit):
    """The document naming no source is an empty primary_source (pages say "no source named"
    in their language), not a description; a named one has its French and Arabic form, or is
    pending."""
    edit(data_copy, "figures", "F005", "primary_source", "")
    edit(data_copy, "figures", "F005", "primary_source_fr", "")
    edit(data_copy, "figures", "F005", "primary_source_ar", "")
    edit(data_copy, "primary_checks", "event|E007", "publisher_ar", "")
    report = validate(data_copy)
    assert report.ok, report.errors
    pending = {(p.file, p.column, p.key) for p in report.pending}
    assert ("primary_checks.csv", "publisher_ar", "event|E007") in pending
    assert not any(p.key == "F005" and p.what == "primary source" for p in report.pending)


def test_excerpt_too_long(data_copy, edit):
    edit(data_copy, "figures", "F013", "excerpt", "أكثر من 1470 ضحية " * 20)
    find(
        validate(data_copy),
        file="figures.csv",
        field="excerpt",
        contains="excerpts are short quotations",
    )


def test_empty_file(data_copy):
    (data_copy / "figures.csv").write_bytes(b"")
    find(validate(data_copy), file="figures.csv", field=None, contains="file is empty")


def test_header_only(data_copy):
    (data_copy / "figures.csv").write_text(",".join(FIGURES_HEADER) + "\n", encoding="utf-8")
    find(validate(data_copy), file="figures.csv", field=None, contains="no data rows")


def test_missing_file(data_copy):
    (data_copy / "events.csv").unlink()
    find(validate(data_copy), file="events.csv", field=None, contains="file not found")


def test_non_utf8_file(data_copy):
    text = (data_copy / "figures.csv").read_text(encoding="utf-8")
    french_only = "\n".join(
        line for line in text.splitlines() if "fr-" in line or line.startswith("figure_id")
    )
    (data_copy / "figures.csv").write_bytes((french_only + "\n").encode("cp1252", "replace"))
    problem = find(validate(data_copy), file="figures.csv", field=None, contains="not UTF-8")
    assert problem.row is not None and problem.row > 1
    assert "iconv" in problem.fix


def test_utf8_bom(data_copy):
    path = data_copy / "figures.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = validate(data_copy)
    find(report, file="figures.csv", field=None, row=1, contains="byte-order mark")
    assert len(report.errors) == 1, "the rest of the file is still checked, and is fine"


def test_crlf_line_endings(data_copy):
    path = data_copy / "figures.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    report = validate(data_copy)
    find(report, file="figures.csv", field=None, contains="Windows (CRLF) line endings")
    assert len(report.errors) == 1


def test_50_mb_file(data_copy):
    path = data_copy / "figures.csv"
    line = path.read_bytes().splitlines(keepends=True)[1]
    with path.open("ab") as handle:
        handle.write(line * (50_000_000 // len(line)))
    assert path.stat().st_size > MAX_TABLE_BYTES
    find(validate(data_copy), file="figures.csv", field=None, contains="file is 50.")


def test_row_with_extra_cell(data_copy):
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    rows[3].append("stray")
    write_rows(path, rows)
    find(
        validate(data_copy),
        file="figures.csv",
        field=None,
        row=4,
        contains="more cells than the header",
    )


def test_blank_row(data_copy):
    path = data_copy / "figures.csv"
    rows = read_rows(path)
    rows.insert(2, [""] * len(rows[0]))
    write_rows(path, rows)
    report = validate(data_copy)
    find(report, file="figures.csv", field=None, row=3, contains="the row is empty")


def test_event_date_precision(data_copy, edit):
    edit(data_copy, "events", "E007", "date_precision", "day")
    find(
        validate(data_copy),
        file="events.csv",
        field="date",
        contains="does not have the form of precision 'day'",
    )


def test_event_impossible_date(data_copy, edit):
    edit(data_copy, "events", "E006", "date", "2025-06-31")
    find(
        validate(data_copy),
        file="events.csv",
        field="date",
        contains="date '2025-06-31' holds an impossible month or day",
    )


def test_event_stated_year_must_be_in_excerpt(data_copy, edit):
    edit(data_copy, "events", "E001", "date", "2009")
    find(
        validate(data_copy),
        file="events.csv",
        field="excerpt",
        contains="does not state the year 2009",
    )


def test_inferred_date_needs_a_note(data_copy, edit):
    edit(data_copy, "events", "E005", "note", "")
    find(
        validate(data_copy),
        file="events.csv",
        field="note",
        contains="inferred but the note does not say how",
    )


def test_broken_descriptor_json(data_copy):
    path = data_copy / "datapackage.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"name": "sources",', '"name": "sources"', 1),
        encoding="utf-8",
    )
    problem = find(
        validate(data_copy), file="datapackage.json", field=None, contains="not valid JSON"
    )
    assert problem.row is not None


def test_invalid_descriptor(data_copy):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][1]["schema"]["fields"][4]["type"] = "numbr"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    find(
        validate(data_copy),
        file="datapackage.json",
        field=None,
        contains="not a valid Data Package descriptor",
    )


def test_missing_data_dir(tmp_path):
    find(
        validate(tmp_path / "nope"),
        file=str(tmp_path / "nope"),
        field=None,
        contains="data directory not found",
    )


# -- document texts -------------------------------------------------------------------


@requires_sources
def test_sha256_mismatch(data_copy, tmp_path):
    texts = tmp_path / "texts"
    shutil.copytree(paths.sources_dir(), texts)
    changed = sorted(texts.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = validate(data_copy, texts)
    problem = find(report, file="sources.csv", field="sha256", row=3, contains="the text changed")
    assert "sha256sum" in problem.fix


def test_missing_texts_are_skipped_not_passed(data_copy, tmp_path):
    report = validate(data_copy, tmp_path / "no-texts")
    assert report.ok
    assert any("verbatim-excerpt checks were skipped" in p.problem for p in report.skipped)


@requires_sources
def test_one_missing_text_is_skipped(data_copy, tmp_path):
    texts = tmp_path / "texts"
    shutil.copytree(paths.sources_dir(), texts)
    sorted(texts.iterdir())[0].unlink()
    report = validate(data_copy, texts)
    assert report.ok
    skipped = [p for p in report.skipped if p.file == "sources.csv"]
    assert len(skipped) == 1 and skipped[0].row == 2 and skipped[0].field == "file"


def test_strict_fails_on_skipped_checks(data_copy, tmp_path, capsys):
    assert main(["validate", "--data-dir", str(data_copy), "--sources-dir", str(tmp_path)]) == 0
    assert (
        main(["validate", "--strict", "--data-dir", str(data_copy), "--sources-dir", str(tmp_path)])
        == 1
    )
    assert "skipped" in capsys.readouterr().out


def test_sources_dir_from_environment(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.SOURCES_ENV, str(tmp_path / "elsewhere"))
    report = validate(data_copy)
    assert report.sources_dir == tmp_path / "elsewhere"
    assert report.skipped


# -- every problem, as a table, with no traceback -------------------------------------


def test_every_problem_is_listed(data_copy, edit, capsys):
    edit(data_copy, "figures", "F001", "metric", "nope")
    edit(data_copy, "figures", "F013", "value", "-1")
    edit(data_copy, "figures", "F020", "qualifier", "over")
    edit(data_copy, "events", "E003", "date", "16")
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr().out
    for text in (
        "unknown metric 'nope'",
        "negative value -1",
        "'over' is not an allowed",
        "'16' does not have",
    ):
        assert text in out
    for column in ("file", "row", "field", "problem", "how to fix"):
        assert column in out


def test_json_output(data_copy, edit, capsys):
    edit(data_copy, "figures", "F013", "qualifier", "over")
    assert main(["validate", "--format", "json", "--data-dir", str(data_copy)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert {"file", "row", "field", "problem", "fix"} <= set(result["errors"][0])


@pytest.mark.parametrize("damage", ["bom", "latin1", "empty", "garbage"])
def test_no_traceback_from_the_command(data_copy, damage):
    path = data_copy / "figures.csv"
    if damage == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif damage == "latin1":
        path.write_bytes("figure_id\nF001é\n".encode("latin-1"))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b'"unterminated,\x00\n\x01,,,\n')
    result = subprocess.run(
        [sys.executable, "-m", "tspolicy", "validate", "--data-dir", str(data_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "figures.csv" in result.stdout


def test_cli_reports_its_data_dir(data_copy):
    result = subprocess.run(
        [sys.executable, "-m", "tspolicy", "validate", "--data-dir", str(data_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert str(data_copy) in result.stdout


def test_unreadable_sources_skip_the_links(data_copy):
    (data_copy / "sources.csv").write_bytes(b"")
    report = validate(data_copy)
    find(report, file="sources.csv", field=None, contains="file is empty")
    skipped = {p.file for p in report.skipped if p.field == "document_id"}
    assert skipped == {"figures.csv", "events.csv"}


def test_a_document_names_a_known_origin(data_copy, edit):
    edit(data_copy, "sources", "ar-news-guardian-meta", "origin", "guardian-2023")
    problem = find(
        validate(data_copy),
        file="sources.csv",
        field="origin",
        contains="unknown origin 'guardian-2023'",
    )
    assert "origins.csv" in problem.fix


INSTAGRAM = "content_reported|Instagram|2022-01/2022-09"


@pytest.mark.parametrize(("primary", "fits"), [("6080000", True), ("6160000", False)])
def test_a_rounded_figure_matches_at_the_precision_of_its_wording(data_copy, edit, primary, fits):
    """The documents' '6,1 millions' is true of 6,050,000 to 6,149,999."""
    edit(data_copy, "primary_checks", INSTAGRAM, "verdict", "matches")
    edit(data_copy, "primary_checks", INSTAGRAM, "primary_value", primary)
    problems = [
        p
        for p in validate(data_copy).errors
        if p.file == "primary_checks.csv" and p.field == "verdict"
    ]
    if fits:
        assert problems == []
    else:
        assert len(problems) == 1 and "stated to the nearest 100,000" in problems[0].problem


@pytest.mark.parametrize(
    ("table", "row_id", "column"),
    [
        ("figures", "F013", "excerpt_ar"),  # an Arabic document
        ("events", "E001", "excerpt_ar"),
        ("sources", "fr-news-guardian-meta", "title_fr"),
    ],
)
def test_no_translation_into_the_documents_own_language(data_copy, edit, table, row_id, column):
    edit(data_copy, table, row_id, column, "copie")
    find(validate(data_copy), file=f"{table}.csv", field=column, contains="needs no translation")


def test_a_translation_keeps_the_number(data_copy, edit):
    edit(data_copy, "figures", "F013", "excerpt_fr", "plus de 1 407 victimes")
    find(
        validate(data_copy),
        file="figures.csv",
        field="excerpt_fr",
        contains="does not contain the number 1470",
    )


def test_a_translation_keeps_a_rank_stated_by_order(data_copy, edit):
    edit(data_copy, "figures", "F033", "excerpt_ar", "يليه سنابشات ثم إنستغرام")
    find(validate(data_copy), file="figures.csv", field="excerpt_ar", contains="rank 3")


def test_a_vague_word_is_translated_as_a_word(data_copy, edit):
    edit(data_copy, "figures", "F002", "excerpt_fr", "a aidé 200 enfants")
    find(validate(data_copy), file="figures.csv", field="excerpt_fr", contains="no vague word")


def test_every_excerpt_is_translated_into_the_two_other_languages():
    """The shipped data: each figure and event excerpt has its two translations."""
    from tspolicy.data import load_dataset

    ds = load_dataset()
    pending = pending_cells()
    languages = dict(zip(ds.sources["document_id"], ds.sources["language"], strict=True))
    tables = ((ds.figures, "figures.csv", "figure_id"), (ds.events, "events.csv", "event_id"))
    for table, file, key in tables:
        for record in table.to_dict("records"):
            own = languages[record["document_id"]]
            for lang in ("en", "fr", "ar"):
                text = record[f"excerpt_{lang}"]
                filled = isinstance(text, str) and bool(text.strip())
                cell = (file, record[key], f"excerpt_{lang}")
                # The document's own language: the quote itself, never a translation. Another
                # one: translated, or pending (a contribution not yet translated).
                assert filled is (lang != own and cell not in pending), cell
