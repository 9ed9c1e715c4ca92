"""Saving a tracker's tables (:class:`~mentoring_docs.tracking.tables.Tables`): XLSX, CSV, JSON or a page to look at.

The format follows the output's extension. Every file is written atomically
(:func:`mentoring_docs.atomic.atomic_write`), and nothing is replaced unless asked:
when any target exists and ``overwrite`` is false, nothing at all is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Callable, Mapping

from ...atomic import AtomicFiles
from ...errors import MentoringDocsError, OutputExistsError
from ..tables import Tables

#: Writes one output file's bytes to the handle it is given.
Stream = Callable[[IO[bytes]], None]

#: Output formats by file extension.
FORMATS = (".xlsx", ".csv", ".json", ".html")


def plan(out: str | os.PathLike[str]) -> list[Path]:
    """The files writing to ``out`` produces (CSV: one per table), in writing order."""
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise MentoringDocsError(
            f"{out}: cannot tell the tracker format from the extension; use {', '.join(FORMATS)}"
        )
    if suffix == ".csv":
        from .csv_files import csv_paths

        return list(csv_paths(target).values())
    return [target]


def check(out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """The files writing to ``out`` will produce; raises if the format is unknown or,
    unless ``overwrite``, if any of them exists (so a long run can fail before it starts)."""
    targets = plan(out)
    if not overwrite:
        for path in targets:
            if path.exists():
                raise OutputExistsError(f"{path}: already exists; use --force to replace it")
    return targets


def write(tracker: Tables, out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write ``tracker`` to ``out`` (.xlsx, .csv, .json or .html); returns the files written."""
    check(out, overwrite=overwrite)
    suffix = Path(out).suffix.lower()
    streams: Callable[[Tables, Path], Mapping[Path, Stream]]
    if suffix == ".xlsx":
        from .xlsx import streams
    elif suffix == ".csv":
        from .csv_files import streams
    elif suffix == ".json":
        from .json_file import streams
    else:
        from .html import streams
    # Each file is written as its rows are read (the documents and problems tables may
    # hold a row per file read, kept on disk), under a temporary name until all are whole.
    with AtomicFiles(overwrite=overwrite) as files:
        for path, stream in streams(tracker, Path(out)).items():
            stream(files.open(path))
        return files.commit()
