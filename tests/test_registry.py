"""The report registry: each report declared once, everything else derived from its entry.

A report added by a test — a notebook, a registry entry and a plan line, no edit to the
package — builds, is strict, and is rebuilt exactly when the data it declares change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import read_rows, write_rows
from tspolicy import cache, paths, registry
from tspolicy.build import PlanError, build, read_plan, validate_plan
from tspolicy.data import load_dataset
from tspolicy.parameters import NOTEBOOKS, ParameterError, check, spec

#: The report the tests add: IJM's arrests and convictions, without the rescues.
NEW = "ijm_outcomes"
NEW_ENTRY = {
    "notebook": "60_ijm_outcomes.ipynb",
    "charts": ["enforcement_outcomes"],
    "narrative": "enforcement",
    "strings": "report.enforcement",
    "reads": {"metrics": ["victims_rescued", "traffickers_arrested", "perpetrators_convicted"]},
    "parameters": {"organisation": {"allowed": "subjects"}, "country": {"allowed": "geographies"}},
}
PARAMETERS = (
    "language: str = 'en'  # Report language: en, fr or ar\n"
    "data_dir: str = None  # Data folder (None: the repository's data/)\n"
    "organisation: str = 'International Justice Mission (IJM)'  # Whose cases\n"
    "country: str = 'Philippines'  # Where"
)


def _new_report(folder: Path) -> None:
    """Add the report: a notebook, a registry entry, a plan line (English only)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cells = [
        (PARAMETERS, ["parameters"]),
        (f'from tspolicy import report\n\nrep = report.start("{NEW}", globals())', []),
        ("rep.header()", []),
        ("rep.chart()", []),
        ("rep.narrative()", []),
        ("rep.evidence()", []),
    ]
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, folder / NEW_ENTRY["notebook"])
    path = folder / registry.FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries["reports"][NEW] = NEW_ENTRY
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    plan = {
        "languages": ["en"],
        "reports": [{"name": NEW, "report": NEW}, {"name": "timeline", "report": "timeline"}],
    }
    (folder / "reports.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, folder, ignore=shutil.ignore_patterns("reports.yml"))
    _new_report(folder)
    shutil.copytree(paths.DATA_DIR, tmp_path / "data")
    return {"plan": folder / "reports.yml", "data": tmp_path / "data", "tmp": tmp_path}


# --------------------------------------------------------------------------- fast


def test_the_repository_registry_names_every_report_notebook():
    reports = registry.load()
    assert reports.path == paths.NOTEBOOKS_DIR / registry.FILE
    assert {n: e.notebook.name for n, e in reports.entries.items()} == NOTEBOOKS


def test_parameters_come_from_the_notebook(tmp_path):
    """Defaults and help are the parameters cell's: edit the cell, the spec follows."""
    folder = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, folder)
    path = folder / NOTEBOOKS["platform_shares"]
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace(
        "year: int = 2020  # Year of the ranking", "year: int = 2021  # Y"
    )
    nbformat.write(nb, path)
    year = {p.name: p for p in spec("platform_shares", registry.load(folder))}["year"]
    assert (year.default, year.help, year.whole) == (2021, "Y", True)
    shipped = {p.name: p for p in spec("platform_shares")}["year"]
    assert (shipped.default, shipped.help) == (2020, "Year of the ranking")


