"""`tspolicy add-document`: candidates found in the text, curated, accepted into the data.

Measured on the shipped documents (every non-vague figure of the dataset must be among
their candidates, with its value, qualifier and an excerpt holding it) and on short texts
written for these tests in English, French and Arabic (invented organisations, aggregate
figures only: no article is copied here).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from conftest import read_rows, requires_sources, write_rows
from tspolicy import candidates, numbers, paths
from tspolicy.adddoc import AcceptError, accept, add_document
from tspolicy.cli import main
from tspolicy.data import load_events, load_figures, load_sources
from tspolicy.validate import validate

#: A wire story written for this test (an invented coalition; four figures and more).
ENGLISH = """Example network says platforms removed more than 12,500 accounts
GENEVA, 3 March 2025 — The Example Child Safety Network, an invented coalition, said on \
Monday that its hotline received about 4,200 reports in 2024, up from 3,100 the year before. \
The network said it had helped at least 85 children since 2019, and that its volunteers \
reviewed 36.2 million images over two years. Messaging apps were the most reported \
services, followed by games. "Hundreds of cases go unreported," its director said.
"""
#: The same kind of text in French and in Arabic, written for these tests.
FRENCH = """Un réseau fictif publie ses chiffres
Selon le Réseau exemple, plus de 1 250 signalements ont été reçus en 2023, soit environ \
18,5 % de plus qu'en 2022. Au moins 40 enquêtes ont été ouvertes en deux ans, et près de \
1 sur 5 concernait une messagerie. Des milliers de comptes restent actifs ; la plateforme \
la plus citée est suivie de deux autres. Le rapport a été publié le 1er décembre 2023.
"""
ARABIC = """شبكة افتراضية تنشر أرقامها
أفادت الشبكة المثال بأنها تلقت أكثر من 2500 بلاغ في عام 2023، وأن نحو 35% منها تتعلق \
بمنصات التواصل الاجتماعي. وأشارت إلى إنقاذ ما لا يقل عن 120 طفلاً خلال عامين، وإلى أن \
التطبيق الأكثر استخداماً احتل المرتبة الأولى. ولا تزال آلاف الحسابات نشطة. وصدر التقرير \
في مايو 2024.
"""


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_candidates(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text(candidates.to_csv(rows), encoding="utf-8")


@pytest.fixture
def scratch(tmp_path: Path, data_copy: Path) -> tuple[Path, Path]:
    """A scratch data folder and a sources folder of its own holding the data's texts (a
    test adds its texts there, never to the real sources folder)."""
    texts = tmp_path / "sources"
    texts.mkdir()
    if paths.sources_dir().is_dir():
        for name in load_sources(data_copy)["file"]:
            if (paths.sources_dir() / name).is_file():
                shutil.copy(paths.sources_dir() / name, texts / name)
    return data_copy, texts


def write_story(folder: Path, data: Path, text: str = ENGLISH) -> Path:
    """The test's text, in ``folder``, named as no text of the data is (a contributor may
    have added a story.txt)."""
    taken = set(load_sources(data)["file"])
    name = next(n for i in range(100) if (n := f"story{i or ''}.txt") not in taken)
    story = folder / name
    story.write_text(text, encoding="utf-8")
    return story


def next_ids(ids: list[str], prefix: str, n: int) -> list[str]:
    """The ``n`` ids after the data's last (``F039``…): what accept is to write."""
    numbers = [i[len(prefix) :] for i in ids if i.startswith(prefix) and i[len(prefix) :].isdigit()]
    last, width = max(int(x) for x in numbers), max(len(x) for x in numbers)
    return [f"{prefix}{last + k:0{width}d}" for k in range(1, n + 1)]


# -- measured on the shipped documents -------------------------------------------------


def _spans(text: str, excerpt: str) -> list[tuple[int, int]]:
    out, start = [], text.find(excerpt)
    while start >= 0:
        out.append((start, start + len(excerpt)))
        start = text.find(excerpt, start + 1)
    return out


