"""The tracker as an Excel workbook: one sheet per table, typed cells, ready to filter."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, Mapping

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .cells import display, text

from ..tables import Tables, columns

# Column width bounds, in characters: wide enough for a date, narrow enough to see several columns.
MIN_WIDTH, MAX_WIDTH, MAX_WIDE_WIDTH = 8, 40, 60
DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0%"


def render(tracker: Tables, out: Path) -> dict[Path, bytes]:
    """The workbook's bytes: one sheet per table (Pairs, Activities, Reviews, Questions, Problems, Documents,
    Programs, Alerts)."""

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, rows in tracker.tables().items():
        sheet = book.create_sheet(title=name.capitalize())
        cols = columns(name)
        widths = [len(meta["label"]) for _, meta in cols]
        for j, (_, meta) in enumerate(cols, start=1):
            sheet.cell(row=1, column=j, value=meta["label"]).font = bold
        for i, row in enumerate(rows, start=2):
            for j, (attr, meta) in enumerate(cols, start=1):
                value = getattr(row, attr)
                cell = sheet.cell(row=i, column=j, value=_cell_value(meta, value))
                if isinstance(cell.value, str):
                    # openpyxl would store "=..." as a formula; text from a form must stay text.
                    cell.data_type = "s"
                elif isinstance(value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif meta.get("percent") and value is not None:
                    cell.number_format = PERCENT_FORMAT
                widths[j - 1] = max(widths[j - 1], _width(meta, value))
        last = get_column_letter(len(cols))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
        for j, width in enumerate(widths, start=1):
            # +2 leaves room for the filter button in the header.
            limit = MAX_WIDE_WIDTH if cols[j - 1][1].get("wide") else MAX_WIDTH
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH), limit)
    buffer = io.BytesIO()
    book.save(buffer)
    return {out: buffer.getvalue()}


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
