"""`tspolicy build`: run the plan's notebooks with papermill and write the site and figures.

The plan (``notebooks/reports.yml``) lists report pages × languages. A page is rebuilt only
when its key (:mod:`tspolicy.cache`: notebook, parameters, the data it reads, package code,
locked environment) differs from the one stored with the site; with nothing to rebuild, the
build reads the plan, hashes, and exits, without loading pandas or matplotlib. Otherwise
every parameter set is checked against the data before anything runs, and each page to
rebuild is executed with papermill in a worker process (``--jobs``), cleaned of run-to-run
noise, and rendered by :mod:`tspolicy.site` with one HTML exporter per worker.

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

import concurrent.futures as cf
import contextlib
import errno
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import cache, output, paths
from .errors import TspolicyError, echo
from .i18n import LANGUAGES

if TYPE_CHECKING:
    from .site import Stamp

PLAN = paths.NOTEBOOKS_DIR / "reports.yml"
#: Where the figures go inside the site when the data are not the repository's own.
SITE_FIGURES = "figures"
#: A page name: it names files, so it may not hold a path.
SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_NAME = 64
#: Jupyter's runtime folder (kernel connection files) inside the staging folder, so that
#: an interrupted build leaves none behind.
RUNTIME_DIR = output.RUNTIME_DIR


class PlanError(TspolicyError, ValueError):
    """The plan file is unreadable, or one of its entries is invalid."""


@dataclass(frozen=True)
class Job:
    """One page to build: a report entry of the plan in one language."""

    name: str
    report: str
    notebook: Path
    lang: str
    parameters: dict[str, Any]

    @property
    def key(self) -> str:
        """``<lang>/<name>``, the page's place in the site."""
        return f"{self.lang}/{self.name}"


@dataclass
class Result:
    """What building one page gave: success, or where and how it failed, and its timings."""

    job: Job
    ok: bool
    seconds: float
    error: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    #: The page failed because the disk is full (no failed folder is kept then).
    no_space: bool = False


