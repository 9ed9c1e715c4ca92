"""How a batch reports itself on a terminal: a progress bar, and each error as it happens.

The bar (rows done, rate, time left) is drawn only when asked for, which the
command line does when stderr is a terminal; otherwise only error lines are printed,
so that logs and pipes get plain text.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from ..limits import MAX_PRINTED_PROBLEMS
from .report import BatchReport, RowResult


class ConsoleObserver:
    """A :class:`mentoring_docs.batch.Observer` writing to a text stream (stderr by default).

    ``source`` (the roster's file name) prefixes each error line.
    """

    def __init__(self, *, bar: bool, stream: IO[str] | None = None, source: str = "") -> None:
        self.bar = bar
        self.stream = stream or sys.stderr
        self.prefix = f"{source}: " if source else ""
        self._progress: Any = None
        self._task: Any = None
        self._printed = 0  # error lines shown; past the limit they are only counted (errors.csv has all)
        self._unprinted = 0

    def started(self, total: int | None) -> None:
        """Start the bar (when wanted)."""
        if not self.bar:
            return
        # rich is imported only for a terminal: pipes and the Python API never need it.
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("rows", total=total)

    def row_done(self, result: RowResult) -> None:
        """Print the row's errors and warnings and move the bar on."""
        for error in result.errors:
            if self._printed < MAX_PRINTED_PROBLEMS:
                self._printed += 1
                self._print(f"{self.prefix}{error}")
            else:
                self._unprinted += 1
        for warning in result.warnings:
            self._print(f"{self.prefix}warning: {warning}")
        if self._progress is not None:
            self._progress.advance(self._task)

    def finished(self, report: BatchReport) -> None:
        """Take the bar off the screen."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if self._unprinted:
            self._print(f"{self.prefix}... and {self._unprinted:,} more errors (every one is in errors.csv)")

    def _print(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Rows per second, once there is a rate to show."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} rows/s")

    return RateColumn()


_RateColumn = _rate_column
