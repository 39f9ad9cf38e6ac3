"""`tspolicy build`: run the plan's notebooks with papermill and write the site and figures.

The plan (``notebooks/reports.yml``) lists report pages × languages. A page is rebuilt only
when its key (:mod:`tspolicy.cache`: notebook, parameters, the data it reads, package code,
locked environment) differs from the one stored with the site; with nothing to rebuild, the
build reads the plan, hashes, and exits, without loading pandas or matplotlib. Otherwise
every parameter set is checked against the data before anything runs, and each page to
rebuild is executed with papermill in a worker process (``--jobs``), cleaned of run-to-run
noise, and rendered by :mod:`tspolicy.site` with one HTML exporter per worker.

This module orchestrates; :mod:`tspolicy.plan` reads and checks the plan,
:mod:`tspolicy.page` builds one page, :mod:`tspolicy.workers` runs the worker processes.

Nothing the user had is lost: the new site is written to a hidden folder beside the output
(the build's own files only) and swapped in only when every page built; every file of the
site the build did not write — one saved there while it ran included — moves into the new
site at the swap. A page that fails is reported with its notebook, cell and error; the
other pages still build, into ``<out>.failed/`` for inspection, while the previous site
stays as it was. A full disk is one message, and keeps no folder of failed pages. An
interrupted build (Ctrl-C, SIGTERM, or a kill) never touches the previous site or its cache,
and leaves no kernel connection file behind.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, output, paths
from .page import Result, build_page, write_page
from .plan import PLAN, Job, Plan, PlanError, load_plan, parse_shard, read_plan, validate_plan
from .workers import RUNTIME_DIR, _pool_run, _workers, cap_jobs, cpu_limit

# Names other modules and tests import from here.
__all__ = [
    "PLAN",
    "BuildReport",
    "Job",
    "Plan",
    "PlanError",
    "Result",
    "_workers",
    "build",
    "build_page",
    "cap_jobs",
    "cpu_limit",
    "load_plan",
    "parse_shard",
    "read_plan",
    "validate_plan",
    "write_figures",
    "write_page",
]

#: Seconds a notebook cell may run, by default, before its page fails: far more than any
#: report's cell takes (a few seconds), so only a cell that hangs reaches it.
CELL_TIMEOUT = 600.0
#: Where the figures go inside the site when the data are not the repository's own.
SITE_FIGURES = "figures"


@dataclass
class BuildReport:
    """The outcome of a build."""

    out: Path
    results: list[Result]
    figures: list[Path]
    seconds: float
    reasons: dict[str, str] = field(default_factory=dict)  # page → why (re)built or up to date
    #: Files in ``<out>.failed/`` that no build wrote (a user's): kept there.
    kept: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Result]:
        """Pages that did not build."""
        return [r for r in self.results if not r.ok]

    @property
    def rebuilt(self) -> list[str]:
        """Pages that were executed in this build."""
        return [r.job.key for r in self.results]


def _swap(new: Path, out: Path, ours: set[str]) -> list[str]:
    """Put the new site in place of the old; return the files carried over from the old.

    Every file of the old site that the build neither wrote nor owned (``ours``) — a user's
    note, or a file saved into the site while the build ran — moves into the new site
    before the old is removed (:func:`tspolicy.output.retire`).
    """
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    new.rename(out)
    return output.retire(old, out, ours) if old.exists() else []


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: clean up, keep the previous site, exit 130."""


def _on_sigterm(signum, frame):  # exercised through a subprocess test
    raise _Terminated()


def write_figures(
    kinds: Sequence[str], directory: Path, data_dir: str | Path | None = None
) -> list[Path]:
    """Write the English charts papers embed (SVG and PNG), atomically, file by file."""
    from .charts import make, save

    written: list[Path] = []
    for kind in kinds:
        written += save(make(kind, lang="en", data_dir=data_dir), directory, stem=kind)
    return written


