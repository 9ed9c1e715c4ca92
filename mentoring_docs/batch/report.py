"""What a batch run reports: each row's result, the files made, the errors, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import MISSING_GLYPHS, Problem

__all__ = ["BatchReport", "FileRecord", "Observer", "RowResult"]


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileRecord:
    """A document of a pair: where it is (relative to the output folder) and its digests.

    ``status`` is ``written`` (made by this run), ``kept`` (made by an earlier run
    from the same data and left untouched since) or ``issued`` (made by an earlier
    run but changed since, presumably filled in by the pair; kept as it is).
    """

    kind: str
    format: str
    file: str
    sha256: str
    input_sha256: str
    status: str


@dataclass
class RowResult:
    """What became of one row."""

    row: int
    folder: str
    agreement_id: str
    files: list[FileRecord] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    #: Other files made for the pair (its calendar), relative to the output folder; not in the manifest.
    extra_files: list[str] = field(default_factory=list)
    #: What the pair's files could not say as the data does: a meeting time a calendar cannot
    #: schedule, characters no font has (category ``missing_glyphs``, ``file`` the document).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every document of the pair is in place."""
        return not self.errors


@dataclass
class BatchReport:
    """The outcome of a batch: counts, every error, and where the reports are.

    ``pairs`` counts rows whose documents are all in place; ``files_written`` and
    ``files_kept`` count documents made now and documents an earlier run made.
    """

    outdir: Path
    manifest: Path
    errors_file: Path
    rows: int = 0
    pairs: int = 0
    files_written: int = 0
    files_kept: int = 0
    failed_rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    calendars_written: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def missing_glyphs(self) -> list[Problem]:
        """The warnings about documents that draw some characters as boxes (no font has them)."""
        return [w for w in self.warnings if w.category == MISSING_GLYPHS]

    @property
    def ok(self) -> bool:
        """True when every row was made."""
        return self.failed_rows == 0

    def summary(self) -> str:
        """One line saying how many pairs, files and errors."""
        files = self.files_written + self.files_kept
        text = (
            f"{self.rows} {_plural(self.rows, 'row')}: {self.pairs} {_plural(self.pairs, 'pair')} ready, "
            f"{files} {_plural(files, 'file')} ({self.files_written} written, {self.files_kept} already there)"
        )
        if self.failed_rows:
            text += (
                f"; {self.failed_rows} {_plural(self.failed_rows, 'row')} failed with "
                f"{len(self.errors)} {_plural(len(self.errors), 'error')}, listed in {self.errors_file}"
            )
        else:
            text += "; no errors"
        if self.calendars_written:
            text += f"; {self.calendars_written} {_plural(self.calendars_written, 'calendar')} written"
        boxed = sorted({w.file for w in self.missing_glyphs})
        if boxed:
            shown = ", ".join(boxed[:10]) + (f" and {len(boxed) - 10} more" if len(boxed) > 10 else "")
            text += (f"; {len(boxed)} {_plural(len(boxed), 'document')} show characters no font has as boxes "
                     f"(install fonts-noto-core / fonts-noto-cjk or pass --font): {shown}")
        return text


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


class Observer(Protocol):
    """Follows a run, e.g. to draw a progress bar and print errors as they come."""

    def started(self, total: int | None) -> None:
        """The run begins; ``total`` rows are expected (None when unknown)."""

    def row_done(self, result: RowResult) -> None:
        """One row is finished, successfully or not."""

    def finished(self, report: BatchReport) -> None:
        """The run is over (also after an interruption)."""
