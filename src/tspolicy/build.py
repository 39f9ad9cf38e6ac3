"""`tspolicy build`: run the plan's notebooks with papermill and write the site and figures.

The plan (``notebooks/reports.yml``) lists report pages × languages. Every parameter set is
checked against the data before anything runs. Each page is executed with papermill in a
worker process, cleaned of run-to-run noise, and rendered by :mod:`tspolicy.site`.

Nothing the user had is lost: the new site is written to a hidden folder beside the output
and swapped in only when every page built. A page that fails is reported with its notebook,
cell and error; the other pages still build, into ``<out>.failed/`` for inspection, while
the previous site stays as it was. An interrupted build (Ctrl-C, SIGTERM, or a kill) never
touches the previous site.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .i18n import LANGUAGES

PLAN = paths.NOTEBOOKS_DIR / "reports.yml"


class PlanError(ValueError):
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
    """What building one page gave: success, or where and how it failed."""

    job: Job
    ok: bool
    seconds: float
    error: str = ""


@dataclass
class Plan:
    """The parsed plan: its pages, languages, and the figures to write."""

    path: Path
    languages: list[str]
    figures: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def jobs(
        self, only: Sequence[str] | None = None, langs: Sequence[str] | None = None
    ) -> list[Job]:
        """The pages to build, optionally restricted to some names and languages."""
        chosen = [e for e in self.entries if not only or e["name"] in only]
        languages = [lang for lang in self.languages if not langs or lang in langs]
        return [
            Job(
                e["name"],
                e["report"],
                self.path.parent / e["notebook"],
                lang,
                {**e.get("parameters", {}), "language": lang},
            )
            for e in chosen
            for lang in languages
        ]


def load_plan(path: str | Path = PLAN, data_dir: str | Path | None = None) -> Plan:
    """Read and check the plan: notebooks exist, and every parameter set is valid for the data.

    Raises
    ------
    PlanError
        Naming the plan file, the entry and what is wrong.
    """
    from .data import load_dataset
    from .parameters import SPECS, ParameterError, check

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: plan file not found") from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise PlanError(f"{path}: expected a mapping with a 'reports' list")
    languages = raw.get("languages", list(LANGUAGES))
    bad = [lang for lang in languages if lang not in LANGUAGES]
    if bad:
        raise PlanError(f"{path}: language '{bad[0]}' is not one of {', '.join(LANGUAGES)}")
    dataset = load_dataset(data_dir)
    seen: set[str] = set()
    for i, entry in enumerate(raw["reports"], start=1):
        where = f"{path}: report #{i}"
        missing = [k for k in ("name", "report", "notebook") if k not in (entry or {})]
        if missing:
            raise PlanError(f"{where}: missing '{missing[0]}'")
        if entry["name"] in seen:
            raise PlanError(f"{where}: name '{entry['name']}' is used twice")
        seen.add(entry["name"])
        if entry["report"] not in SPECS:
            raise PlanError(f"{where}: report '{entry['report']}' is not one of {', '.join(SPECS)}")
        if not (path.parent / entry["notebook"]).is_file():
            raise PlanError(f"{where}: notebook {path.parent / entry['notebook']} not found")
        parameters = entry.get("parameters") or {}
        if "language" in parameters:
            raise PlanError(f"{where}: set languages at the top of the plan, not as a parameter")
        try:
            check(
                entry["report"],
                {**parameters, "data_dir": str(data_dir) if data_dir else None},
                dataset,
            )
        except ParameterError as exc:
            raise PlanError(f"{where} ({entry['name']}): {exc}") from None
        entry["parameters"] = parameters
    return Plan(path, list(languages), list(raw.get("figures", [])), raw["reports"])


# --------------------------------------------------------------------------- one page


def _parameters_cell(notebook: Path) -> int:
    """Index of the cell tagged ``parameters`` (papermill injects its values after it)."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    tagged = [
        i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    return tagged[0] if tagged else -1


