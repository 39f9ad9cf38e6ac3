"""Fault injection: every fault a careless or hostile user can cause, through the real CLI.

Each case runs the command line on a scratch copy of the inputs — ``python -m tspolicy`` in
a subprocess where the process matters (a lock, a pipe, a build's workers), else its
``main`` in this process (:func:`cli`) — and asserts what a user is owed: exit status 1 (2
is for our bugs), no traceback, a message naming the file, row, field or option — and, by
hashing the trees before and after, that nothing outside ``--out`` changed and nothing under
``--out`` that the build did not write was deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import build_or_fail, read_rows, requires_external, shared, write_rows
from tspolicy import output, paths
from tspolicy.parameters import NOTEBOOKS

TIMELINE = {"name": "timeline", "report": "timeline", "notebook": NOTEBOOKS["timeline"]}
#: A page whose notebook only reads the data: the faults below are the build's, not a chart's.
TINY = {"name": "timeline", "report": "timeline", "notebook": "tiny.ipynb"}


def _hashes(root: Path, skip: Path | None = None) -> dict[str, str]:
    """sha256 of every file under ``root`` (symlinks not followed), ``skip`` left out."""
    found = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _repository() -> dict[str, str]:
    """What a command must never change in the repository: data, notebooks, figures, code."""
    return {
        f"{name}/{key}": value
        for name in ("data", "notebooks", "figures", "src")
        for key, value in _hashes(paths.ROOT / name).items()
        if "__pycache__" not in key
    }


def tspolicy(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the command line as a user does."""
    env = {k: v for k, v in os.environ.items() if k != "TSPOLICY_DEBUG"}
    env["COLUMNS"] = "1000"  # validate's table unwrapped, so messages can be searched
    return subprocess.run(
        [sys.executable, "-m", "tspolicy", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line in this process: what ``python -m tspolicy`` runs (``main``), with
    the same environment, less the interpreter's start and imports (most cases below are
    refused before anything runs). Process-level behaviour (signals, locks, pipes, a stray
    traceback from a library) is tested through :func:`tspolicy`."""
    from tspolicy.cli import main

    saved = {name: os.environ.get(name) for name in ("TSPOLICY_DEBUG", "COLUMNS")}
    os.environ.pop("TSPOLICY_DEBUG", None)
    os.environ["COLUMNS"] = "1000"
    here = Path.cwd()
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                status = main(list(args))
            except SystemExit as stop:  # argparse: --help, a usage error
                status = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(here)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(
        ["tspolicy", *args], status, stdout.getvalue(), stderr.getvalue()
    )


def _refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """Assert a user error: exit 1, one message without traceback, naming ``words``."""
    text = result.stdout + result.stderr
    assert result.returncode == 1, text[-3000:]
    assert "Traceback" not in text and "internal error" not in text, text[-3000:]
    for word in words:
        assert word in text, f"{word!r} not in: {text[-1500:]}"
    return text


def _tiny(folder: Path, source: str = "", name: str = "tiny") -> Path:
    """Write ``<name>.ipynb``: the parameters, a cell reading the data, then ``source``."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [
        new_markdown_cell("# Tiny"),
        new_code_cell("language = 'en'\ndata_dir = None", metadata={"tags": ["parameters"]}),
        new_code_cell("from tspolicy.data import load_events\n\nprint(len(load_events(data_dir)))"),
    ]
    if source:
        cells.append(new_code_cell(source))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder / f"{name}.ipynb"


def _plan(folder: Path, entries: list, **top) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.NOTEBOOKS_DIR / NOTEBOOKS["timeline"], folder / NOTEBOOKS["timeline"])
    _tiny(folder)
    plan = folder / "reports.yml"
    plan.write_text(
        yaml.safe_dump({"languages": ["en"], "figures": [], "reports": entries, **top}),
        encoding="utf-8",
    )
    return plan


def _build(plan: Path, out: Path, *extra: str) -> list[str]:
    return ["build", "--plan", str(plan), "--out", str(out), "--no-figures", "--quiet", *extra]


@pytest.fixture
def site(request, tmp_path_factory) -> tuple[Path, Path]:
    """A plan with one page and a site built from it, once: (plan, site)."""

    def make() -> tuple[Path, Path]:
        folder = tmp_path_factory.mktemp("faults")
        plan = _plan(folder / "plan", [TINY])
        out = folder / "reports"
        build_or_fail("the one-page site", plan_path=plan, out=out, figures_dir=None)
        return plan, out

    return shared(request, "test_faults's one-page site", make)


# --------------------------------------------------------------------------- data loss


