"""The tracker as an Excel workbook: one sheet per table, typed cells, ready to filter."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from pathlib import Path
from typing import IO, Any, Callable, Mapping

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .cells import display, text

from ..tables import Tables, columns

# Column width bounds, in characters: wide enough for a date, narrow enough to see several columns.
MIN_WIDTH, MAX_WIDTH, MAX_WIDE_WIDTH = 8, 40, 60
DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0%"


def streams(tracker: Tables, out: Path) -> dict[Path, Callable[[IO[bytes]], None]]:
    """The workbook: one sheet per table (Pairs, Activities, Reviews, Questions, Problems, Documents,
    Programs, Alerts), written as its rows are read."""
    return {out: functools.partial(_write, tracker)}


def _write(tracker: Tables, handle: IO[bytes]) -> None:
    # A write-only workbook streams each sheet's rows to a temporary file of openpyxl's
    # (removed when saved, or at exit) instead of keeping a cell object per value. The
    # bytes are those of a workbook built cell by cell (tests/test_track_output.py).
    # Column widths come first in a sheet's XML, so each table is read twice: once
    # for the widths, once for the cells.
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    try:
        for name, rows in tracker.tables().items():
            sheet = book.create_sheet(title=name.capitalize())
            cols = columns(name)
            widths = [len(meta["label"]) for _, meta in cols]
            count = 0
            for row in rows:
                count += 1
                for j, (attr, meta) in enumerate(cols):
                    widths[j] = max(widths[j], _width(meta, getattr(row, attr)))
            last = get_column_letter(len(cols))
            # What a sheet built cell by cell says: every cell written, from A1 on.
            sheet.calculate_dimension = functools.partial(str, f"A1:{last}{count + 1}")
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{last}{max(count + 1, 1)}"
            for j, width in enumerate(widths, start=1):
                # +2 leaves room for the filter button in the header.
                limit = MAX_WIDE_WIDTH if cols[j - 1][1].get("wide") else MAX_WIDTH
                sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH), limit)
            header = []
            for _, meta in cols:
                cell = WriteOnlyCell(sheet, value=meta["label"])
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            for row in rows:
                sheet.append([_cell(sheet, meta, getattr(row, attr)) for attr, meta in cols])
        book.save(handle)
    except BaseException:
        _discard(book)
        raise


def _discard(book: Workbook) -> None:
    """After an error half-way, remove openpyxl's temporary sheet files now, not at exit.

    The sheets' XML writers are left mid-element; closing them may fail in turn, which
    must not hide the error that stopped the workbook.
    """
    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        rows = getattr(sheet, "_rows", None)
        for generator in (rows, getattr(writer, "xf", None)):
            if generator is not None:
                with contextlib.suppress(Exception):
                    generator.close()
        if writer is not None and os.path.exists(writer.out):
            with contextlib.suppress(Exception):
                writer.cleanup()


def _cell(sheet: Any, meta: Mapping[str, Any], value: Any) -> WriteOnlyCell:
    # Every cell is passed as a cell, even an empty one, as a sheet built cell by cell writes them all.
    cell = WriteOnlyCell(sheet, value=_cell_value(meta, value))
    if isinstance(cell.value, str):
        # openpyxl would store "=..." as a formula; text from a form must stay text.
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif meta.get("percent") and value is not None:
        cell.number_format = PERCENT_FORMAT
    return cell


def _cell_value(meta: Mapping[str, Any], value: Any) -> Any:
    shown = display(meta, value)
    if isinstance(shown, str):
        # A rejected value quoted in a problem message may hold characters XML cannot.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", shown)
    return shown


def _width(meta: Mapping[str, Any], value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in text(meta, value).splitlines()), default=0)