def _measure(data: Path, texts: Path):
    """Run add-document on every shipped document; return recall, qualifier and precision."""
    sources, figures, events = load_sources(data), load_figures(data), load_events(data)
    found, missed, qualifier_right, proposed, accepted = 0, [], 0, 0, 0
    for doc in sources.itertuples():
        add_document(
            texts / doc.file, str(doc.language), doc.document_id, data_dir=data, sources_dir=texts
        )
        rows = rows_of(data / "candidates" / f"{doc.document_id}.csv")
        text = (texts / doc.file).read_text(encoding="utf-8")
        used: set[str] = set()
        mine = figures[figures.document_id == doc.document_id]
        for figure in mine.itertuples():
            spans = _spans(text, figure.excerpt)
            assert spans, figure.figure_id
            if figure.qualifier == numbers.VAGUE:
                hits = [
                    r
                    for r in rows
                    if r["qualifier"] == "vague"
                    and any(a <= int(r["position"]) < b for a, b in spans)
                ]
                if not hits:
                    missed.append((figure.figure_id, "vague", figure.excerpt))
                used |= {r["candidate"] for r in hits}
                continue
            hits = [
                r
                for r in rows
                if r["kind"] == "figure"
                and r["value"]
                and float(r["value"]) == float(figure.value)
                and any(a <= int(r["position"]) < b for a, b in spans)
                and (r["unit"] == "rank" or numbers.states_value(r["excerpt"], float(figure.value)))
            ]
            if not hits:
                missed.append((figure.figure_id, figure.value, figure.excerpt))
                continue
            found += 1
            used |= {r["candidate"] for r in hits}
            qualifier_right += any(r["qualifier"] == figure.qualifier for r in hits)
        for event in events[events.document_id == doc.document_id].itertuples():
            spans = _spans(text, event.excerpt)
            hits = [
                r
                for r in rows
                if r["kind"] == "event" and any(a <= int(r["position"]) < b for a, b in spans)
            ]
            used |= {r["candidate"] for r in hits}
        proposed += len(rows)
        accepted += len(used)
    total = found + sum(1 for m in missed if m[1] != "vague")
    return found, total, missed, qualifier_right, accepted, proposed


@requires_sources
def test_recall_on_the_shipped_documents(scratch, capsys):
    data, texts = scratch
    found, total, missed, qualifier_right, accepted, proposed = _measure(data, texts)
    with capsys.disabled():
        print(
            f"\nadd-document on the shipped documents: recall {found}/{total} non-vague "
            f"figures, qualifier right {qualifier_right}/{found}, precision "
            f"{accepted}/{proposed} candidates match a figure or an event"
        )
    assert not missed, f"figures not among the candidates: {missed}"
    assert qualifier_right >= 0.95 * found
    assert total >= 30


@requires_sources
def test_add_document_is_reproducible_and_keeps_a_curators_edits(scratch, capsys):
    data, texts = scratch
    doc = load_sources(data).iloc[2]
    out = data / "candidates" / f"{doc.document_id}.csv"
    add_document(texts / doc.file, doc.language, doc.document_id, data_dir=data, sources_dir=texts)
    first = out.read_bytes()
    sources_before = (data / "sources.csv").read_bytes()
    add_document(texts / doc.file, doc.language, doc.document_id, data_dir=data, sources_dir=texts)
    assert out.read_bytes() == first, "byte-identical on a second run"
    assert (data / "sources.csv").read_bytes() == sources_before, "a known document is kept"
    rows = rows_of(out)
    rows[0]["accept"] = "no"
    write_candidates(out, rows)
    code = main(
        [
            "add-document",
            str(texts / doc.file),
            "--lang",
            str(doc.language),
            "--id",
            doc.document_id,
            "--data-dir",
            str(data),
            "--sources-dir",
            str(texts),
        ]
    )
    assert code == 1
    assert "--force" in capsys.readouterr().err
    assert rows_of(out)[0]["accept"] == "no", "the edit was kept"
    add_document(
        texts / doc.file,
        doc.language,
        doc.document_id,
        data_dir=data,
        sources_dir=texts,
        force=True,
    )
    assert out.read_bytes() == first


# -- texts written for these tests ------------------------------------------------------


def _found(text: str, lang: str) -> list[tuple[str, str, str, str]]:
    rows = candidates.candidate_rows(text, lang)
    for row in rows:
        assert row["excerpt"] in text, "excerpts are verbatim"
        assert len(row["excerpt"]) <= 200
    return [(r["kind"], r["value"], r["unit"], r["qualifier"]) for r in rows]