def _side_keys(plan: Plan, data_dir, code: str, environment: str) -> dict[str, str]:
    """Keys of what is not a page: the index (plan, data, code, and the dataset version
    every page prints: a change to any data file restamps the site) and the figures."""
    from .site import dataset_version

    every_table = cache.data_view("overview", data_dir)
    index = {
        "entries": plan.entries,
        "languages": plan.languages,
        "data": every_table,
        "version": dataset_version(data_dir),
        "code": code,
    }
    figures = {"kinds": plan.figures, "data": every_table, "code": code, "environment": environment}
    return {name: cache.key(parts) for name, parts in (("index", index), ("figures", figures))}


def build(
    *,
    plan_path: str | Path = PLAN,
    out: str | Path = paths.REPORTS_DIR,
    only: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    shard: tuple[int, int] | None = None,
    jobs: int | None = None,
    force: bool = False,
    include_code: bool = False,
    data_dir: str | Path | None = None,
    figures_dir: str | Path | None = paths.FIGURES_DIR,
    progress: bool = True,
    wait: bool = True,
    fresh_kernels: bool = False,
    cell_timeout: float | None = CELL_TIMEOUT,
) -> BuildReport:
    """Build what changed in the site described by the plan.

    Parameters
    ----------
    plan_path
        The plan file (default ``notebooks/reports.yml``).
    out
        The site folder (default ``reports/``); replaced only when every page built. Its
        ``.cache/`` holds the keys of the pages it contains.
    only, langs
        Restrict to these page names and languages; the rest of the site is kept.
    shard
        ``(i, n)``: build shard ``i`` of ``n`` of the plan's pages (pages only: no index and
        no figures; see the README for merging shards).
    jobs
        Pages built at once (default, and at most: the CPUs the build may use).
    force
        Rebuild every selected page, whatever the cache says.
    include_code
        Show the notebooks' code in the pages.
    data_dir
        Data folder (default ``data/``).
    figures_dir
        Where the English figures are written (None: not written).
    progress
        Show a progress bar.
    fresh_kernels
        Start every page's kernel as a new Python process, as papermill alone does, instead
        of forking it from a worker's pre-imported zygote (:mod:`tspolicy.kernels`); the pages
        are the same either way: this is for debugging.
    cell_timeout
        Seconds a notebook cell may run before its page fails (its kernel is killed, the
        other pages build); None: no limit.
    wait
        When another build is writing ``out``: wait for it (default), or raise
        :class:`~tspolicy.output.BuildLocked`.

    Raises
    ------
    tspolicy.errors.TspolicyError
        For a bad plan or data, and an output folder the build must not replace
        (:func:`tspolicy.output.check_output`).
    """
    started = time.monotonic()
    out = Path(out).resolve()
    # The notebooks run in their own folder: a relative data folder must not change meaning.
    data_dir = None if data_dir is None else Path(data_dir).resolve()
    jobs = cap_jobs(jobs)
    plan = read_plan(plan_path)
    selected = plan.jobs(only, langs, shard)
    if not selected:
        where = f" shard {shard[0]}/{shard[1]}" if shard else ""
        raise PlanError(
            f"{plan.path}: nothing to build in language(s) {', '.join(langs or [])}{where}; "
            f"the plan's languages are {', '.join(plan.languages)}"
        )
    output.check_output(out)
    with output.locked(out, wait=wait):
        output.recover(out)
        return _build_locked(
            plan=plan,
            selected=selected,
            out=out,
            partial=bool(only or langs or shard),
            shard=shard,
            jobs=jobs,
            force=force,
            include_code=include_code,
            data_dir=data_dir,
            figures_dir=figures_dir,
            progress=progress,
            started=started,
            warm=not fresh_kernels,
            cell_timeout=cell_timeout,
        )


def _own_data(data_dir: str | Path | None) -> bool:
    """True when ``data_dir`` is the repository's own data folder."""
    return data_dir is None or Path(data_dir).resolve() == paths.DATA_DIR.resolve()