def test_a_folder_that_is_not_a_site_is_refused_and_kept(tmp_path, site):
    plan, _ = site
    (tmp_path / "u" / "docs").mkdir(parents=True)
    (tmp_path / "u" / "docs" / "thesis.html").write_text("x", encoding="utf-8")
    (tmp_path / "u" / ".cache").mkdir()  # as a home folder has: not a site's cache
    (tmp_path / "u" / ".cache" / "pip.json").write_text("{}", encoding="utf-8")
    before, repo = _hashes(tmp_path), _repository()
    _refused(cli(*_build(plan, tmp_path / "u")), str(tmp_path / "u"), "not a tspolicy site")
    assert _hashes(tmp_path) == before and _repository() == repo


@pytest.mark.parametrize(
    ("out", "words"),
    [
        (".", "is the repository"),
        ("/", "file-system root"),
        ("..", "contains the repository"),
        ("notebooks", "inside the repository's notebooks/"),
        ("data/site", "inside the repository's data/"),
        ("figures", "inside the repository's figures/"),
        ("README.md", "is a file"),
    ],
)
def test_outputs_that_hold_the_users_files_are_refused(out, words):
    repo = _repository()
    _refused(cli("build", "--out", out, "--quiet", cwd=paths.ROOT), "--out", words)
    assert _repository() == repo


def test_a_site_keeps_files_the_build_did_not_write(tmp_path, site):
    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "en" / "draft.html").write_text("mine too", encoding="utf-8")
    (out / "en" / "old.html").write_text("a page an earlier plan built", encoding="utf-8")
    marker = json.loads((out / output.MARKER).read_text(encoding="utf-8"))
    marker["files"].append("en/old.html")
    (out / output.MARKER).write_text(json.dumps(marker), encoding="utf-8")
    result = tspolicy(*_build(plan, out, "--force"))
    assert result.returncode == 0, result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "en" / "draft.html").read_text(encoding="utf-8") == "mine too"
    assert not (out / "en" / "old.html").exists(), "a page the build wrote and dropped goes"
    listed = json.loads((out / output.MARKER).read_text(encoding="utf-8"))["files"]
    assert "notes.txt" not in listed and "en/timeline.html" in listed


def test_a_second_build_waits_or_exits_with_no_wait(tmp_path, site):
    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    with output.locked(out):
        text = _refused(tspolicy(*_build(plan, out, "--no-wait")), "another build", str(out))
        assert str(os.getpid()) in text, "the message names the process holding the lock"
    # Waiting: the lock is held by a thread for 3 s; the build waits, then finds nothing to do.
    held = threading.Event()

    def hold():
        with output.locked(out):
            held.set()
            time.sleep(3)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    started = time.monotonic()
    result = tspolicy(*_build(plan, out))
    holder.join()
    assert result.returncode == 0, result.stderr
    assert "waiting for it" in result.stderr and time.monotonic() - started >= 2.5


def test_recovery_removes_only_staging_folders_whose_owner_is_dead(tmp_path, site):
    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    live = output.staging_dir(out, os.getpid())
    dead = output.staging_dir(out, 2**22 + 12345)  # above the kernel's pid_max default
    stranger = tmp_path / ".reports.building-mine"
    for folder in (live, dead, stranger):
        folder.mkdir()
        output.write_marker(folder, [])
    # A build killed while its removal was under way: no marker, a kernel connection file.
    cut_short = output.staging_dir(out, 2**22 + 12346)
    (cut_short / ".runtime").mkdir(parents=True)
    (cut_short / ".runtime" / "tmpab12cd.json").write_text('{"key": "s3cret"}', encoding="utf-8")
    lookalike = output.staging_dir(out, 2**22 + 12347)  # no marker, no .runtime: not ours
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("mine", encoding="utf-8")
    result = tspolicy(*_build(plan, out, "--force"))
    assert result.returncode == 0, result.stderr
    assert live.is_dir() and stranger.is_dir() and not dead.exists()
    assert not cut_short.exists(), "a kernel's key never outlives the build"
    assert (lookalike / "mine.txt").read_text(encoding="utf-8") == "mine"


def _refresh(site: Path) -> None:
    """Make a site need its index again: a build that runs no kernel, but copies and swaps."""
    (site / "index.html").unlink()


