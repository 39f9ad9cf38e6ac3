"""Worker processes that build pages: how many, and how they live and die with the build.

Each worker runs :func:`tspolicy.page.build_page` for the pages it is given. A worker dies
with the build (even a build killed by SIGKILL), and its kernels' connection files go into
the build's staging folder, removed with it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import sys

from . import output
from .page import Result, build_page

#: Jupyter's runtime folder (kernel connection files) inside the staging folder, so that
#: an interrupted build leaves none behind.
RUNTIME_DIR = output.RUNTIME_DIR


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_init(
    parent: int, runtime_dir: str, warm: bool = True, cell_timeout: float | None = None
) -> None:
    """Set up a worker: it dies with the build, and its kernels' connection files (which hold
    the kernels' keys) go into the staging folder, removed with it. With ``warm`` its pages'
    kernels are forked from a zygote (:mod:`tspolicy.kernels`), started now so that it
    imports while the worker sets up."""
    import tempfile

    from . import kernels
    from .startup import skip_unneeded_imports

    _die_with_parent(parent)
    skip_unneeded_imports()  # before papermill and nbconvert import nbformat
    # jupyter_client writes connection files with tempfile.mkstemp: point it (and the
    # kernels, which inherit TMPDIR) at the staging folder.
    os.environ["TMPDIR"] = os.environ["JUPYTER_RUNTIME_DIR"] = runtime_dir
    tempfile.tempdir = runtime_dir
    # Ctrl-C reaches the whole process group: the build stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    kernels.warm, kernels.cell_timeout = warm, cell_timeout
    if warm:
        kernels.start()


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
    todo,
    staging,
    data_dir,
    include_code,
    stamp,
    languages,
    jobs,
    progress,
    warm=True,
    cell_timeout=None,
) -> list[Result]:
    from .progress import ProgressBar

    workers = _workers(jobs, len(todo))
    context = multiprocessing.get_context("spawn")
    results: list[Result] = []
    runtime = staging / RUNTIME_DIR
    runtime.mkdir(exist_ok=True)
    with cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(os.getpid(), str(runtime), warm, cell_timeout),
    ) as pool:
        bar = None
        try:  # an interrupt from here on stops the workers (else leaving the `with` waits
            # for every page submitted, however long it runs)
            futures = [
                pool.submit(build_page, job, staging, data_dir, include_code, stamp, languages)
                for job in todo
            ]
            bar = ProgressBar(len(futures), unit="page", enabled=progress)
            for future in cf.as_completed(futures):
                result = future.result()
                results.append(result)
                bar.advance(result.job.key)
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
            if bar is not None:
                bar.close()
    return results
