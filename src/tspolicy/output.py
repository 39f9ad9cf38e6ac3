"""The site folder: which folders a build may replace, what it owns there, and its lock.

A build replaces its output folder as a whole (it builds beside it and swaps), so it must be
sure the folder is its own. It only ever replaces a folder that holds its marker,
:data:`MARKER`, listing the files a build wrote there; it refuses ``/``, the repository, any
folder that contains it or lies inside the project's own folders, a file, and a non-empty
folder without the marker. Files in a site that a build did not write (a note a user put
there) are carried into the new site, never deleted.

Two builds on one output are serialised by an OS file lock (``fcntl.flock``) on
``.<name>.lock`` beside the output: the kernel releases it when the process dies, however it
dies, so a killed build never leaves the output locked. Temporary folders beside the output
carry their owner's process id and are removed only when that process is dead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import paths
from .errors import TspolicyError

#: The file that marks a folder as a tspolicy site and lists what the builds wrote there.
MARKER = ".tspolicy-site.json"
#: What a site written before the marker existed holds (recognised once, then marked). A
#: bare ``.cache/`` is not enough: a home folder has one.
_LEGACY_SITE = Path(".cache") / "site.json"
#: Folders of the repository a site may never be written into (they hold its inputs).
_PROTECTED = ("data", "src", "notebooks", "figures", "tests", ".git", "benchmarks")


class OutputError(TspolicyError):
    """The output folder is one the build must not write to; the message says why."""


class BuildLocked(TspolicyError):
    """Another build is writing the same output folder (raised with ``--no-wait``)."""


def failed_dir(out: Path) -> Path:
    """Where the pages of a build that failed are kept for inspection."""
    return out.parent / f"{out.name}.failed"


def lock_path(out: Path) -> Path:
    """The lock file of an output folder (beside it: the folder itself is swapped)."""
    return out.parent / f".{out.name}.lock"


def staging_dir(out: Path, pid: int | None = None) -> Path:
    """The hidden folder a build writes into before the swap, named after its process."""
    return out.parent / f".{out.name}.building-{os.getpid() if pid is None else pid}"


def is_site(folder: Path) -> bool:
    """True when ``folder`` holds a tspolicy site (its marker, or an older build's cache)."""
    return (folder / MARKER).is_file() or (folder / _LEGACY_SITE).is_file()


def owned_files(folder: Path) -> set[str]:
    """The files (relative POSIX paths) that builds wrote in a site.

    Those its marker lists, and those a build's cache vouches for: everything under
    ``.cache/`` and every page or notebook that has a key there (so sites merged from
    shards, each with its own marker, and sites from before the marker, are known whole).
    """
    owned: set[str] = set()
    try:
        listed = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
        owned |= {str(name) for name in listed}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    cache = folder / ".cache"
    for path in cache.rglob("*") if cache.is_dir() else ():
        if path.is_file():
            owned.add(path.relative_to(folder).as_posix())
            relative = path.relative_to(cache).with_suffix("")
            if len(relative.parts) == 2:  # <lang>/<name>.json: the key of a page
                owned |= {f"{relative.as_posix()}.html", f"{relative.as_posix()}.ipynb"}
    if (folder / "index.html").is_file() and (cache / "site.json").is_file():
        owned.add("index.html")
    return {name for name in owned if (folder / name).is_file()}


def write_marker(folder: Path, files: Iterable[str]) -> None:
    """Write the marker listing ``files`` (sorted: byte-identical for the same site)."""
    listing = sorted(set(files) | {MARKER})
    text = json.dumps({"generator": "tspolicy", "files": listing}, indent=1) + "\n"
    (folder / MARKER).write_text(text, encoding="utf-8")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_output(out: Path) -> None:
    """Refuse an output folder the build must not replace; return when it may.

    Raises
    ------
    OutputError
        Naming the folder, why it is refused, and what to pass instead.
    """
    fix = "pass --out a new or empty folder, or an earlier tspolicy site (default: reports/)"
    if out == Path(out.anchor):
        raise OutputError(f"--out {out}: refusing to write a site over the file-system root; {fix}")
    root = paths.ROOT.resolve()
    if _inside(root, out):
        what = "the repository" if out == root else "a folder that contains the repository"
        raise OutputError(f"--out {out}: is {what}; the build replaces its output whole; {fix}")
    for name in _PROTECTED:
        if _inside(out, root / name):
            raise OutputError(
                f"--out {out}: is inside the repository's {name}/, which holds the project's "
                f"own files; {fix}"
            )
    blocking = next((a for a in out.parents if a.exists() and not a.is_dir()), None)
    if blocking is not None:
        raise OutputError(f"--out {out}: {blocking} is a file, not a folder; {fix}")
    for path, what in ((out, "--out"), (failed_dir(out), "the folder for failed pages")):
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise OutputError(f"{what} {path}: is a file, not a folder; {fix}")
        if path.is_dir() and not is_site(path) and any(path.iterdir()):
            raise OutputError(
                f"{what} {path}: is a folder that is not a tspolicy site (no {MARKER}) and is "
                f"not empty; the build would replace it. Move its files away, or {fix}"
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(folder: Path) -> int | None:
    try:
        return int(folder.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None


def recover(out: Path) -> None:
    """Undo a build killed between its two renames; remove dead builds' staging folders.

    Only folders named by this module, holding the marker, whose owner process is dead are
    touched: a live build's staging folder, or a folder a user happened to name alike, stays.
    """
    import shutil

    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        pid = _owner(leftover)
        if pid is None or _alive(pid) or not is_site(leftover):
            continue
        if not out.exists():
            leftover.rename(out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for stale in sorted(out.parent.glob(f".{out.name}.building-*")):
        pid = _owner(stale)
        if pid is not None and not _alive(pid) and (is_site(stale) or not any(stale.iterdir())):
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def locked(out: Path, wait: bool = True) -> Iterator[None]:
    """Hold the output's lock for the duration of a build.

    Parameters
    ----------
    out
        The output folder.
    wait
        When another build holds the lock: wait for it (saying so on stderr), or raise
        :class:`BuildLocked` at once.
    """
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            if not wait:
                raise BuildLocked(
                    f"--out {out}: another build (process {holder}) is writing this site; "
                    "run again when it has finished, or leave out --no-wait to wait for it"
                ) from None
            print(
                f"tspolicy: another build (process {holder}) is writing {out}; waiting for it "
                "to finish (Ctrl-C to stop; --no-wait exits instead)",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the kernel does the same if the process dies
