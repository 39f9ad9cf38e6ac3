"""The exceptions tspolicy raises for bad input, and the exit codes they map to.

Every error a user can cause — bad data, a bad plan, a bad option, an output folder the
build must not touch, a file it cannot write — is a :class:`TspolicyError` (each module
defines its own subclass: ``DataError``, ``PlanError``, ``ParameterError``, …) or an
``OSError`` naming its file. :func:`exit_status` and :func:`describe` are the one place
that turns an exception into what the command line prints and the status it exits with:
bad input exits 1 with one message; anything else is a bug and exits 2 (:data:`EXIT_BUG`).
"""

from __future__ import annotations

import errno

#: Exit status for bad input: the message says what to fix.
EXIT_USER = 1
#: Exit status for an internal error (a bug in tspolicy).
EXIT_BUG = 2
#: Exit status for an interruption (Ctrl-C, SIGTERM), as shells report SIGINT.
EXIT_INTERRUPTED = 130

#: Longest echo of a user's value in a message; longer values are cut (a 100 KB value
#: pasted into a parameter must not flood the terminal).
MAX_ECHO = 80


class TspolicyError(Exception):
    """Bad input to tspolicy; the message names the file, row, field or option and the fix."""

    def _render_traceback_(self) -> list[str]:
        """What IPython (and so a notebook, papermill's report of it) shows instead of a
        traceback: bad input is one message, not a stack of our code."""
        return [f"{type(self).__name__}: {self}"]


def exit_status(exc: BaseException) -> int:
    """The command's exit status for ``exc``: 130 for an interruption, 1 for bad input
    (a :class:`TspolicyError`, or an ``OSError``: a file the user named or must make
    writable), 2 for anything else (a bug)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, TspolicyError | OSError):
        return EXIT_USER
    return EXIT_BUG


def describe(exc: BaseException) -> str:
    """The one line the command prints for ``exc`` (without the ``tspolicy:`` prefix)."""
    status = exit_status(exc)
    if status == EXIT_INTERRUPTED:
        return "interrupted"
    if isinstance(exc, TspolicyError):
        return str(exc)
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return (
        f"internal error: {type(exc).__name__}: {exc}. This is a bug, not a problem with "
        "your data; set TSPOLICY_DEBUG=1 to see the traceback and report it."
    )


def describe_os_error(exc: OSError) -> str:
    """One line for a file-system error: the file, what went wrong, what to do."""
    where = exc.filename or "a file"
    if exc.errno == errno.ENOSPC:
        return (
            f"{where}: no space left on the device; nothing was replaced. Free some space and "
            "run the command again"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}: {exc.strerror or 'permission denied'}; choose a folder you can write to"
    return f"{where}: {exc.strerror or exc}"


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"