def test_a_file_saved_into_the_site_while_it_builds_is_kept(tmp_path, site, monkeypatch):
    from tspolicy import build as build_module
    from tspolicy.cli import main

    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    (out / "notes.txt").write_text("before the build", encoding="utf-8")
    _refresh(out)
    real_swap, real_copy = build_module._swap, shutil.copytree

    def copy(src, dst, *args, **kwargs):
        if Path(src) == out:  # (copytree calls itself for each folder)
            assert (Path(dst) / output.MARKER).is_file(), "the staging folder is marked first"
        return real_copy(src, dst, *args, **kwargs)

    def swap(new, target, ours):  # the user saves files after the copy, before the swap
        (target / "late.txt").write_text("saved during the build", encoding="utf-8")
        (target / "en" / "late.html").write_text("mine", encoding="utf-8")
        (target / "drafts").mkdir()
        (target / "drafts" / "a.md").write_text("a draft", encoding="utf-8")
        (target / "notes.txt").write_text("edited during the build", encoding="utf-8")
        return real_swap(new, target, ours)

    monkeypatch.setattr(shutil, "copytree", copy)
    monkeypatch.setattr(build_module, "_swap", swap)
    assert main(_build(plan, out)) == 0
    assert (out / "late.txt").read_text(encoding="utf-8") == "saved during the build"
    assert (out / "en" / "late.html").read_text(encoding="utf-8") == "mine"
    assert (out / "drafts" / "a.md").read_text(encoding="utf-8") == "a draft"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "edited during the build"
    assert (out / "index.html").is_file() and (out / "en" / "timeline.html").is_file()
    assert not [p.name for p in tmp_path.glob(".reports.*") if p.name != ".reports.lock"]
    listed = json.loads((out / output.MARKER).read_text(encoding="utf-8"))["files"]
    assert "late.txt" not in listed and "notes.txt" not in listed


def test_a_build_killed_after_its_swap_loses_no_users_file(tmp_path, site):
    _, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    old = tmp_path / f".reports.old-{2**22 + 12345}"  # the old site of a build killed there
    shutil.copytree(built, old)
    (old / "mine.txt").write_text("mine", encoding="utf-8")
    (old / "en" / "dropped.html").write_text("a page the build dropped", encoding="utf-8")
    output.write_marker(old, [*output.owned_files(old), "en/dropped.html"])
    before = _hashes(out)
    output.recover(out)
    assert not old.exists()
    assert (out / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "en" / "dropped.html").exists(), "the build's own files are not revived"
    assert {k: v for k, v in _hashes(out).items() if k != "mine.txt"} == before


def test_a_users_file_in_the_failed_folder_is_kept(tmp_path, site):
    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    failed = tmp_path / "reports.failed"  # an earlier build's failed pages, and a user's note
    (failed / "en").mkdir(parents=True)
    (failed / "en" / "old.html").write_text("an earlier failed build's page", encoding="utf-8")
    output.write_marker(failed, ["en/old.html"])
    (failed / "note.txt").write_text("why it failed", encoding="utf-8")
    _tiny(plan.parent, "raise RuntimeError('boom')", name="broken")
    broken = _plan(tmp_path / "broken", [TINY, {**TINY, "name": "broken"}])
    _tiny(broken.parent, "raise RuntimeError('boom')", name="broken")
    entries = yaml.safe_load(broken.read_text(encoding="utf-8"))
    entries["reports"][1]["notebook"] = "broken.ipynb"
    broken.write_text(yaml.safe_dump(entries), encoding="utf-8")
    before = _hashes(out)
    text = _refused(tspolicy(*_build(broken, out)), str(failed), "note.txt", "RuntimeError")
    assert "FAIL en/broken" in text and _hashes(out) == before
    assert (failed / "note.txt").read_text(encoding="utf-8") == "why it failed"
    assert not (failed / "en" / "old.html").exists(), "what a build wrote there goes"
    assert (failed / "en" / "timeline.html").is_file(), "the pages that built are there"
    listed = json.loads((failed / output.MARKER).read_text(encoding="utf-8"))["files"]
    assert "note.txt" not in listed and "en/timeline.html" in listed
    _refresh(out)
    result = tspolicy(*_build(plan, out))
    assert result.returncode == 0, result.stderr
    assert "note.txt" in result.stderr and str(failed) in result.stderr
    assert (failed / "note.txt").read_text(encoding="utf-8") == "why it failed"
    assert sorted(output.entries(failed)) == [output.MARKER, "note.txt"]
    (failed / "note.txt").unlink()
    _refresh(out)
    assert tspolicy(*_build(plan, out)).returncode == 0
    assert not failed.exists(), "with nothing of the user's in it, the failed folder goes"