def _build_locked(
    *,
    plan: Plan,
    selected: list[Job],
    out: Path,
    partial: bool,
    shard,
    jobs,
    force,
    include_code,
    data_dir,
    figures_dir,
    progress,
    started,
    warm=True,
    cell_timeout=None,
) -> BuildReport:
    """The build, once the output is checked and locked (see :func:`build`)."""
    code, environment = cache.code_hash(), cache.environment_hash()
    # The data folder's path is not part of a key: the data's content is (cache.data_view).
    options = {"include_code": include_code}
    parts = {
        job.key: cache.components(
            notebook=job.notebook,
            name=job.name,
            report=job.report,
            lang=job.lang,
            parameters=job.parameters,
            options=options,
            data_dir=data_dir,
            code=code,
            environment=environment,
        )
        for job in selected
    }
    reasons = {
        job.key: cache.explain(
            cache.read_key(out, job.lang, job.name),
            parts[job.key],
            (out / f"{job.key}.html").is_file(),
            force,
        )
        for job in selected
    }
    todo = [job for job in selected if reasons[job.key] != "up to date"]
    # The committed figures/ are drawn from the repository's data only: with another data
    # folder, the figures go into the site (<out>/figures/), swapped in with the pages.
    figures_in_site = (
        figures_dir is not None
        and not _own_data(data_dir)
        and Path(figures_dir).resolve() == paths.FIGURES_DIR.resolve()
    )
    shown_figures = out / SITE_FIGURES if figures_in_site else figures_dir
    side = _side_keys(plan, data_dir, code, environment)
    stored = _read_side(out)
    write_index = not shard and (
        stored.get("index") != side["index"] or not (out / "index.html").is_file() or bool(todo)
    )
    write_figs = (
        bool(figures_dir)
        and not shard
        and (
            force
            or stored.get("figures") != side["figures"]
            or not all(
                (Path(shown_figures) / f"{kind}.{ext}").is_file()
                for kind in plan.figures
                for ext in ("svg", "png")
            )
        )
    )
    if not todo and not write_index and not write_figs:
        return BuildReport(out, [], [], time.monotonic() - started, reasons)

    validate_plan(plan, data_dir)
    import nbformat

    from .site import Stamp, render_index

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = output.staging_dir(out)
    owned = output.owned_files(out) if out.is_dir() else set()
    written: set[str] = set()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        staging.mkdir()
        # The marker first: the staging folder is the build's own before it holds anything
        # (a kernel connection file included), so recovery can always remove it.
        output.write_marker(staging, owned)
        if out.exists():  # the build's files (up-to-date pages are kept); a user's stay put
            for special in output.copy_owned(out, staging, owned):
                print(
                    f"tspolicy: {special} is not a regular file (a named pipe, socket or "
                    "device): left where it is, never read",
                    file=sys.stderr,
                )
        if not partial:  # pages no longer in the plan leave the site (only the build's own)
            wanted = {f"{job.key}.{ext}" for job in selected for ext in ("html", "ipynb")}
            for page in sorted(owned):
                parts_of = page.split("/")
                if len(parts_of) == 2 and page.endswith((".html", ".ipynb")) and page not in wanted:
                    (staging / page).unlink(missing_ok=True)
                    stem = page.rsplit(".", 1)[0]
                    (staging / cache.CACHE_DIR / f"{stem}.json").unlink(missing_ok=True)
        stamp = Stamp.of(data_dir)  # one data version, printed alike on every page
        results = (
            _pool_run(
                todo,
                staging,
                str(data_dir) if data_dir else None,
                include_code,
                stamp,
                plan.languages,
                jobs,
                progress,
                warm,
                cell_timeout,
            )
            if todo
            else []
        )
        shutil.rmtree(staging / RUNTIME_DIR, ignore_errors=True)
        order = {job.key: i for i, job in enumerate(selected)}
        results.sort(key=lambda r: order[r.job.key])
        full = [r for r in results if r.no_space]
        if full:  # a folder of failed pages would fill the disk further: none is kept
            _clear_failed_quietly(out)
            raise output.no_space(out, f"while building {full[0].job.key}: {full[0].error}")
        if any(not r.ok for r in results):
            failed, kept = _keep_failed(staging, out)
            return BuildReport(failed, results, [], time.monotonic() - started, reasons, kept)
        for result in results:
            cache.write_key(staging, result.job.lang, result.job.name, parts[result.job.key])
            written |= {
                f"{result.job.key}.html",
                f"{result.job.key}.ipynb",
                cache.key_path(Path(), result.job.lang, result.job.name).as_posix(),
            }
        shutil.rmtree(staging / ".logs", ignore_errors=True)
        if stored.get("version") != stamp.version and not shard:
            # The pages that did not need to run again print the new data version too.
            rebuilt = {r.job.key for r in results}
            for job in plan.jobs():
                executed = staging / f"{job.key}.ipynb"
                if job.key not in rebuilt and executed.is_file():
                    nb = nbformat.read(executed, as_version=4)
                    write_page(job, staging, nb, stamp, plan.languages, include_code)
                    written.add(f"{job.key}.html")
        side["version"] = stamp.version
        if write_index:
            page = render_index(plan.entries, plan.languages, stamp, plan.path.parent)
            (staging / "index.html").write_text(page, encoding="utf-8")
            written.add("index.html")
        figures: list[Path] = []
        if write_figs:
            target = staging / SITE_FIGURES if figures_in_site else Path(figures_dir)
            figures = write_figures(plan.figures, target, data_dir)
            if figures_in_site:
                written |= {f"{SITE_FIGURES}/{p.name}" for p in figures}
                figures = [out / SITE_FIGURES / p.name for p in figures]
        if not shard:
            _write_side(staging, side)
            written.add(f"{cache.CACHE_DIR}/site.json")
        present = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
        output.write_marker(staging, present & (owned | written))
        _swap(staging, out, owned | written)
        kept = output.clear_failed(out)  # the failed pages go; a user's files there stay
        return BuildReport(out, results, figures, time.monotonic() - started, reasons, kept)
    except shutil.Error as exc:  # copying the site: one message, not shutil's list
        failure = output.copy_failure(exc, out)
        if isinstance(failure, output.NoSpace):
            _clear_failed_quietly(out)
        raise failure from None
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        _clear_failed_quietly(out)
        raise output.no_space(out, f"writing {exc.filename}" if exc.filename else "") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        _remove(staging)