def test_english_candidates():
    found = _found(ENGLISH, "en")
    for expected in [
        ("figure", "12500", "items", "more_than"),
        ("event", "2025", "", ""),
        ("figure", "4200", "items", "about"),
        ("figure", "3100", "", "exact"),
        ("figure", "85", "people", "at_least"),
        ("figure", "36200000", "items", "exact"),
        ("figure", "2", "years", "exact"),
        ("figure", "1", "rank", "exact"),
        ("figure", "2", "rank", "exact"),
        ("figure", "", "cases", "vague"),
    ]:
        assert expected in found, (expected, found)
    rows = candidates.candidate_rows(ENGLISH, "en")
    assert [r["position"] for r in rows] == sorted((r["position"] for r in rows), key=int)
    march = next(r for r in rows if r["kind"] == "event" and r["value"] == "2025")
    assert (march["date"], march["date_precision"]) == ("2025-03-03", "day")
    # A number the context series know comes with its primary check to compare with.
    images = next(r for r in rows if r["value"] == "36200000")
    assert "ncmec_reports_per_year" in images["hint"]
    assert images["check_primary_value"] == "36210368"


@pytest.mark.parametrize(
    ("text", "lang", "expected", "dated"),
    [
        (
            FRENCH,
            "fr",
            [
                ("figure", "1250", "items", "more_than"),
                ("event", "2023", "", ""),
                ("figure", "18.5", "percent", "about"),
                ("figure", "40", "cases", "at_least"),
                ("figure", "2", "years", "exact"),
                ("figure", "20", "percent", "about"),
                ("figure", "", "items", "vague"),
                ("figure", "1", "rank", "exact"),
            ],
            ("2023-12-01", "day"),
        ),
        (
            ARABIC,
            "ar",
            [
                ("figure", "2500", "items", "more_than"),
                ("event", "2023", "", ""),
                ("figure", "35", "percent", "about"),
                ("figure", "120", "people", "at_least"),
                ("figure", "2", "years", "exact"),
                ("figure", "1", "rank", "exact"),
                ("figure", "", "items", "vague"),
            ],
            ("2024-05", "month"),
        ),
    ],
    ids=["fr", "ar"],
)
def test_candidates_in_french_and_arabic(text, lang, expected, dated):
    found = _found(text, lang)
    for candidate in expected:
        assert candidate in found, (candidate, found)
    date, precision = dated
    row = next(r for r in candidates.candidate_rows(text, lang) if r["date"] == date)
    assert row["date_precision"] == precision


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("1,470 victims", "en", 1470),
        ("1 470 victimes", "fr", 1470),
        ("73,3 millions", "fr", 73_300_000),
        ("73.3 million", "en", 73_300_000),
        ("twenty-five people", "en", 25),
        ("vingt-cinq personnes", "fr", 25),
        ("ثلاثة أطفال", "ar", 3),
        ("١٬٤٧٠ ضحية", "ar", 1470),
        ("65 per cent", "en", 65),
        ("one in ten", "en", 10),
        ("un sur cinq", "fr", 20),
    ],
)
def test_one_reading_per_language(text, lang, value):
    values = [m.value for m in numbers.mentions(text, lang) if m.kind in {"number", "percent"}]
    assert values == ([] if value is None else [value])
    if value is not None:
        assert numbers.states_value(text, value), "the validator reads what the finder finds"


def test_an_upper_bound_has_no_qualifier_guess():
    row = next(r for r in candidates.candidate_rows("fewer than 30 cases", "en"))
    assert row["qualifier"] == "" and "upper bound" in row["hint"]


# -- accepting ----------------------------------------------------------------------------