def test_other_data_never_rewrites_the_committed_figures(tmp_path, data_copy):
    plan = _plan(tmp_path / "plan", [TINY], figures=["timeline"])
    out = tmp_path / "site"
    repo = _repository()
    result = tspolicy(
        "build", "--plan", str(plan), "--out", str(out), "--data-dir", str(data_copy), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    assert _repository() == repo, "figures/ is drawn from the repository's own data only"
    assert {p.name for p in (out / "figures").iterdir()} == {"timeline.svg", "timeline.png"}
    listed = json.loads((out / output.MARKER).read_text(encoding="utf-8"))["files"]
    assert "figures/timeline.svg" in listed


def _external_copy(tmp_path: Path) -> Path:
    external = tmp_path / "external"
    shutil.copytree(paths.EXTERNAL_DIR, external)
    return external


@requires_external
def test_import_context_is_all_or_nothing(tmp_path, data_copy):
    external = _external_copy(tmp_path)
    meta = external / "meta_child_endangerment_content_actioned.csv"
    rows = read_rows(meta)
    rows[5][rows[0].index("content_actioned")] = "N/A"
    write_rows(meta, rows)
    before = _hashes(tmp_path)
    _refused(
        cli("import-context", "--external-dir", str(external), "--data-dir", str(data_copy)),
        meta.name,
        "row 6",
        "content_actioned",
        "'N/A'",
    )
    assert _hashes(tmp_path) == before, "data/context/ is untouched"


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({**TIMELINE, "name": "../../../../tmp/x"}, ["report #1", "not a slug"]),
        (
            {**TIMELINE, "notebook": "../../../etc/passwd"},
            ["report #1", "not in the plan's folder"],
        ),
        ({**TIMELINE, "parameters": [1, 2]}, ["report #1", "parameters must be a mapping"]),
        (42, ["report #1", "expected a mapping"]),
        ({**TIMELINE, "parameters": {"data_dir": 5}}, ["data_dir"]),
    ],
)
def test_bad_plan_entries_exit_1_and_write_nothing(tmp_path, entry, words):
    plan = _plan(tmp_path / "plan", [entry])
    before = _hashes(tmp_path)
    _refused(cli(*_build(plan, tmp_path / "out")), str(plan), *words)
    assert _hashes(tmp_path) == before and not (tmp_path / "out").exists()


def test_a_scalar_languages_entry_is_refused(tmp_path):
    plan = _plan(tmp_path / "plan", [TIMELINE], languages="en")
    _refused(cli(*_build(plan, tmp_path / "out")), "'languages' must be a list", "[en")


def test_a_data_package_path_outside_the_data_folder_is_refused_everywhere(tmp_path, data_copy):
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] == "figures":
            resource["path"] = "../../../../etc/passwd"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    plan = _plan(tmp_path / "plan", [TIMELINE])
    for args in (
        ["validate", "--data-dir", str(data_copy)],
        ["corroborate", "--data-dir", str(data_copy)],
        [*_build(plan, tmp_path / "out"), "--data-dir", str(data_copy)],
    ):
        _refused(cli(*args), "resource 'figures'", "outside the data folder")


# --------------------------------------------------------------------------- bad values


def _set(data_dir: Path, table: str, row_id: str, column: str, value: str) -> None:
    path = data_dir / f"{table}.csv"
    rows = read_rows(path)
    index = rows[0].index(column)
    next(r for r in rows[1:] if r[0] == row_id)[index] = value
    write_rows(path, rows)