def _no_space(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it, or the kernel's error it reports) is ENOSPC."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if f"[Errno {errno.ENOSPC}]" in str(getattr(exc, "evalue", "") or ""):
            return True  # papermill: the notebook's own write hit the full disk
        exc = exc.__cause__ or exc.__context__
    return False


@dataclass
class Plan:
    """The parsed plan: its pages, languages, and the figures to write."""

    path: Path
    languages: list[str]
    figures: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def jobs(
        self,
        only: Sequence[str] | None = None,
        langs: Sequence[str] | None = None,
        shard: tuple[int, int] | None = None,
    ) -> list[Job]:
        """The pages to build, restricted to some names, languages, or one shard ``(i, n)``.

        Shard ``i`` of ``n`` takes every ``n``-th page of the plan (from the ``i``-th), in
        the plan's order, so the ``n`` shards cover the plan exactly once.
        """
        names = [e["name"] for e in self.entries]
        unknown = [name for name in only or () if name not in names]
        if unknown:
            raise PlanError(
                f"--only {echo(' '.join(unknown))}: no such page in {self.path.name}; "
                f"the pages are: {', '.join(names)}"
            )
        chosen = [e for e in self.entries if not only or e["name"] in only]
        languages = [lang for lang in self.languages if not langs or lang in langs]
        jobs = [
            Job(
                e["name"],
                e["report"],
                self.path.parent / e["notebook"],
                lang,
                {**e["parameters"], "language": lang},
            )
            for e in chosen
            for lang in languages
        ]
        if shard is not None:
            index, count = shard
            jobs = [job for position, job in enumerate(jobs) if position % count == index - 1]
        return jobs


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``i/n`` (1 ≤ i ≤ n), as given to ``--shard``."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise PlanError(f"--shard {text!r}: write i/n, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise PlanError(f"--shard {text!r}: i must be between 1 and n")
    return index, count


def read_plan(path: str | Path = PLAN) -> Plan:
    """Read the plan and check its structure (names, reports, notebooks, languages).

    Cheap: the data are not loaded; :func:`validate_plan` checks the parameter values.

    Raises
    ------
    PlanError
        Naming the plan file, the entry and what is wrong.
    """
    from .registry import load

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: plan file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise PlanError(f"{path}: expected a mapping with a 'reports' list")
    languages = raw.get("languages", list(LANGUAGES))
    # Default: every chart kind the plan's reports show (their registry entries).
    figures = raw.get("figures", None)
    if figures is None:
        shown = load(path.parent.resolve())
        figures = list(dict.fromkeys(k for e in raw["reports"] for k in _charts_of(e, shown)))
    for key, value, known in (("languages", languages, LANGUAGES), ("figures", figures, None)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PlanError(
                f"{path}: '{key}' must be a list of names, e.g. "
                f"{key}: [{', '.join(known or ['timeline'])}]; found {echo(value)}"
            )
    bad = [lang for lang in languages if lang not in LANGUAGES]
    if bad:
        raise PlanError(f"{path}: language {echo(bad[0])} is not one of {', '.join(LANGUAGES)}")
    twice = sorted({lang for lang in languages if languages.count(lang) > 1})
    if twice or not languages:
        raise PlanError(
            f"{path}: 'languages' lists {twice[0]} twice; name each language once"
            if twice
            else f"{path}: 'languages' is empty; name at least one of {', '.join(LANGUAGES)}"
        )
    if not raw["reports"]:
        raise PlanError(f"{path}: 'reports' is empty; list at least one report page")
    folder = path.parent.resolve()
    reports = load(folder)  # the registry beside the plan, else the repository's
    seen: set[str] = set()
    for i, entry in enumerate(raw["reports"], start=1):
        where = f"{path}: report #{i}"
        if not isinstance(entry, dict):
            raise PlanError(
                f"{where}: expected a mapping with name, report, notebook (and parameters); "
                f"found {echo(entry)}"
            )
        if entry.get("report") in reports:  # the notebook is the registry's, unless named
            entry.setdefault("notebook", reports[entry["report"]].notebook.name)
        missing = [k for k in ("name", "report", "notebook") if k not in entry]
        if missing:
            raise PlanError(f"{where}: missing '{missing[0]}'")
        name, notebook = entry["name"], entry["notebook"]
        if not isinstance(name, str) or not SLUG.fullmatch(name) or len(name) > MAX_NAME:
            raise PlanError(
                f"{where}: name {echo(name)} is not a slug: use lower-case letters, digits, "
                f"'-' and '_', at most {MAX_NAME} characters (it names the page's files), "
                "e.g. platform_shares"
            )
        if name in seen:
            raise PlanError(f"{where}: name '{name}' is used twice")
        seen.add(name)
        if not isinstance(entry["report"], str) or entry["report"] not in reports:
            raise PlanError(
                f"{where}: report {echo(entry['report'])} is not one of "
                f"{', '.join(reports.names)} (the reports of {reports.path})"
            )
        resolved = (folder / str(notebook)).resolve()
        if not isinstance(notebook, str) or not resolved.is_relative_to(folder):
            raise PlanError(
                f"{where}: notebook {echo(notebook)} is not in the plan's folder {folder}; "
                "name a notebook beside the plan, e.g. 50_timeline.ipynb"
            )
        if resolved.suffix != ".ipynb" or not resolved.is_file():
            raise PlanError(f"{where}: notebook {echo(notebook)} not found in {folder}")
        entry["parameters"] = entry.get("parameters") or {}
        if not isinstance(entry["parameters"], dict):
            raise PlanError(
                f"{where} ({name}): parameters must be a mapping of names to values, "
                f"e.g. parameters: {{year: 2020}}; found {echo(entry['parameters'])}"
            )
        keys = [k for k in entry["parameters"] if not isinstance(k, str)]
        if keys:
            raise PlanError(
                f"{where} ({name}): parameter name {echo(keys[0])} is not a name; "
                "write names such as year or highlight"
            )
        if "language" in entry["parameters"]:
            raise PlanError(f"{where}: set languages at the top of the plan, not as a parameter")
        if "data_dir" in entry["parameters"]:
            raise PlanError(
                f"{where}: data_dir is not a plan parameter; choose the data folder with "
                "`tspolicy build --data-dir DIR`"
            )
    return Plan(path, list(languages), list(figures), raw["reports"])


def _charts_of(entry: Any, reports: Any) -> tuple[str, ...]:
    """The chart kinds of a plan entry's report (none for an entry the checks will refuse)."""
    name = entry.get("report") if isinstance(entry, dict) else None
    return reports[name].charts if isinstance(name, str) and name in reports else ()


def validate_plan(plan: Plan, data_dir: str | Path | None = None) -> None:
    """Check every entry's parameters against the data: names and values, strictly."""
    from .charts import KINDS
    from .data import load_dataset
    from .parameters import ParameterError, check
    from .registry import load, validate

    reports = validate(load(plan.path.parent))  # what entries name: charts, topics, series
    bad = [kind for kind in plan.figures if kind not in KINDS]
    if bad:
        raise PlanError(f"{plan.path}: figure '{bad[0]}' is not one of {', '.join(KINDS)}")
    dataset = load_dataset(data_dir)
    validate(reports, dataset)  # and the metrics they read
    for i, entry in enumerate(plan.entries, start=1):
        given = {**entry["parameters"], "data_dir": str(data_dir) if data_dir else None}
        try:
            check(entry["report"], given, dataset, reports)
        except ParameterError as exc:
            raise PlanError(f"{plan.path}: report #{i} ({entry['name']}): {exc}") from None


def load_plan(path: str | Path = PLAN, data_dir: str | Path | None = None) -> Plan:
    """Read the plan and check it entirely, parameter values included."""
    plan = read_plan(path)
    validate_plan(plan, data_dir)
    return plan


# --------------------------------------------------------------------------- one page


def _parameters_cell(notebook: Path) -> int:
    """Index of the cell tagged ``parameters`` (papermill injects its values after it)."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    tags = [c.get("metadata", {}).get("tags", []) for c in cells]
    tagged = [i for i, t in enumerate(tags) if "parameters" in t]
    return tagged[0] if tagged else -1


def _timings(nb, total: float) -> dict[str, float]:
    """Split papermill's run into kernel start, imports (the first cell after the
    parameters: ``report.start``), and the rest of the execution, from its cell timings."""
    durations = [
        float(c.metadata.get("papermill", {}).get("duration") or 0.0)
        for c in nb.cells
        if c.cell_type == "code"
        and "parameters" not in c.metadata.get("tags", [])
        and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    imports = durations[0] if durations else 0.0
    execution = sum(durations[1:])
    return {
        "kernel": max(total - imports - execution, 0.0),
        "imports": imports,
        "execution": execution,
    }


def build_page(
    job: Job,
    out: Path,
    data_dir: str | None,
    include_code: bool,
    stamp: Stamp,
    languages: Sequence[str],
) -> Result:
    """Execute one notebook and write its executed copy and HTML page under ``out``.

    Runs in a worker process; never raises: a failure is returned with its notebook, cell
    and error. The kernel's output goes to ``out/.logs/<lang>-<name>.log``, whole.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .site import clean_notebook

    start = time.monotonic()
    target = out / job.lang
    target.mkdir(parents=True, exist_ok=True)
    executed = target / f"{job.name}.ipynb"
    parameters = dict(job.parameters)
    if data_dir:
        parameters["data_dir"] = str(data_dir)
    log = out / ".logs" / f"{job.lang}-{job.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    saved_stderr = os.dup(2)
    with log.open("wb") as handle:
        os.dup2(handle.fileno(), 2)
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(job.notebook.parent),
        )
    except PapermillExecutionError as exc:
        # papermill counts its injected parameters cell; name the cell as the notebook has it
        injected = exc.cell_index > _parameters_cell(job.notebook)
        first_line = (exc.source or "").strip().splitlines()[0][:80] if exc.source else ""
        number = exc.cell_index + (0 if injected else 1)
        where = f"{job.notebook.name}, cell {number} ({first_line})"
        error = f"{where}: {exc.ename}: {exc.evalue}"
        return Result(job, False, time.monotonic() - start, error, no_space=_no_space(exc))
    except Exception as exc:  # a kernel that died, a notebook that does not parse
        error = f"{job.notebook.name}: {type(exc).__name__}: {exc} (log: {log.name})"
        return Result(job, False, time.monotonic() - start, error, no_space=_no_space(exc))
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    executed_at = time.monotonic()
    try:
        nb = nbformat.read(executed, as_version=4)
        timings = _timings(nb, executed_at - start)
        nb = clean_notebook(nb, job.parameters)
        nbformat.write(nb, executed)
        write_page(job, out, nb, stamp, languages, include_code)
    except Exception as exc:  # the export must not take the build down either
        error = f"{job.notebook.name}: exporting to HTML failed: {type(exc).__name__}: {exc}"
        return Result(job, False, time.monotonic() - start, error, no_space=_no_space(exc))
    timings["export"] = time.monotonic() - executed_at
    return Result(job, True, time.monotonic() - start, timings=timings)