def _curate(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """What an English-speaking curator writes for the English text (four figures kept)."""
    network = "Example Child Safety Network"
    keep = {
        "12500": "content_reported",
        "4200": "content_reported",
        "85": "children_helped",
        "36200000": "content_reported",
    }
    seen: set[str] = set()
    for row in rows:
        if row["kind"] == "figure" and row["value"] in keep and row["value"] not in seen:
            seen.add(row["value"])
            metric = keep[row["value"]]
            row.update(accept="yes", metric=metric, subject=network, primary_source=network)
            row["check_explanation"] = "Only the network's own statement was read."
            if row["value"] in {"4200", "36200000"}:
                row["period"] = "2024"
            if row["value"] == "36200000":
                row["check_verdict"] = ""
        elif row["kind"] == "event" and row["date"] == "2025-03-03":
            row.update(accept="yes", event="The invented network published its figures")
        else:
            row.update(accept="no", reason="test: not a figure of this test")
    return rows


def fill_source_row(data: Path) -> None:
    """What the curator writes in the new document's sources.csv row."""
    rows = read_rows(data / "sources.csv")
    header, last = rows[0], rows[-1]
    last[header.index("outlet")] = "Invented wire service"
    last[header.index("kind")] = "wire story"
    last[header.index("published")] = "2025-03-03"
    last[header.index("covers")] = "The invented network's figures"
    last[header.index("origin")] = "ijm-philippines"
    write_rows(data / "sources.csv", rows)


@requires_sources
def test_accept_moves_the_curated_candidates_into_the_data(scratch, tmp_path, capsys):
    data, texts = scratch
    story = write_story(tmp_path, data)
    before = {name: read_rows(data / f"{name}.csv") for name in ("figures", "events", "left_out")}
    assert (
        main(
            [
                "add-document",
                str(story),
                "--lang",
                "en",
                "--id",
                "en-wire-example",
                "--data-dir",
                str(data),
                "--sources-dir",
                str(texts),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "outlet" in out and "origin" in out, "what the tool cannot know is named"
    assert (texts / story.name).read_bytes() == story.read_bytes()
    file = data / "candidates" / "en-wire-example.csv"
    write_candidates(file, _curate(rows_of(file)))
    fill_source_row(data)

    result = accept("en-wire-example", data_dir=data, sources_dir=texts)
    figures = read_rows(data / "figures.csv")
    new = figures[len(before["figures"]) :]
    ids = {name: [r[0] for r in rows[1:]] for name, rows in before.items()}
    assert [r[0] for r in new] == next_ids(ids["figures"], "F", 4)
    assert {r[4] for r in new} == {"12500", "4200", "85", "36200000"}
    events = read_rows(data / "events.csv")
    assert [r[0] for r in events[len(before["events"]) :]] == next_ids(ids["events"], "E", 1)
    left = read_rows(data / "left_out.csv")[len(before["left_out"]) :]
    assert left and left[0][0] == next_ids(ids["left_out"], "L", 1)[0]
    assert all(r[-1] == "test: not a figure of this test" for r in left)
    check_rows = read_rows(data / "primary_checks.csv")
    checks = {r[0]: r for r in check_rows}
    verdict = check_rows[0].index("verdict")
    assert checks["content_reported|Example Child Safety Network|2024"][verdict] == "unverified"
    assert not file.exists(), "accepted candidates are moved, not kept twice"
    subjects = [r[0] for r in read_rows(data / "subjects.csv")]
    assert "Example Child Safety Network" in subjects
    # Written in English only: the French and Arabic wordings are pending, warnings not errors.
    assert result.report.errors == [], result.report.errors
    pending = {(w.field or "") for w in result.report.warnings}
    assert {"event_fr", "event_ar"} <= pending, pending


@requires_sources
def test_accept_names_each_bad_input_and_writes_nothing(scratch, tmp_path, capsys):
    data, texts = scratch
    story = write_story(tmp_path, data)
    add_document(story, "en", "en-wire-example", data_dir=data, sources_dir=texts)
    file = data / "candidates" / "en-wire-example.csv"
    rows = _curate(rows_of(file))
    rows[0]["metric"] = "no_such_metric"
    rows[1]["accept"] = "maybe"
    no = next(i for i, r in enumerate(rows) if r["accept"] == "no")
    rows[no]["reason"] = ""
    excerpt = next(i for i, r in enumerate(rows) if r["value"] == "85")
    rows[excerpt]["excerpt"] = "at least 86 children"
    write_candidates(file, rows)
    tables = {n: (data / f"{n}.csv").read_bytes() for n in ("figures", "events", "left_out")}
    with pytest.raises(AcceptError) as error:
        accept("en-wire-example", data_dir=data, sources_dir=texts)
    problems = {(p.row, p.field) for p in error.value.problems}
    assert (2, "metric") in problems
    assert (3, "accept") in problems
    assert (no + 2, "reason") in problems
    assert all(p.file == "candidates/en-wire-example.csv" and p.fix for p in error.value.problems)
    assert {n: (data / f"{n}.csv").read_bytes() for n in tables} == tables, "nothing written"
    # Fixed, except the excerpt that no longer states its number: the trial run names it.
    rows[0]["metric"], rows[1]["accept"], rows[no]["reason"] = "content_reported", "no", "x"
    rows[1]["reason"] = "x"
    write_candidates(file, rows)
    with pytest.raises(AcceptError) as error:
        accept("en-wire-example", data_dir=data, sources_dir=texts)
    assert {(p.row, p.field) for p in error.value.problems} == {(excerpt + 2, "excerpt")}
    assert {n: (data / f"{n}.csv").read_bytes() for n in tables} == tables
    # From the command line: one table of problems, no traceback, exit 1.
    assert (
        main(
            [
                "add-document",
                "--accept",
                "en-wire-example",
                "--data-dir",
                str(data),
                "--sources-dir",
                str(texts),
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "nothing was written" in out and "excerpt" in out


def test_add_document_refuses_bad_options(tmp_path, data_copy, capsys):
    story = tmp_path / "s.txt"
    story.write_text(ENGLISH, encoding="utf-8")
    assert (
        main(
            [
                "add-document",
                str(story),
                "--lang",
                "en",
                "--id",
                "Not An Id",
                "--data-dir",
                str(data_copy),
            ]
        )
        == 1
    )
    assert "document id" in capsys.readouterr().err
    assert main(["add-document", str(story), "--data-dir", str(data_copy)]) == 1
    assert "--lang" in capsys.readouterr().err
    assert main(["add-document", "--accept", "nothing-here", "--data-dir", str(data_copy)]) == 1
    assert "no candidates file" in capsys.readouterr().err


# -- the rules that moved from the tests into the data ---------------------------------


@requires_sources
def test_an_undated_document_says_so_in_its_note(data_copy, edit):
    edit(data_copy, "sources", "ar-news-guardian-meta", "note", "Dated by its content.")
    problems = [p for p in validate(data_copy).errors if p.file == "sources.csv"]
    assert [(p.row, p.field) for p in problems] == [(2, "note")]
    assert "no date" in problems[0].fix


@requires_sources
def test_a_left_out_number_must_be_in_its_document(data_copy):
    rows = read_rows(data_copy / "left_out.csv")
    rows[1][2] = "3922"
    write_rows(data_copy / "left_out.csv", rows)
    problems = [p for p in validate(data_copy).errors if p.file == "left_out.csv"]
    assert [(p.row, p.field) for p in problems] == [(2, "value")]


def test_left_out_file_is_csv_as_the_dataset_writes_it():
    text = (paths.DATA_DIR / "left_out.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["left_out_id", "document_id", "value", "unit", "reason"]


@pytest.mark.parametrize("text", ["up from 2,100 in 2024", "up from 300 in 2024"])
def test_a_number_in_a_year_is_no_ratio(text):
    """ "1 in 5" is a share; "2,100 in 2024" is a number and a year (it was read as 103.75%)."""
    found = _found(text, "en")
    assert [(f[0], f[1]) for f in found] == [
        ("figure", text.split()[2].replace(",", "")),
        ("event", "2024"),
    ]
    assert all(f[2] != "percent" for f in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("removed some 500,000 accounts over three months", ("figure", "3", "", "exact")),
        ("banned over 1.5 million users", ("figure", "1500000", "people", "more_than")),
        ("At least one in five children", ("figure", "20", "percent", "at_least")),
        ("Nearly 90% came from apps", ("figure", "90", "percent", "about")),
        ("its 25th annual report", ("figure", "25", "rank", "exact")),
        ("Roblox ranked second", ("figure", "2", "rank", "exact")),
        ("tens of thousands of images", ("figure", "", "items", "vague")),
        ("On June 24, 2024, it said", ("event", "2024", "", "")),
    ],
)
def test_english_wordings(text, expected):
    found = _found(text, "en")
    assert expected in found, found
    if expected[2] == "rank":
        assert [f for f in found if f[1] == expected[1]] == [expected], "one candidate, a rank"


def test_a_second_add_document_waits_for_none_and_says_why(tmp_path, data_copy, capsys):
    from tspolicy.adddoc import _locked

    def written(data: Path) -> dict[str, bytes | None]:
        """Every file and folder of the data (a folder: None)."""
        return {
            str(p.relative_to(data)): p.read_bytes() if p.is_file() else None
            for p in data.rglob("*")
        }

    story = tmp_path / "s.txt"
    story.write_text(ENGLISH, encoding="utf-8")
    before = written(data_copy)
    with _locked(data_copy):
        assert (
            main(
                [
                    "add-document",
                    str(story),
                    "--lang",
                    "en",
                    "--id",
                    "en-x",
                    "--data-dir",
                    str(data_copy),
                    "--sources-dir",
                    str(tmp_path),
                ]
            )
            == 1
        )
    assert "another add-document" in capsys.readouterr().err
    assert written(data_copy) == before, "nothing written"


@requires_sources
def test_accept_reads_a_spreadsheets_csv(scratch, tmp_path, capsys):
    """A spreadsheet's BOM and CRLF are fine; semicolons are named, not guessed."""
    data, texts = scratch
    story = write_story(tmp_path, data)
    add_document(story, "en", "en-wire-example", data_dir=data, sources_dir=texts)
    file = data / "candidates" / "en-wire-example.csv"
    rows = _curate(rows_of(file))
    text = candidates.to_csv(rows)
    file.write_bytes(text.replace(",", ";").encode("utf-8"))
    with pytest.raises(AcceptError) as error:
        accept("en-wire-example", data_dir=data, sources_dir=texts)
    assert "semicolons" in error.value.problems[0].problem
    file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    fill_source_row(data)
    others = sorted(p.name for p in file.parent.iterdir() if p != file)  # a contributor's
    before = len(validate(data, texts).warnings)
    args = ["add-document", "--accept", "en-wire-example"]
    code = main([*args, "--data-dir", str(data), "--sources-dir", str(texts)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(re.search(r"figures\.csv: added (.*)", out)[1].split(", ")) == 4
    # Valid, with the English-only wordings' translations pending: counted, and where to look.
    warnings = len(validate(data, texts).warnings)
    assert warnings > before
    assert f"valid, with {warnings} translation(s) pending" in " ".join(out.split())
    assert "tspolicy i18n todo" in out
    # No empty candidates folder is left (a second add-document would find it in its way).
    if others:
        assert sorted(p.name for p in file.parent.iterdir()) == others
    else:
        assert not file.parent.exists()


def test_a_sources_folder_that_cannot_be_written_is_one_message(tmp_path, data_copy, capsys):
    story = write_story(tmp_path, data_copy)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    sources = (data_copy / "sources.csv").read_bytes()
    args = ["add-document", str(story), "--lang", "en", "--id", "en-wire-example"]
    code = main([*args, "--data-dir", str(data_copy), "--sources-dir", str(blocked / "texts")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"cannot copy {story.name}" in err and "--sources-dir" in err, err
    assert (data_copy / "sources.csv").read_bytes() == sources, "nothing written"
    assert not (data_copy / "candidates" / "en-wire-example.csv").exists()
    readonly = tmp_path / "read-only"  # as ../shared/sources: r-x for everyone (root too)
    readonly.mkdir()
    readonly.chmod(0o555)
    try:
        code = main([*args, "--data-dir", str(data_copy), "--sources-dir", str(readonly)])
        assert code == 1 and f"cannot copy {story.name}" in capsys.readouterr().err
        assert not any(readonly.iterdir())
    finally:
        readonly.chmod(0o755)
    assert (data_copy / "sources.csv").read_bytes() == sources, "nothing written"


@pytest.mark.parametrize(
    ("text", "lang", "age"),
    [
        ("a 14-year-old girl", "en", True),
        ("aged 15", "en", True),
        ("for 20 years", "en", False),
        ("Agé de 28 ans", "fr", True),
        ("pendant 12 ans", "fr", False),
    ],
)
def test_an_age_is_flagged_as_a_personal_detail(text, lang, age):
    (row,) = candidates.candidate_rows(text, lang)
    assert ("personal detail" in row["hint"]) is age
