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
import io
from pathlib import Path
from typing import Any

from ...csv_guard import GuardedWriter
from ..tables import TABLES, Tables, columns


def csv_paths(out: Path) -> dict[str, Path]:
    """The file of each table: ``out`` for pairs, ``<stem>-<table>.csv`` beside it for the rest."""

    return {name: out if name == "pairs" else out.with_name(f"{out.stem}-{name}{out.suffix}")
            for name in TABLES}


def render(tracker: Tables, out: Path) -> dict[Path, bytes]:
    """Each table's CSV bytes, by file."""

    files: dict[Path, bytes] = {}
    paths = csv_paths(out)
    for name, rows in tracker.tables().items():
        buffer = io.StringIO(newline="")
        writer = GuardedWriter(buffer)
        cols = columns(name)
        writer.writerow([attr for attr, _ in cols])
        for row in rows:
            writer.writerow([_cell(getattr(row, attr)) for attr, _ in cols])
        files[paths[name]] = buffer.getvalue().encode("utf-8-sig")
    return files


def _cell(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value  # text is guarded by the writer; numbers are written as they are
