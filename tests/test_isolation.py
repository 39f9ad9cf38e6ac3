"""Warm kernels (tspolicy.kernels) are as isolated as fresh ones: same pages, no leaks."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tspolicy import kernels, paths
from tspolicy.build import build

TIMELINE = paths.NOTEBOOKS_DIR / "50_timeline.ipynb"

#: What a page may leave behind in its kernel: a global, rcParams, a monkeypatched tspolicy
#: function (one the timeline page uses), an open figure, and a patched pandas option.
POLLUTE = """
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import tspolicy.i18n
LEAKED = "from the page before"
matplotlib.rcParams["lines.linewidth"] = 9.5
matplotlib.rcParams["font.size"] = 3
tspolicy.i18n.t = lambda *args, **kwargs: "PATCHED"
pd.set_option("display.max_rows", 2)
plt.figure()
"""
#: What the next page checks first (before it draws anything).
PROBE = """
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import tspolicy.i18n
assert "LEAKED" not in globals(), "a global of the page before"
assert matplotlib.rcParams["lines.linewidth"] != 9.5, "rcParams of the page before"
assert tspolicy.i18n.t.__name__ == "t", "a function the page before patched"
assert pd.get_option("display.max_rows") != 2, "a pandas option of the page before"
assert plt.get_fignums() == [], "a figure the page before left open"
assert not any("LEAKED" in cell for cell in In[:-1]), "the history of the page before"
assert get_ipython().execution_count < 5, "the execution count goes on from the page before"
import sys
assert sys.modules.get("rfc3987_syntax", "absent") is not None, "an import the build skips"
"""


def _notebook(folder: Path, name: str, before: str = "", after: str = "") -> str:
    """The timeline notebook with a cell added after its first code cell and at its end."""
    nb = nbformat.read(TIMELINE, as_version=4)
    first = next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    if before:
        nb.cells.insert(first, nbformat.v4.new_code_cell(before))
    if after:
        nb.cells.append(nbformat.v4.new_code_cell(after))
    nbformat.write(nb, folder / f"{name}.ipynb")
    return f"{name}.ipynb"


def _plan(folder: Path, notebooks: list[tuple[str, str]]) -> Path:
    plan = folder / "reports.yml"
    entries = [{"name": name, "report": "timeline", "notebook": nb} for name, nb in notebooks]
    plan.write_text(yaml.safe_dump({"languages": ["en"], "reports": entries}), encoding="utf-8")
    return plan


def _files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.mark.slow
def test_a_warm_site_equals_a_site_built_on_fresh_kernels(built_site, tmp_path):
    """The session's site is built on warm kernels (the default): byte for byte the same.
    Also the test that two builds (other processes, another folder) give the same bytes."""
    fresh = tmp_path / "reports"
    result = build(out=fresh, figures_dir=None, progress=False, fresh_kernels=True)
    assert not result.failed, [r.error for r in result.failed]
    warm, cold = _files(built_site), _files(fresh)
    assert sorted(warm) == sorted(cold)
    different = [name for name in warm if warm[name] != cold[name]]
    assert different == [], different


@pytest.mark.slow
def test_a_page_leaves_nothing_to_the_next_page_on_its_worker(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    polluter = _notebook(folder, "polluter", after=POLLUTE)
    probe = _notebook(folder, "probe", before=PROBE)
    both = _notebook(folder, "both", after=POLLUTE + PROBE)
    plan = _plan(folder, [("polluter", polluter), ("probe", probe), ("both", both)])
    result = build(plan_path=plan, out=tmp_path / "site", figures_dir=None, progress=False, jobs=1)
    status = {r.job.name: (r.ok, r.error) for r in result.results}
    # The probe detects a polluted kernel: in one notebook, it fails.
    assert not status["both"][0] and "AssertionError" in status["both"][1], status
    assert status["polluter"][0] and status["probe"][0], status
    html = (result.out / "en" / "probe.html").read_text(encoding="utf-8")
    assert "PATCHED" not in html


@pytest.mark.slow
def test_a_page_that_kills_or_hangs_its_kernel_costs_only_that_page(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    crash = _notebook(folder, "crash", after="import os, signal\nos.kill(os.getpid(), 9)")
    hang = _notebook(folder, "hang", after="import time\ntime.sleep(3600)")
    plan = _plan(
        folder,
        [("crash", crash), ("hang", hang), ("after", _notebook(folder, "after", before=PROBE))],
    )
    result = build(
        plan_path=plan,
        out=tmp_path / "site",
        figures_dir=None,
        progress=False,
        jobs=1,
        cell_timeout=10,  # a timeline cell takes under 2 s on the 2-core machine
    )
    status = {r.job.name: (r.ok, r.error) for r in result.results}
    assert not status["crash"][0] and "DeadKernelError" in status["crash"][1], status
    assert not status["hang"][0] and "CellTimeoutError" in status["hang"][1], status
    assert "after 10 seconds" in status["hang"][1], status
    assert status["after"][0], status


def _forked_timeline(tmp_path: Path):
    from tspolicy.build import read_plan
    from tspolicy.page import build_page
    from tspolicy.site import Stamp

    job = read_plan().jobs(["timeline"], ["en"])[0]
    return lambda: build_page(job, tmp_path / "site", None, False, Stamp.of(None), ["en"])


@pytest.mark.slow
def test_a_kernel_that_does_not_start_is_started_once_more(tmp_path, monkeypatch, capfd):
    """The first kernel dies before it answers (as a start timeout under load fails): the
    page starts another and builds; a page whose every start fails reports it."""
    real_fork = kernels.Zygote.fork
    starts: list[int] = []

    def fork(self, *args, **kwargs):
        starts.append(1)
        if len(starts) == 1:
            gone = subprocess.Popen([sys.executable, "-c", "pass"])
            gone.wait()
            return gone.pid  # a kernel that is dead before it answers
        return real_fork(self, *args, **kwargs)

    monkeypatch.setattr(kernels.Zygote, "fork", fork)
    try:
        result = _forked_timeline(tmp_path)()
        assert result.ok, result.error
        assert len(starts) == 2
        assert "the kernel did not start" in capfd.readouterr().err

        def never(self, *args, **kwargs):
            starts.append(1)
            gone = subprocess.Popen([sys.executable, "-c", "pass"])
            gone.wait()
            return gone.pid

        monkeypatch.setattr(kernels.Zygote, "fork", never)
        starts.clear()
        result = _forked_timeline(tmp_path)()
        assert not result.ok and "RuntimeError" in result.error and len(starts) == 2
    finally:
        kernels.stop()


@pytest.mark.slow
def test_a_dead_zygote_is_replaced(tmp_path):
    try:
        first = kernels.start()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        result = _forked_timeline(tmp_path)()
        assert result.ok, result.error
        assert kernels.start() is not first and kernels.start().alive()
        zygote = kernels.start().process
    finally:
        kernels.stop()
    assert zygote.poll() is not None, "stop() ends the zygote"