def _clear_failed_quietly(out: Path) -> None:
    """On a full disk: free what earlier failed builds kept (a user's files stay)."""
    with contextlib.suppress(OSError):
        output.clear_failed(out)


def _remove(folder: Path) -> None:
    """Remove a staging folder whole (again, if a dying worker wrote into it meanwhile)."""
    for _ in range(3):
        if not folder.exists():
            return
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            time.sleep(0.2)


def _keep_failed(staging: Path, out: Path) -> tuple[Path, list[str]]:
    """Keep the pages of a failed build in ``<out>.failed/``; return it and the files a user
    had put there (kept, beside the new pages)."""
    failed = output.failed_dir(out)
    kept = output.clear_failed(out)  # what earlier builds wrote there goes, a user's stays
    shutil.rmtree(staging / RUNTIME_DIR, ignore_errors=True)
    present = output.entries(staging) - {output.MARKER}
    if not failed.exists():
        output.write_marker(staging, present)
        staging.rename(failed)
        return failed, []
    # The user's files stay where they are; the new pages move in beside them (a page the
    # user has a file of that name for is not moved).
    output.write_marker(failed, present - set(kept))
    output.carry_over(staging, failed, set())
    return failed, kept


def _read_side(out: Path) -> dict[str, str]:
    try:
        return json.loads((out / cache.CACHE_DIR / "site.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_side(staging: Path, side: dict[str, str]) -> None:
    path = staging / cache.CACHE_DIR / "site.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(side, sort_keys=True, indent=1) + "\n", encoding="utf-8")