def test_a_notebook_missing_a_parameter_its_entry_checks_is_refused(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, folder)
    path = folder / NOTEBOOKS["platform_shares"]
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line for line in cell.source.splitlines() if "highlight" not in line)
    nbformat.write(nb, path)
    with pytest.raises(registry.RegistryError, match="does not declare 'highlight'"):
        spec("platform_shares", registry.load(folder))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"charts": ["pie"]}, "chart 'pie' is not one of"),
        ({"narrative": "poem"}, "narrative 'poem' is not one of"),
        ({"reads": {"metrics": ["nothing_like_it"]}}, "reads metric 'nothing_like_it'"),
        ({"reads": {"context": ["weather"]}}, "context series 'weather'"),
        ({"evidence": "some"}, "evidence 'some' is not one of"),
        ({"colour": "red"}, "unknown field 'colour'"),
        ({"notebook": "nope.ipynb"}, "notebook 'nope.ipynb' not found"),
        ({"parameters": {"country": {"allowed": "moons"}}}, "allowed 'moons'"),
        (
            {
                "reads": {"metrics": ["victims_rescued"]},
                "parameters": {
                    "organisation": {"allowed": "subjects", "metrics": ["content_reported"]}
                },
            },
            "add content_reported to reads.metrics",
        ),
    ],
)
def test_a_bad_entry_is_one_message(project, change, message):
    path = project["plan"].parent / registry.FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries["reports"][NEW] = {**NEW_ENTRY, **change}
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    with pytest.raises((registry.RegistryError, PlanError)) as error:
        validate_plan(read_plan(project["plan"]), project["data"])
    assert message in str(error.value) and registry.FILE in str(error.value)


def test_the_cache_key_covers_what_the_entry_reads(project):
    folder = project["plan"].parent
    view = cache.data_view(NEW, project["data"], folder)
    assert "figures.csv" in view and "events.csv" not in view
    assert not any(name.startswith("context/") for name in view)
    before = dict(view)
    path = project["data"] / "figures.csv"
    rows = read_rows(path)
    header = rows[0]
    content = next(r for r in rows if r[header.index("metric")] == "content_reported")
    content[header.index("excerpt_en")] += " (edited)"
    write_rows(path, rows)
    assert cache.data_view(NEW, project["data"], folder) == before  # not a metric it reads
    ijm = next(r for r in rows if r[header.index("metric")] == "traffickers_arrested")
    ijm[header.index("value")] = "11"
    write_rows(path, rows)
    assert cache.data_view(NEW, project["data"], folder)["figures.csv"] != before["figures.csv"]


def test_the_entry_is_part_of_the_key(project):
    """A page's key changes with its registry entry (say, what it reads), not only its notebook."""
    folder = project["plan"].parent
    notebook = folder / NEW_ENTRY["notebook"]
    options = {
        "notebook": notebook,
        "name": NEW,
        "report": NEW,
        "lang": "en",
        "parameters": {},
        "options": {},
        "data_dir": project["data"],
        "code": "c",
        "environment": "e",
    }
    before = cache.components(**options)["notebook"]
    path = folder / registry.FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries["reports"][NEW]["evidence"] = "everything"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    assert cache.components(**options)["notebook"] != before


def test_data_dependent_parameters_are_checked_against_the_data_in_use(data_copy):
    """ncmec_year, platforms, country…: allowed by the data folder given, not data/."""
    path = data_copy / "context" / "ncmec_reports_by_platform.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0], *(r for r in rows[1:] if r[0] != "2022")])
    figures = data_copy / "figures.csv"
    rows = read_rows(figures)
    subject = rows[0].index("subject")
    for row in rows[1:]:
        if row[subject] == "Instagram" and row[rows[0].index("metric")] == "content_reported":
            row[subject] = "Facebook"
    write_rows(figures, rows)
    copy = load_dataset(data_copy)
    with pytest.raises(ParameterError, match="'ncmec_year' = 2022 is not allowed"):
        check("content_counts", {"platforms": ["Facebook"]}, copy)
    with pytest.raises(ParameterError, match=r"'platforms' = \['Instagram'\] is not allowed"):
        check("content_counts", {"platforms": ["Instagram"], "ncmec_year": 2021}, copy)
    assert check("content_counts", {"platforms": ["Instagram"]}, load_dataset())  # data/ has it