def write_page(
    job: Job,
    out: Path,
    nb: Any,
    stamp: Stamp,
    languages: Sequence[str],
    include_code: bool,
) -> None:
    """Write a page's HTML from its executed notebook (also for a page that did not need to
    run again but whose site-wide data version changed)."""
    from .site import render_report

    page = render_report(
        nb,
        name=job.name,
        report=job.report,
        notebook=job.notebook.name,
        folder=job.notebook.parent,
        lang=job.lang,
        parameters=job.parameters,
        stamp=stamp,
        languages=languages,
        include_code=include_code,
    )
    (out / job.lang / f"{job.name}.html").write_text(page, encoding="utf-8")


# --------------------------------------------------------------------------- the site


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
    """Keys of what is not a page: the index (plan, data, code) and the figures."""
    every_table = cache.data_view("overview", data_dir)
    index = {
        "entries": plan.entries,
        "languages": plan.languages,
        "data": every_table,
        "code": code,
    }
    figures = {"kinds": plan.figures, "data": every_table, "code": code, "environment": environment}
    return {name: cache.key(parts) for name, parts in (("index", index), ("figures", figures))}


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_init(parent: int, runtime_dir: str) -> None:
    """Set up a worker: it dies with the build, and its kernels' connection files (which hold
    the kernels' keys) go into the staging folder, removed with it."""
    import tempfile

    _die_with_parent(parent)
    # jupyter_client writes connection files with tempfile.mkstemp: point it (and the
    # kernels, which inherit TMPDIR) at the staging folder.
    os.environ["TMPDIR"] = os.environ["JUPYTER_RUNTIME_DIR"] = runtime_dir
    tempfile.tempdir = runtime_dir
    # Ctrl-C reaches the whole process group: the build stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def cpu_limit() -> int:
    """The CPUs this process may run on: the most pages worth building at once."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def cap_jobs(jobs: int | None) -> int | None:
    """``--jobs`` capped at :func:`cpu_limit` (each page runs a kernel), saying so on stderr."""
    limit = cpu_limit()
    if jobs is None or jobs <= limit:
        return jobs
    shown = str(jobs) if len(str(jobs)) <= 24 else f"{str(jobs)[:20]}… ({len(str(jobs))} digits)"
    print(
        f"tspolicy: --jobs {shown} is more than the {limit} CPU(s) this build can use; "
        f"building at most {limit} page(s) at once",
        file=sys.stderr,
        flush=True,
    )
    return limit


def _workers(jobs: int | None, pages: int) -> int:
    """Worker processes for ``pages`` pages: ``jobs`` (default: the CPUs), never more than
    the CPUs or the pages."""
    return max(1, min(jobs or cpu_limit(), cpu_limit(), pages))


def _pool_run(
    todo, staging, data_dir, include_code, stamp, languages, jobs, progress
) -> list[Result]:
    from tqdm.auto import tqdm

    workers = _workers(jobs, len(todo))
    context = multiprocessing.get_context("spawn")
    results: list[Result] = []
    runtime = staging / RUNTIME_DIR
    runtime.mkdir(exist_ok=True)
    with cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(os.getpid(), str(runtime)),
    ) as pool:
        futures = [
            pool.submit(build_page, job, staging, data_dir, include_code, stamp, languages)
            for job in todo
        ]
        bar = tqdm(total=len(futures), unit="page", disable=not progress, file=sys.stderr)
        try:
            for future in cf.as_completed(futures):
                result = future.result()
                results.append(result)
                bar.set_postfix_str(result.job.key)
                bar.update()
        except BaseException:
            # Stop the workers now (their kernels see their parent go and exit). The futures
            # are not cancelled by hand: the executor marks them broken itself, and a future
            # cancelled under it makes its manager thread print an InvalidStateError.
            processes = list(getattr(pool, "_processes", {}).values())
            for process in processes:
                process.kill()
            for process in processes:  # dead before the staging folder is removed: none
                process.join(5)  # writes a connection file into it afterwards
            raise
        finally:
            bar.close()
    return results


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