def build_page(
    job: Job,
    out: Path,
    data_dir: str | None,
    include_code: bool,
    version: str,
    languages: Sequence[str],
) -> Result:
    """Execute one notebook and write its executed copy and HTML page under ``out``.

    Runs in a worker process; never raises: a failure is returned with its notebook, cell
    and error.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .site import clean_notebook, render_report

    start = time.monotonic()
    target = out / job.lang
    target.mkdir(parents=True, exist_ok=True)
    executed = target / f"{job.name}.ipynb"
    parameters = dict(job.parameters)
    if data_dir:
        parameters["data_dir"] = str(data_dir)
    log = out / ".logs" / f"{job.lang}-{job.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # The kernel writes to this process's stderr; keep each page's output whole, apart.
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
        return Result(job, False, time.monotonic() - start, f"{where}: {exc.ename}: {exc.evalue}")
    except Exception as exc:  # a kernel that died, a notebook that does not parse
        error = f"{job.notebook.name}: {type(exc).__name__}: {exc} (log: {log.name})"
        return Result(job, False, time.monotonic() - start, error)
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    nb = clean_notebook(nbformat.read(executed, as_version=4), job.parameters)
    nbformat.write(nb, executed)
    page = render_report(
        nb,
        name=job.name,
        report=job.report,
        notebook=job.notebook.name,
        lang=job.lang,
        parameters=job.parameters,
        version=version,
        languages=languages,
        include_code=include_code,
    )
    (target / f"{job.name}.html").write_text(page, encoding="utf-8")
    return Result(job, True, time.monotonic() - start)


# --------------------------------------------------------------------------- the site


@dataclass
class BuildReport:
    """The outcome of a build."""

    out: Path
    results: list[Result]
    figures: list[Path]
    seconds: float

    @property
    def failed(self) -> list[Result]:
        """Pages that did not build."""
        return [r for r in self.results if not r.ok]


def _recover(out: Path) -> None:
    """Undo a build killed between its two renames, and remove stale temporary folders."""
    for leftover in out.parent.glob(f".{out.name}.old-*"):
        if not out.exists():
            leftover.rename(out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


class _Terminated(Exception):
    pass


def _on_sigterm(signum, frame):  # pragma: no cover - exercised through a subprocess test
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


def build(
    *,
    plan_path: str | Path = PLAN,
    out: str | Path = paths.REPORTS_DIR,
    only: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    jobs: int | None = None,
    include_code: bool = False,
    data_dir: str | Path | None = None,
    figures_dir: str | Path | None = paths.FIGURES_DIR,
    progress: bool = True,
) -> BuildReport:
    """Build the site described by the plan.

    Parameters
    ----------
    plan_path
        The plan file (default ``notebooks/reports.yml``).
    out
        The site folder (default ``reports/``); replaced only when every page built.
    only, langs
        Restrict to these page names and languages. The rest of a previous site is kept.
    jobs
        Pages built at once (default: the number of cores).
    include_code
        Show the notebooks' code in the pages.
    data_dir
        Data folder (default ``data/``).
    figures_dir
        Where the English figures are written (None: not written).
    progress
        Show a progress bar.
    """
    from tqdm.auto import tqdm

    from .site import data_version, render_index

    started = time.monotonic()
    out = Path(out).resolve()
    plan = load_plan(plan_path, data_dir)
    todo = plan.jobs(only, langs)
    if not todo:
        raise PlanError(f"{plan.path}: nothing to build for --only {only} --lang {langs}")
    version = data_version(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    if out.exists() and (only or langs):
        shutil.copytree(out, staging)  # a partial build keeps the pages it does not rebuild
    else:
        staging.mkdir()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    results: list[Result] = []
    try:
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(
                    build_page,
                    job,
                    staging,
                    str(data_dir) if data_dir else None,
                    include_code,
                    version,
                    plan.languages,
                )
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
                for future in futures:
                    future.cancel()
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()  # stop kernels' parents now; their kernels die with them
                raise
            finally:
                bar.close()
        results.sort(key=lambda r: (r.job.name, plan.languages.index(r.job.lang)))
        if any(not r.ok for r in results):
            failed = out.parent / f"{out.name}.failed"
            shutil.rmtree(failed, ignore_errors=True)
            staging.rename(failed)
            return BuildReport(failed, results, [], time.monotonic() - started)
        shutil.rmtree(staging / ".logs", ignore_errors=True)
        (staging / "index.html").write_text(
            render_index(plan.entries, plan.languages, version), encoding="utf-8"
        )
        figures = write_figures(plan.figures, Path(figures_dir), data_dir) if figures_dir else []
        _swap(staging, out)
        shutil.rmtree(out.parent / f"{out.name}.failed", ignore_errors=True)
        return BuildReport(out, results, figures, time.monotonic() - started)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