def test_narrative_and_charts_share_their_rows_without_importing_each_other():
    code = (
        "import sys; import tspolicy.narrative, tspolicy.selection; "
        "print(*(m in sys.modules for m in ('matplotlib', 'seaborn', 'tspolicy.charts')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "False"]


def test_rows_behind_a_chart(tmp_path):
    from tspolicy import report

    rep = report.Report("enforcement", check("enforcement", {}, load_dataset()), load_dataset())
    table = rep.table()
    assert list(table["id"]) == rep.draw().evidence  # every mark's mentions, in order
    assert set(table["metric"]) == {
        "victims_rescued",
        "traffickers_arrested",
        "perpetrators_convicted",
    }
    assert {"value", "qualifier", "document_id", "excerpt", "excerpt_en", "verdict"} <= set(table)
    assert "more_than" in set(table["qualifier"])  # lower bounds stay lower bounds
    french = report.Report("enforcement", {**rep.params, "language": "fr"}, rep.dataset).table()
    assert "excerpt_fr" in french and "excerpt_en" not in french


# --------------------------------------------------------------------------- slow: builds


@pytest.mark.slow
def test_a_new_report_builds_is_strict_and_rebuilds_only_for_its_data(project):
    out = project["tmp"] / "site"

    def run(**options):
        return build(
            plan_path=project["plan"],
            out=out,
            data_dir=project["data"],
            figures_dir=None,
            progress=False,
            **options,
        )

    first = run()
    assert not first.failed, [r.error for r in first.failed]
    page = (out / "en" / f"{NEW}.html").read_text(encoding="utf-8")
    assert "Enforcement outcomes" in page and "Philippines" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="en/{NEW}.html"' in index

    # strict: a value the data do not allow, and a name the notebook does not declare
    plan = yaml.safe_load(project["plan"].read_text(encoding="utf-8"))
    for parameters, message in (
        ({"country": "France"}, "parameter 'country' = 'France' is not allowed"),
        ({"year": 2020}, "60_ijm_outcomes.ipynb: unknown parameter 'year'"),
    ):
        plan["reports"][0]["parameters"] = parameters
        bad = project["tmp"] / "bad.yml"
        shutil.copy(project["plan"], project["plan"].parent / "bad.yml")
        bad = project["plan"].parent / "bad.yml"
        bad.write_text(yaml.safe_dump(plan), encoding="utf-8")
        with pytest.raises(PlanError, match=message):
            build(
                plan_path=bad,
                out=project["tmp"] / "x",
                data_dir=project["data"],
                figures_dir=None,
                progress=False,
            )
        bad.unlink()

    # the data it does not read: nothing to rebuild
    path = project["data"] / "context" / "ncmec_reports_by_platform.csv"
    rows = read_rows(path)
    rows[-1][-1] = str(int(rows[-1][-1]) + 1)
    write_rows(path, rows)
    path = project["data"] / "figures.csv"
    rows = read_rows(path)
    header = rows[0]
    next(r for r in rows if r[header.index("metric")] == "content_reported")[
        header.index("excerpt_en")
    ] += " (edited)"
    write_rows(path, rows)
    assert run().rebuilt == []
    # the data it reads: rebuilt, and showing the change
    next(r for r in rows if r[0] == "F013")[header.index("value")] = "1480"
    write_rows(path, rows)
    again = run()
    assert again.rebuilt == [f"en/{NEW}"]
    assert again.reasons[f"en/{NEW}"] == "rebuilt: data changed (figures.csv)"
    assert "1,480" in (out / "en" / f"{NEW}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_kernel_reads_the_registry_beside_the_notebook(project):
    """papermill runs the new notebook in its folder: report.start finds the new entry,
    and checks an injected value against it."""
    folder = project["plan"].parent
    papermill = Path(sys.executable).with_name("papermill")
    result = subprocess.run(
        [
            str(papermill),
            str(folder / NEW_ENTRY["notebook"]),
            str(project["tmp"] / "out.ipynb"),
            *("-p", "country", "France", "--cwd", str(folder), "--no-progress-bar"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "60_ijm_outcomes.ipynb: parameter 'country' = 'France' is not allowed; "
        "allowed: 'Philippines'"
    ) in (result.stdout + result.stderr)
    assert json.loads((project["tmp"] / "out.ipynb").read_text(encoding="utf-8"))["cells"]
