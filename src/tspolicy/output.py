"""The site folder: which folders a build may replace, what it owns there, and its lock.

A build replaces its output folder as a whole (it builds beside it and swaps), so it must be
sure the folder is its own. It only ever replaces a folder that holds its marker,
:data:`MARKER`, listing the files a build wrote there; it refuses ``/``, the repository, any
folder that contains it or lies inside the project's own folders, a file, and a non-empty
folder without the marker. Files in a site that a build did not write (a note a user put
there, even while the build runs) are moved into the new site when it is swapped in, never
deleted; in ``<out>.failed/`` a build removes only what builds wrote there.

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
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import paths
from .errors import TspolicyError

#: The file that marks a folder as a tspolicy site and lists what the builds wrote there.
MARKER = ".tspolicy-site.json"
#: What a site written before the marker existed holds (recognised once, then marked). A
#: bare ``.cache/`` is not enough: a home folder has one.
_LEGACY_SITE = Path(".cache") / "site.json"
#: Jupyter's runtime folder (kernel connection files) inside a staging folder.
RUNTIME_DIR = ".runtime"
#: Folders of the repository a site may never be written into (they hold its inputs).
_PROTECTED = ("data", "src", "notebooks", "figures", "tests", ".git", "benchmarks")


class OutputError(TspolicyError):
    """The output folder is one the build must not write to; the message says why."""


class BuildLocked(TspolicyError):
    """Another build is writing the same output folder (raised with ``--no-wait``)."""


class NoSpace(OutputError):
    """The device filled up during a build: nothing was replaced, no failed folder kept."""


def no_space(out: Path, what: str = "") -> NoSpace:
    """The one message for a full disk during a build (``what``: where it happened)."""
    during = f" ({what})" if what else ""
    return NoSpace(
        f"no space left on the device holding {out.parent}{during}; nothing was replaced: "
        f"the previous site {out} is whole, and no folder of failed pages was kept (it would "
        "fill the disk further). Free some space and build again"
    )


def _errno_of(why: object) -> int | None:
    """The errno of an error as :func:`shutil.copytree` lists it (a string, or an OSError)."""
    if isinstance(why, OSError):
        return why.errno
    match = re.search(r"\[Errno (\d+)\]", str(why))
    return int(match.group(1)) if match else None


def copy_failure(exc: Exception, out: Path) -> TspolicyError:
    """One message for a :class:`shutil.Error` (its list of (source, target, why))."""
    entries = [e for e in (exc.args[0] if exc.args else []) if len(e) == 3]
    for source, _, why in entries:
        if _errno_of(why) == errno.ENOSPC:
            return no_space(out, f"copying {source}")
    if not entries:
        return OutputError(f"--out {out}: the site could not be copied ({exc})")
    source, _, why = entries[0]
    more = f" (and {len(entries) - 1} other file(s))" if len(entries) > 1 else ""
    return OutputError(
        f"{source}: could not be copied into the new site{more}: {why}; nothing was "
        f"replaced: the previous site {out} is whole. Fix that file (or move it away) and "
        "build again"
    )


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


def entries(folder: Path) -> set[str]:
    """Every file under ``folder`` that is not a folder (files, links, pipes), as relative
    POSIX paths; links to folders are not followed."""
    found: set[str] = set()
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        links = [d for d in dirs if (here / d).is_symlink()]
        for name in [*names, *links]:
            found.add((here / name).relative_to(folder).as_posix())
        dirs[:] = [d for d in dirs if d not in links]
    return found


def copy_owned(site: Path, staging: Path, owned: set[str]) -> list[Path]:
    """Copy the files the builds own in ``site`` into ``staging`` (which exists, marked).

    A user's files are not copied: they stay in the site and are carried into the new one
    at the swap (:func:`carry_over`). Returns the special files met (named pipes, sockets,
    devices), which are never opened: a site holds files and folders.
    """
    import shutil
    import stat

    special: list[Path] = []
    folders = {parent.as_posix() for name in owned for parent in Path(name).parents}

    def ignore(directory: str, names: list[str]) -> list[str]:
        here = Path(directory)
        relative = here.relative_to(site)
        skipped = []
        for name in names:
            path, key = here / name, (relative / name).as_posix()
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:  # removed by its owner while the site is copied
                skipped.append(name)
                continue
            if stat.S_ISDIR(mode):
                keep = key in folders
            elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                keep = key in owned and key != MARKER
            else:
                special.append(path)
                keep = False
            if not keep:
                skipped.append(name)
        return skipped

    shutil.copytree(site, staging, symlinks=True, ignore=ignore, dirs_exist_ok=True)
    return special


def carry_over(source: Path, target: Path, skip: set[str]) -> tuple[list[str], list[str]]:
    """Move into ``target`` every entry of ``source`` not in ``skip`` (relative POSIX paths).

    A folder that ``target`` lacks moves whole, unless something in ``skip`` lies in it.
    An entry ``target`` already has is never replaced: both stay where they are (a
    conflict). Returns (moved, conflicts). Both folders are on one device (beside each
    other), so every move is a rename: nothing is copied, nothing can be half-written.
    """
    moved: list[str] = []
    conflicts: list[str] = []
    skipped_folders = {parent.as_posix() for name in skip for parent in Path(name).parents}

    def walk(relative: Path) -> None:
        for entry in sorted((source / relative).iterdir()):
            key = (relative / entry.name).as_posix()
            there = target / relative / entry.name
            if key in skip or key == MARKER:
                continue
            is_folder = entry.is_dir() and not entry.is_symlink()
            if is_folder and (key in skipped_folders or there.is_dir()):
                walk(relative / entry.name)
                continue
            if there.exists() or there.is_symlink():
                conflicts.append(key)
                continue
            there.parent.mkdir(parents=True, exist_ok=True)
            os.rename(entry, there)
            moved.append(key)

    walk(Path())
    return moved, conflicts


def retire(old: Path, out: Path, skip: set[str]) -> list[str]:
    """Remove the previous site ``old`` once swapped out, after carrying into ``out``
    every file of it that no build wrote (``skip``: the builds' files).

    Returns the files carried over. When one cannot be (the new site has a file of that
    name, or the move fails), ``old`` is left in place: :func:`recover` tries again.
    """
    import shutil

    try:
        moved, conflicts = carry_over(old, out, skip)
    except OSError as exc:
        print(
            f"tspolicy: could not carry your files from {old} into {out} ({exc}); they stay "
            "there, and the next build tries again",
            file=sys.stderr,
        )
        return []
    if conflicts:
        print(
            f"tspolicy: kept {old}: it holds file(s) that are also in {out} "
            f"({', '.join(conflicts[:5])}); compare them and remove the folder",
            file=sys.stderr,
        )
    else:
        shutil.rmtree(old, ignore_errors=True)
    return moved


def clear_failed(out: Path) -> list[str]:
    """Remove what builds wrote in ``<out>.failed/`` (its marker lists it); return the files
    left there, which a build did not write (a user's note). A folder left with such files
    keeps a marker listing none of them, so that a build may still use it."""
    failed = failed_dir(out)
    if not failed.is_dir() or failed.is_symlink():
        return []
    owned = owned_files(failed) | {MARKER}
    left: set[str] = set()
    for name in sorted(owned):
        try:
            (failed / name).unlink(missing_ok=True)
        except OSError:
            left.add(name)
            continue
        for parent in Path(name).parents:  # the folders it emptied (not a user's own)
            if parent != Path():
                with contextlib.suppress(OSError):
                    (failed / parent).rmdir()
    kept = sorted(entries(failed) - owned)
    if not kept and not left:
        with contextlib.suppress(OSError):
            failed.rmdir()  # (a user's empty folder inside it keeps it)
        if not failed.exists():
            return []
    with contextlib.suppress(OSError):
        write_marker(failed, left - {MARKER})
    return kept


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
        else:  # swapped out: the files no build wrote go into the new site first
            retire(leftover, out, owned_files(leftover) | owned_files(out))
    for stale in sorted(out.parent.glob(f".{out.name}.building-*")):
        pid = _owner(stale)
        if pid is None or stale.name != staging_dir(out, pid).name or _alive(pid):
            continue
        # The marker is written first; a folder without it is one whose removal was cut
        # short (a kernel connection file in .runtime/, which holds the kernel's key).
        if is_site(stale) or (stale / RUNTIME_DIR).is_dir() or not any(stale.iterdir()):
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def holding(
    path: Path,
    busy: Callable[[str], Exception],
    waiting: Callable[[str], str] | None = None,
) -> Iterator[None]:
    """Hold the OS file lock (``fcntl.flock``) on ``path``, a file that holds the holder's
    process id, created when missing. The lock goes with the process, even a killed one.

    Parameters
    ----------
    path
        The lock file.
    busy
        When another process holds the lock and there is no ``waiting``: the error to raise,
        from the holder's process id.
    waiting
        When given: what to say on stderr (from the holder's process id) before waiting for
        the lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            if waiting is None:
                raise busy(holder) from None
            print(f"tspolicy: {waiting(holder)}", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the kernel does the same if the process dies


def locked(out: Path, wait: bool = True) -> contextlib.AbstractContextManager[None]:
    """Hold the output's lock for the duration of a build.

    Parameters
    ----------
    out
        The output folder.
    wait
        When another build holds the lock: wait for it (saying so on stderr), or raise
        :class:`BuildLocked` at once.
    """
    return holding(
        lock_path(out),
        busy=lambda holder: BuildLocked(
            f"--out {out}: another build (process {holder}) is writing this site; "
            "run again when it has finished, or leave out --no-wait to wait for it"
        ),
        waiting=(
            lambda holder: (
                f"another build (process {holder}) is writing {out}; waiting for "
                "it to finish (Ctrl-C to stop; --no-wait exits instead)"
            )
        )
        if wait
        else None,
    )
