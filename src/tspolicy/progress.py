"""The build's progress bar, drawn with rich (which also draws the command line's tables):
one library for what the terminal shows."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    """A bar counting ``total`` items on stderr, each step naming the item just done.

    ``enabled=False`` draws nothing (``tspolicy build --quiet``, the tests).
    """

    def __init__(
        self, total: int, unit: str = "page", enabled: bool = True, file: TextIO | None = None
    ):
        self._progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(f"{unit}s"),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=Console(file=file or sys.stderr),
        )
        self._task = self._progress.add_task("", total=total)
        self._progress.start()

    def advance(self, label: str = "") -> None:
        """Count one item done, ``label`` naming it."""
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=label)

    def close(self) -> None:
        """Draw the bar a last time and release the terminal."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
