"""Imports the processes of tspolicy's commands skip: installed, needed by none of them, and
slow to import.

``rfc3987_syntax``: jsonschema, which nbformat imports (and papermill and nbconvert import
nbformat), checks the ``iri`` string format with it when it is installed (JupyterLab's
jupyter-events installs it). Its import compiles 39 Lark grammars: 1.3 s on the 2-core
machine, in every process that imports nbformat (a build's main process, each worker, each
kernel zygote). nbformat, papermill, nbconvert, nbclient and frictionless validate without
a format checker, so nothing they check changes; jsonschema treats the module as absent.

Only the command-line entry point and the processes a build starts call
:func:`skip_unneeded_imports`: a program that imports :mod:`tspolicy` as a library keeps its
imports as they are.
"""

from __future__ import annotations

import sys

#: Modules a tspolicy process treats as not installed.
SKIPPED = ("rfc3987_syntax",)


def skip_unneeded_imports() -> None:
    """Make ``import`` of :data:`SKIPPED` raise ImportError in this process (unless already
    imported), as if they were not installed: the libraries that import them optionally go
    without."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def restore_skipped_imports() -> None:
    """Undo :func:`skip_unneeded_imports` (in a kernel forked from a process that skipped
    them: a notebook may import them)."""
    for name in SKIPPED:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
