"""`tspolicy build`: every page in every language, reproducible, failure-safe, self-contained."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import read_rows, write_rows
from tspolicy import output, paths
from tspolicy.build import PlanError, build, load_plan, write_figures
from tspolicy.i18n import LANGUAGES
from tspolicy.parameters import NOTEBOOKS

PAGES = [f"{lang}/{name}.html" for lang in LANGUAGES for name in NOTEBOOKS]
#: A resource fetched from elsewhere (an image, a stylesheet, a font, a frame) — not a link
#: that a reader may follow, such as a primary source's URL.
EXTERNAL = re.compile(
    r"""(?:\bsrc|srcset|<link[^>]*\bhref|\burl\(|@import)\s*=?\s*["'(]?\s*(?:https?:)?//""", re.I
)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_every_page_in_every_language(built_site):
    files = set(_tree(built_site))
    assert {"index.html", *PAGES} <= files
    assert {p.replace(".html", ".ipynb") for p in PAGES} <= files
    hidden = [f for f in files if f.startswith(".") and not f.startswith(".cache/")]
    assert hidden == [output.MARKER], "no logs or temporary files in the site"
    listed = json.loads((built_site / output.MARKER).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == sorted(files), "the marker lists every file the build wrote"


@pytest.mark.parametrize("page", PAGES)
def test_page_is_self_contained_and_labelled(built_site, page):
    html = (built_site / page).read_text(encoding="utf-8")
    lang = page.split("/")[0]
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    # every excerpt and chart (wide and narrow drawings) is in the page: the sources page,
    # which holds the evidence of the whole dataset, is the largest
    assert len(html.encode()) < 750_000
    assert not EXTERNAL.search(html), EXTERNAL.search(html)  # no resource from elsewhere
    links = re.findall(r'<a [^>]*href="(https?://[^"]+)"', html)  # links a reader may follow
    assert all(re.fullmatch(r"https://[^\s<>]+", link) for link in links), links
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for tag in re.findall(r"<img\b[^>]*>", html):
        assert re.search(r'alt="[^"]{20,}"', tag), tag[:120]
    assert 'class="toc"' in html and "<footer" in html
    footer = html[html.index("<footer") :]
    version = r"\d+\.\d+\.\d+\+[0-9a-f]{12}"
    assert re.search(rf'<code class="data-version"[^>]*>{version}</code>', footer)
    assert "tspolicy build --only" in footer and "papermill notebooks/" in footer
    text = re.sub(r"data:[^\"']+", "", html)  # base64 images may spell anything
    assert "language=" in footer and "/tmp" not in text and str(paths.ROOT) not in text


def test_code_is_hidden_by_default(built_site):
    html = (built_site / "en/platform_shares.html").read_text(encoding="utf-8")
    assert "report.start" not in html and "highlight: str" not in html


def test_index_links_every_page_in_every_language(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.html)"', html)
    assert sorted(links) == sorted(PAGES)
    assert all((built_site / link).is_file() for link in links)
    assert '<section class="lang" lang="ar" dir="rtl">' in html


def test_executed_notebooks_are_clean(built_site):
    nb = nbformat.read(built_site / "fr/enforcement.ipynb", as_version=4)
    assert (
        "papermill" not in nb.metadata and nb.metadata["tspolicy"]["parameters"]["language"] == "fr"
    )
    assert all(c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert [c["id"] for c in nb.cells] == [f"cell-{i}" for i in range(len(nb.cells))]


def test_committed_figures_are_current(tmp_path):
    plan = load_plan()
    written = write_figures(plan.figures, tmp_path)
    stale = [
        p.name for p in written if not filecmp.cmp(p, paths.FIGURES_DIR / p.name, shallow=False)
    ]
    assert not stale, f"figures/ is stale ({stale}): run `make reports` and commit figures/"
    assert sorted(p.name for p in paths.FIGURES_DIR.iterdir()) == sorted(p.name for p in written)


# -- failures and interruptions ---------------------------------------------------------


def _plan(tmp_path: Path, entries: list[dict], broken: bool = False) -> Path:
    folder = tmp_path / "plan"
    folder.mkdir(exist_ok=True)
    shutil.copy(paths.NOTEBOOKS_DIR / NOTEBOOKS["timeline"], folder / NOTEBOOKS["timeline"])
    if broken:
        nb = nbformat.read(folder / NOTEBOOKS["timeline"], as_version=4)
        nb.cells[4].source = "raise RuntimeError('boom in the chart cell')"
        nbformat.write(nb, folder / "broken.ipynb")
    plan = folder / "reports.yml"
    plan.write_text(
        yaml.safe_dump({"languages": ["en"], "figures": [], "reports": entries}), encoding="utf-8"
    )
    return plan


def _build_command(plan: Path, out: Path, *extra: str) -> list[str]:
    """`python -m tspolicy build` for a test plan, quiet, without figures."""
    return [
        sys.executable,
        "-m",
        "tspolicy",
        "build",
        "--plan",
        str(plan),
        "--out",
        str(out),
        "--no-figures",
        "--quiet",
        *extra,
    ]


def _leftovers(folder: Path) -> list[str]:
    """Temporary folders a build left beside its output (its lock file is meant to stay)."""
    return sorted(p.name for p in folder.glob(".reports.*") if p.name != ".reports.lock")


TIMELINE = {"name": "timeline", "report": "timeline", "notebook": NOTEBOOKS["timeline"]}
BROKEN = {"name": "broken", "report": "timeline", "notebook": "broken.ipynb"}


def test_a_failing_report_keeps_the_previous_site(tmp_path):
    out = tmp_path / "reports"
    first = build(plan_path=_plan(tmp_path, [TIMELINE]), out=out, figures_dir=None, progress=False)
    assert not first.failed
    before = _tree(out)
    result = build(
        plan_path=_plan(tmp_path, [TIMELINE, BROKEN], broken=True),
        out=out,
        figures_dir=None,
        progress=False,
    )
    assert [r.job.name for r in result.failed] == ["broken"]
    error = result.failed[0].error
    assert (
        "broken.ipynb, cell 5 (raise RuntimeError(" in error
    )  # counted as in the notebook, from 1
    assert "RuntimeError: boom in the chart cell" in error
    assert _tree(out) == before, "the previous site is intact"
    assert (tmp_path / "reports.failed" / "en" / "timeline.html").is_file(), (
        "the other page still built"
    )
    assert _leftovers(tmp_path) == []


def test_the_command_names_the_failure_and_exits_non_zero(tmp_path):
    plan = _plan(tmp_path, [TIMELINE, BROKEN], broken=True)
    result = subprocess.run(
        _build_command(plan, tmp_path / "r"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "FAIL en/broken" in result.stdout and "cell 5" in result.stdout
    assert "the previous site was kept" in result.stderr and "Traceback" not in result.stderr


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGKILL-group", "SIGKILL-main"])
def test_an_interrupted_build_leaves_the_previous_site_whole(tmp_path, how):
    out = tmp_path / "reports"
    plan = _plan(tmp_path, [TIMELINE])
    assert not build(plan_path=plan, out=out, figures_dir=None, progress=False).failed
    before = _tree(out)
    # The page now runs for 30 s more: the signal always lands during the build (a
    # warm page takes about two seconds, less than the wait below once its kernel starts).
    notebook = plan.parent / NOTEBOOKS["timeline"]
    original = notebook.read_bytes()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(30)"))
    nbformat.write(nb, notebook)
    temporary = tmp_path / "tmpdir"
    temporary.mkdir()
    process = subprocess.Popen(
        _build_command(plan, out, "--force"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    deadline = time.monotonic() + 60
    while (
        not list(tmp_path.glob(".reports.building-*/.runtime/*.json"))
        and process.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    time.sleep(0.5)
    below = _descendants(process.pid)
    assert below, "the build runs its pages in worker processes"
    killed = how.startswith("SIGKILL")
    if how == "SIGKILL-group":
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.send_signal(getattr(signal, how.split("-")[0]))
    _, err = process.communicate(timeout=60)
    code = process.returncode
    assert code != 0
    if not killed:
        assert code == 130, "reported as an interruption, not an internal error"
        assert err.decode().strip() == "tspolicy: interrupted", "one line, no traceback"
    assert _tree(out) == before
    deadline = time.monotonic() + 20
    while _alive(below) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(below), "workers, kernels and the resource tracker die with the build"
    assert list(temporary.iterdir()) == [], "no kernel connection file (they hold its key)"
    if not killed:
        assert not list(tmp_path.glob(".reports.building-*")), "cleaned up on the way out"
    notebook.write_bytes(original)  # the page as it was: it builds again
    again = build(plan_path=plan, out=out, figures_dir=None, progress=False)  # recovers, rebuilds
    assert not again.failed and _leftovers(tmp_path) == []


def test_bad_plan_entries_are_named(tmp_path):
    plan = _plan(tmp_path, [{**TIMELINE, "parameters": {"year": 2020}}])
    with pytest.raises(
        PlanError, match=r"report #1 \(timeline\): 50_timeline.ipynb: unknown parameter 'year'"
    ):
        load_plan(plan)
    plan.write_text("reports: [{name: x, report: x, notebook: x.ipynb}]", encoding="utf-8")
    with pytest.raises(PlanError, match="report 'x' is not one of"):
        load_plan(plan)


def test_data_text_cannot_inject_markup(tmp_path, data_copy):
    path = data_copy / "sources.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("title")] = "<script>window.__pwned = 1</script>"
    write_rows(path, rows)
    out = tmp_path / "reports"
    plan_entry = {"name": "sources", "report": "sources", "notebook": NOTEBOOKS["sources"]}
    folder = tmp_path / "plan"
    folder.mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / NOTEBOOKS["sources"], folder)
    (folder / "reports.yml").write_text(
        yaml.safe_dump({"languages": ["en"], "reports": [plan_entry]}), encoding="utf-8"
    )
    result = build(
        plan_path=folder / "reports.yml",
        out=out,
        data_dir=data_copy,
        figures_dir=None,
        progress=False,
    )
    assert not result.failed, result.failed and result.failed[0].error
    html = (out / "en/sources.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned" in html