def _row_of(data_dir: Path, table: str, row_id: str) -> int:
    rows = read_rows(data_dir / f"{table}.csv")
    return next(i for i, r in enumerate(rows, start=1) if r[0] == row_id)


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("figures", "value", "1e309", ["not a finite number"]),
        ("figures", "value", "inf", ["not a finite number"]),
        ("figures", "value", "NaN", ["not a finite number"]),
        ("figures", "period", "abcd", ["does not have the form"]),
        ("figures", "period", "2999", ["lies in the future"]),
        ("figures", "period", "2020-13", ["holds an impossible month or day"]),
        ("figures", "period", "2020-02-30", ["holds an impossible month or day"]),
        ("events", "date", "2020-02-30", ["holds an impossible month or day"]),
        ("sources", "published", "2099-01-01", ["lies in the future"]),
        ("figures", "note", '=HYPERLINK("http://x.invalid","click")', ["formula"]),
        ("figures", "geography", "+cmd|' /C calc'!A0", ["formula"]),
    ],
)
def test_every_command_rejects_a_bad_value_with_the_same_message(
    tmp_path, data_copy, table, column, value, words
):
    row_id = read_rows(data_copy / f"{table}.csv")[1][0]
    _set(data_copy, table, row_id, column, value)
    row = _row_of(data_copy, table, row_id)
    plan = _plan(
        tmp_path / "plan", [{"name": "sources", "report": "sources", "notebook": "s.ipynb"}]
    )
    shutil.copy(paths.NOTEBOOKS_DIR / NOTEBOOKS["sources"], plan.parent / "s.ipynb")
    json_result = cli("validate", "--data-dir", str(data_copy), "--format", "json")
    assert json_result.returncode == 1, json_result.stderr
    problems = json.loads(json_result.stdout)["errors"]
    mine = [p for p in problems if p["row"] == row and p["field"] == column]
    assert mine, problems
    message = mine[0]["problem"]
    assert all(word in message for word in words), message
    commands = [
        ["gallery", "--data-dir", str(data_copy), "--out", str(tmp_path / "gallery")],
        [*_build(plan, tmp_path / "out"), "--data-dir", str(data_copy)],
    ]
    if table == "figures":  # what corroborate reads
        commands.append(["corroborate", "--data-dir", str(data_copy)])
    for args in commands:
        text = _refused(cli(*args), f"{table}.csv", f"row {row}", column)
        assert message.split(":")[0][:40] in text, text


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("ncmec_reports_by_platform", "year", "2099"),
        ("meta_content_actioned", "quarter", "2099Q1"),
    ],
)
def test_a_future_year_or_quarter_in_the_context_tables_is_refused_everywhere(
    tmp_path, data_copy, file, column, value
):
    path = data_copy / "context" / f"{file}.csv"
    rows = read_rows(path)
    rows[1][rows[0].index(column)] = value
    write_rows(path, rows)
    result = cli("validate", "--data-dir", str(data_copy), "--format", "json")
    assert result.returncode == 1, result.stderr
    (problem,) = [
        p
        for p in json.loads(result.stdout)["errors"]
        if p["file"] == f"context/{file}.csv" and p["row"] == 2 and p["field"] == column
    ]
    assert "lies in the future" in problem["problem"], problem
    entry = {
        "name": "content_counts",
        "report": "content_counts",
        "notebook": NOTEBOOKS["timeline"],
    }
    commands = [["gallery", "--data-dir", str(data_copy), "--out", str(tmp_path / "gallery")]]
    if file.startswith("ncmec"):  # what the build's parameter check reads
        plan = _plan(tmp_path / "plan", [entry])
        commands.append([*_build(plan, tmp_path / "out"), "--data-dir", str(data_copy)])
    for args in commands:
        _refused(cli(*args), f"{file}.csv, row 2, field {column}", problem["problem"])
    assert not (tmp_path / "gallery").exists(), "refused before any chart is written"


# --------------------------------------------------------------------------- files


def _corrupt(path: Path, how: str) -> None:
    text = path.read_text(encoding="utf-8")
    if how == "utf16":
        path.write_bytes(text.encode("utf-16"))
    elif how == "unclosed":
        lines = text.split("\n")[:4]  # a quote opened on line 4 (row 4), never closed
        lines[3] += ',"x'
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif how == "semicolon":
        rows = read_rows(path)
        path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    elif how == "nul":
        path.write_bytes(text.encode()[:200] + b"\x00" + text.encode()[200:])


@pytest.mark.parametrize(
    ("how", "words"),
    [
        ("utf16", ["UTF-16", "iconv -f UTF-16"]),
        ("unclosed", ["row 4", "line 4", "never closed"]),
        ("semicolon", ["separated by semicolons"]),
        ("nul", ["NUL byte"]),
    ],
)
def test_unreadable_files_are_named_alike_by_validate_and_build(tmp_path, data_copy, how, words):
    _corrupt(data_copy / "metrics.csv", how)
    plan = _plan(tmp_path / "plan", [TIMELINE])
    result = cli("validate", "--data-dir", str(data_copy), "--format", "json")
    assert result.returncode == 1
    (problem,) = [p for p in json.loads(result.stdout)["errors"] if p["file"] == "metrics.csv"]
    where = problem["file"] + (f", row {problem['row']}" if problem["row"] else "")
    text = f"{where}: {problem['problem']}; {problem['fix']}"
    build = _refused(cli(*_build(plan, tmp_path / "out"), "--data-dir", str(data_copy)), text)
    for said in (text, build):
        assert all(word in said for word in words) and "WINDOWS-1252" not in said, said


@pytest.mark.parametrize("how", ["utf16", "nul", "bom", "crlf", "cp1252"])
def test_a_suggested_fix_names_the_file_given_not_the_repositorys(tmp_path, data_copy, how):
    path = data_copy / "metrics.csv"
    if how in {"utf16", "nul"}:
        _corrupt(path, how)
    elif how == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif how == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    else:
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    # Relative to where the command runs: the fix must still name the file given.
    result = cli("validate", "--data-dir", "data", "--format", "json", cwd=tmp_path)
    (problem,) = [p for p in json.loads(result.stdout)["errors"] if p["file"] == "metrics.csv"]
    assert str(path) in problem["fix"] and " data/metrics.csv" not in problem["fix"], problem
    plan = _plan(tmp_path / "plan", [TINY])
    build = _refused(cli(*_build(plan, tmp_path / "out"), "--data-dir", "data", cwd=tmp_path))
    assert problem["fix"] in build


