"""The exceptions tspolicy raises for bad input, and the exit codes they map to.

Every error a user can cause — bad data, a bad plan, a bad option, an output folder the
build must not touch, a file it cannot write — is a :class:`TspolicyError` (or an
``OSError`` naming its file). The command line turns them into one message and exit
status 1; anything else is a bug and exits 2 (:data:`EXIT_BUG`).
"""

from __future__ import annotations

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


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"
