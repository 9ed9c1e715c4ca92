"""The tracker as CSV: one file per table, next to the one named.

``tracker.csv`` holds the pairs table (the one most people open), and the other
tables go beside it as ``tracker-activities.csv``, ``tracker-reviews.csv``,
``tracker-questions.csv``, ``tracker-problems.csv``, ``tracker-documents.csv``,
``tracker-programs.csv`` and ``tracker-alerts.csv``.

Values are data, not display text: ISO dates, plain numbers, ``true``/``false``,
enumeration values as the data model spells them. Files are UTF-8 with a byte-order
mark, so Excel opens any script correctly. Because spreadsheet programs run a cell
that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, text is written through
:mod:`mentoring_docs.csv_guard` (a leading apostrophe, also after any separator, and
quotes around any separator); the JSON output keeps it untouched.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from ...csv_guard import GuardedWriter
from ..tables import TABLES, Tables, columns


def csv_paths(out: Path) -> dict[str, Path]:
    """The file of each table: ``out`` for pairs, ``<stem>-<table>.csv`` beside it for the rest."""

    return {name: out if name == "pairs" else out.with_name(f"{out.stem}-{name}{out.suffix}")
            for name in TABLES}


def streams(tracker: Tables, out: Path) -> dict[Path, Callable[[IO[bytes]], None]]:
    """Each table's CSV, by file: a function writing its bytes, row by row, to a handle."""
    paths = csv_paths(out)
    return {paths[name]: functools.partial(_write, name, rows) for name, rows in tracker.tables().items()}


def _write(name: str, rows: Iterable[Any], handle: IO[bytes]) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=False)
    writer = GuardedWriter(text)
    cols = columns(name)
    writer.writerow([attr for attr, _ in cols])
    for row in rows:
        writer.writerow([_cell(getattr(row, attr)) for attr, _ in cols])
    text.flush()
    text.detach()  # the handle is the caller's to close


def _cell(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value  # text is guarded by the writer; numbers are written as they are
