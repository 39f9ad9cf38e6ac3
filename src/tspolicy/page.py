"""One page of the site: execute its notebook with papermill, clean it, write its HTML.

Runs in a worker process (:mod:`tspolicy.workers`); :func:`build_page` never raises: a
failure comes back as a :class:`Result` naming the notebook, cell and error.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .plan import Job

#: Kernel starts a page may use: one more when the first does not start (a start timeout
#: on a loaded machine must not fail the page).
KERNEL_STARTS = 2

if TYPE_CHECKING:
    from .site import Stamp


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


def _parameters_cell(notebook: Path) -> int:
    """Index of the cell tagged ``parameters`` (papermill injects its values after it)."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    tags = [c.get("metadata", {}).get("tags", []) for c in cells]
    tagged = [i for i, t in enumerate(tags) if "parameters" in t]
    return tagged[0] if tagged else -1


def _nothing_ran(executed: Path) -> bool:
    """True when papermill's output notebook shows that no cell started (or none exists)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except Exception:  # not written: papermill failed before it began
        return True
    return all(
        c.get("metadata", {}).get("papermill", {}).get("status", "pending") == "pending"
        for c in cells
        if c.cell_type == "code"
    )


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

    from . import kernels
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
        for attempt in range(1, KERNEL_STARTS + 1):
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
                    # Every cell has run and its output is in: the kernel has nothing left
                    # to do (nbclient's graceful shutdown waits about half a second).
                    shutdown_kernel="immediate",
                    **kernels.papermill_options(parameters.get("data_dir")),
                )
                break
            except PapermillExecutionError:
                raise
            except Exception as exc:
                # A kernel that did not start (a start timeout under load, or a kernel that
                # died before it answered) ran nothing: start one more before failing.
                if attempt == KERNEL_STARTS or not _nothing_ran(executed):
                    raise
                print(
                    f"tspolicy: {job.key}: the kernel did not start "
                    f"({type(exc).__name__}: {exc}); starting another",
                    file=sys.stderr,
                    flush=True,
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