def test_a_relative_data_dir_reaches_the_notebooks(tmp_path, data_copy):
    plan = _plan(tmp_path / "plan", [TINY])
    result = tspolicy(*_build(plan, tmp_path / "out"), "--data-dir", "data", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "en" / "timeline.html").is_file()


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--jobs", "-3"], ["--jobs", "'-3' is not a whole number from 1"]),
        (["--only", "nosuch"], ["--only 'nosuch'", "the pages are: timeline"]),
        (["--shard", "5/2"], ["--shard"]),
    ],
)
def test_bad_options_exit_1_with_the_valid_choices(tmp_path, site, args, words):
    plan, _ = site
    _refused(cli(*_build(plan, tmp_path / "out"), *args), *words)


def test_jobs_is_capped_at_the_cpus(tmp_path, site):
    from tspolicy.build import _workers, cpu_limit

    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    result = tspolicy(*_build(plan, out, "--jobs", "99999999999999999999"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("--jobs 99999999999999999999 is more than the") == 1, result.stderr
    assert f"building at most {cpu_limit()} page(s) at once" in result.stderr
    assert _workers(10**20, 50) == min(cpu_limit(), 50) and _workers(None, 1) == 1
    text = _refused(tspolicy(*_build(plan, out, "--jobs", "9" * 5000)), "--jobs", "characters")
    assert len(text) < 2_000


def test_a_file_as_output_and_as_failed_folder_are_refused(tmp_path, site):
    plan, _ = site
    (tmp_path / "page.html").write_text("mine", encoding="utf-8")
    _refused(cli(*_build(plan, tmp_path / "page.html")), "is a file")
    (tmp_path / "out.failed").mkdir()
    (tmp_path / "out.failed" / "mine.txt").write_text("mine", encoding="utf-8")
    _refused(cli(*_build(plan, tmp_path / "out")), "out.failed", "not a tspolicy site")
    assert (tmp_path / "out.failed" / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_a_long_bad_value_is_not_echoed_whole(tmp_path):
    plan = _plan(
        tmp_path / "plan",
        [
            {
                "name": "platform_shares",
                "report": "platform_shares",
                "notebook": NOTEBOOKS["timeline"],
                "parameters": {"highlight": "x" * 100_000},
            }
        ],
    )
    text = _refused(cli(*_build(plan, tmp_path / "out")), "highlight", "100,002 characters")
    assert len(text) < 2_000


def test_a_fractional_year_is_refused_before_anything_runs(tmp_path):
    plan = _plan(
        tmp_path / "plan",
        [
            {
                "name": "platform_shares",
                "report": "platform_shares",
                "notebook": NOTEBOOKS["timeline"],
                "parameters": {"year": 2020.0},
            }
        ],
    )
    _refused(cli(*_build(plan, tmp_path / "out")), "'year' = 2020.0 is not a whole number")


# --------------------------------------------------------------------------- the file system


def test_an_unwritable_output_and_a_full_disk_exit_1_and_clean_up(
    tmp_path, site, monkeypatch, capsys
):
    """Root ignores permissions, so the OS errors are injected where the build writes."""
    import errno

    from tspolicy import build as build_module
    from tspolicy.cli import main

    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    before = _hashes(out)
    for code, words in (
        (errno.ENOSPC, ["no space left", "nothing was replaced"]),
        (errno.EACCES, ["Permission denied", "a folder you can write to"]),
        (errno.EROFS, ["Read-only file system"]),
    ):

        def fail(src, dst, *args, _code=code, **kwargs):
            Path(dst).mkdir(parents=True, exist_ok=True)
            (Path(dst) / "half.html").write_text("half", encoding="utf-8")
            raise OSError(_code, os.strerror(_code), str(dst))

        monkeypatch.setattr(build_module.shutil, "copytree", fail)
        assert main(_build(plan, out, "--force")) == 1
        err = capsys.readouterr().err
        assert all(word in err for word in words) and "internal error" not in err, err
        assert _hashes(out) == before
        assert not list(tmp_path.glob(".reports.building-*")), "the staging folder is removed"


def _beside(folder: Path) -> dict[str, str]:
    """``_hashes``, the lock file left out (it is meant to stay)."""
    return {k: v for k, v in _hashes(folder).items() if not k.endswith(".lock")}


def _no_space_left(text: str, out: Path) -> None:
    assert f"no space left on the device holding {out.parent}" in text, text
    for words in ("nothing was replaced", "is whole", "no folder of failed pages was kept"):
        assert words in text, text
    assert "[(" not in text and "Errno" not in text.split("(while")[0], "not shutil's list"


def test_a_full_disk_while_the_site_is_copied_is_one_message(tmp_path, site, monkeypatch, capsys):
    import errno

    from tspolicy.cli import main

    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    _refresh(out)
    before = _beside(tmp_path)

    def full(src, dst, *args, **kwargs):  # as shutil.copytree reports it: a list of strings
        (Path(dst) / "half.html").write_text("half", encoding="utf-8")
        why = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        raise shutil.Error([(f"{src}/en/timeline.html", f"{dst}/en/timeline.html", str(why))])

    monkeypatch.setattr(shutil, "copytree", full)
    assert main(_build(plan, out)) == 1
    _no_space_left(capsys.readouterr().err, out)
    assert _beside(tmp_path) == before, "the site is whole and nothing is left beside it"


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (as root; skipped where mounting is not permitted), always unmounted."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_real_full_disk_while_the_site_is_copied(small_disk, site):
    plan, built = site
    out = small_disk / "reports"
    shutil.copytree(built, out)
    _refresh(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    # Fill the disk but for a few pages: the lock and the marker fit, the site's copy does not.
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"x" * (free.f_bavail * free.f_frsize - 4 * 4096))
    before = _hashes(out)
    text = _refused(tspolicy(*_build(plan, out)))
    _no_space_left(text, out)
    assert _hashes(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [".reports.lock", "filler", "reports"]


def test_a_full_disk_while_a_page_is_written_keeps_no_failed_folder(tmp_path, site):
    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    _tiny(
        plan.parent,
        "import errno, os\nraise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), 'chart.png')",
        name="full",
    )
    full = _plan(tmp_path / "full", [{**TINY, "name": "full", "notebook": "full.ipynb"}])
    shutil.copy(plan.parent / "full.ipynb", full.parent / "full.ipynb")
    before = _beside(tmp_path)
    text = _refused(tspolicy(*_build(full, out)), "en/full")
    _no_space_left(text, out)
    assert _beside(tmp_path) == before and not (tmp_path / "reports.failed").exists()


def test_a_named_pipe_in_the_site_is_left_alone(tmp_path, site):
    import stat

    plan, built = site
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    os.mkfifo(out / "pipe")
    _refresh(out)
    result = tspolicy(*_build(plan, out), timeout=240)  # reading the pipe would hang
    assert result.returncode == 0, result.stderr
    assert f"{out / 'pipe'} is not a regular file" in result.stderr
    assert stat.S_ISFIFO((out / "pipe").lstat().st_mode), "kept, in the new site"


def test_corroborate_csv_cannot_carry_a_formula():
    import pandas as pd

    from tspolicy.csvsafe import safe_frame

    frame = pd.DataFrame(
        {"claim": ["=HYPERLINK(1)", "+cmd|x", "@SUM(A1)", "-x", "ok"], "value": [-3, 1, 2, 3, 4]}
    )
    safe = safe_frame(frame)
    assert safe["claim"].tolist() == ["'=HYPERLINK(1)", "'+cmd|x", "'@SUM(A1)", "'-x", "ok"]
    assert safe["value"].tolist() == [-3, 1, 2, 3, 4], "numbers are left alone"


def test_papermill_reports_a_bad_parameter_in_one_message(tmp_path):
    papermill = Path(sys.executable).with_name("papermill")
    result = subprocess.run(
        [
            str(papermill),
            str(paths.NOTEBOOKS_DIR / NOTEBOOKS["platform_shares"]),
            str(tmp_path / "out.ipynb"),
            "-p",
            "year",
            "1999",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 0
    kernel_part = result.stderr.split("PapermillExecutionError", 1)[1]
    assert "ParameterError: 10_platform_shares.ipynb: parameter 'year' = 1999" in kernel_part
    assert "Traceback" not in kernel_part and "parameters.py" not in kernel_part, kernel_part


# --------------------------------------------------------------------------- review findings


def test_gallery_never_writes_over_a_users_folder(tmp_path):
    mine = tmp_path / "g"
    mine.mkdir()
    (mine / "index.html").write_text("my homepage", encoding="utf-8")
    _refused(cli("gallery", "--out", str(mine)), str(mine), "not a tspolicy site")
    assert (mine / "index.html").read_text(encoding="utf-8") == "my homepage"
    _refused(cli("gallery", "--out", "/"), "file-system root")


def test_an_output_below_a_file_is_refused(tmp_path, site):
    plan, _ = site
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    _refused(cli(*_build(plan, tmp_path / "afile" / "sub")), "afile is a file")


@requires_external
@pytest.mark.parametrize(
    ("file", "edit", "words"),
    [
        ("ncmec_cybertipline_reports_by_platform.csv", "short", ["row 3", "cells"]),
        ("meta_child_endangerment_content_actioned.csv", "quarter", ["quarter", "'N/A'"]),
        ("ncmec_cybertipline_reports_by_platform.csv", "formula", ["platform", "formula"]),
        ("meta_child_endangerment_content_actioned.csv", "blank", ["row 4", "content_actioned"]),
    ],
)
def test_import_context_checks_every_cell_before_writing(tmp_path, data_copy, file, edit, words):
    external = _external_copy(tmp_path)
    rows = read_rows(external / file)
    if edit == "short":
        rows[2] = rows[2][:1]
    elif edit == "quarter":
        rows[1][rows[0].index("quarter")] = "N/A"
    elif edit == "formula":
        rows[1][rows[0].index("platform")] = '=HYPERLINK("http://x.invalid")'
    else:  # a blank line, then a bad value on the line after it (row 4)
        rows[2][rows[0].index("content_actioned")] = "N/A"
        rows.insert(2, [])
    write_rows(external / file, rows)
    before = _hashes(tmp_path)
    args = ("import-context", "--external-dir", str(external), "--data-dir", str(data_copy))
    _refused(cli(*args), file, *words)
    assert _hashes(tmp_path) == before
    typo = tmp_path / "no-such-data"
    _refused(cli("import-context", "--data-dir", str(typo)), "not a data folder")
    assert not typo.exists()


@pytest.mark.parametrize(
    ("top", "entry", "words"),
    [
        ({}, {**TIMELINE, "report": ["a"]}, ["report #1", "is not one of"]),
        ({}, {**TIMELINE, "parameters": {1: 2}}, ["report #1", "is not a name"]),
        ({"languages": ["en", "en"]}, TIMELINE, ["lists en twice"]),
        ({"languages": []}, TIMELINE, ["'languages' is empty"]),
        ({}, {**TIMELINE, "name": "a" * 100}, ["not a slug", "at most 64"]),
    ],
)
def test_plan_structures_that_crashed(tmp_path, top, entry, words):
    plan = _plan(tmp_path / "plan", [entry], **top)
    _refused(cli(*_build(plan, tmp_path / "out")), *words)
    empty = _plan(tmp_path / "empty", [])
    _refused(cli(*_build(empty, tmp_path / "out")), "'reports' is empty")


@pytest.mark.parametrize(
    "breakage",
    ["no schema", "a list", "a string resource", "minimum zero"],
)
def test_a_broken_descriptor_is_named_by_every_command(data_copy, breakage):
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    figures = next(r for r in package["resources"] if r["name"] == "figures")
    if breakage == "no schema":
        del figures["schema"]
    elif breakage == "a list":
        package = [package]
    elif breakage == "a string resource":
        package["resources"].append("figures.csv")
    else:
        value = next(f for f in figures["schema"]["fields"] if f["name"] == "value")
        value["constraints"]["minimum"] = "zero"
    path.write_text(json.dumps(package), encoding="utf-8")
    for command in ("validate", "corroborate"):
        _refused(cli(command, "--data-dir", str(data_copy)), "datapackage.json")


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("figures", "value", "٢٠"),
        ("figures", "value", "1_000"),
        ("sources", "published", "2024-W26-1"),
    ],
)
def test_values_python_reads_but_the_data_does_not_are_refused(data_copy, table, column, value):
    row_id = read_rows(data_copy / f"{table}.csv")[1][0]
    _set(data_copy, table, row_id, column, value)
    for command in ("validate", "gallery" if table == "sources" else "corroborate"):
        _refused(cli(command, "--data-dir", str(data_copy)), f"{table}.csv", column)


def test_a_huge_only_name_is_not_echoed(tmp_path, site):
    plan, _ = site
    text = _refused(cli(*_build(plan, tmp_path / "out"), "--only", "x" * 100_000))
    assert len(text) < 2_000


def test_a_closed_pipe_is_not_an_error():
    reader = subprocess.Popen(
        ["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    writer = subprocess.run(
        [sys.executable, "-m", "tspolicy", "corroborate", "--format", "csv"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    reader.stdin.close()
    reader.wait()
    assert writer.returncode == 0 and "Broken pipe" not in writer.stderr


def test_ncmec_year_is_checked_against_the_data_in_use(tmp_path, data_copy):
    path = data_copy / "context" / "ncmec_reports_by_platform.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0], *(r for r in rows[1:] if r[0] != "2022")])
    entry = {
        "name": "content_counts",
        "report": "content_counts",
        "notebook": NOTEBOOKS["timeline"],
        "parameters": {"ncmec_year": 2022},
    }
    plan = _plan(tmp_path / "plan", [entry])
    args = (*_build(plan, tmp_path / "out"), "--data-dir", str(data_copy))
    _refused(cli(*args), "'ncmec_year' = 2022 is not allowed")
