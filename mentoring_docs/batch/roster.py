"""Reading HR rosters: CSV as Excel writes it, XLSX, and JSON Lines, one row at a time.

A :class:`Roster` is an iterable of :class:`RosterRow`: the row number as the
spreadsheet shows it (the header is row 1; for JSON Lines, the line number) and its
cells by header. Rows are read lazily, so a roster of any length costs the memory
of one row. The headers are checked against the field catalogue when the roster is
opened (:mod:`mentoring_docs.batch.columns`), so a misspelt column is an error before any
document is made.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from . import columns as cols
from .. import jsontext
from ..errors import MentoringDocsError, Problem
from ..extension import Extension, extension_of
from ..limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_LINE_BYTES, MAX_ROSTER_BYTES, MAX_ROSTER_ROWS
from ..safe_read import FileRefused, open_regular, open_text

__all__ = ["Roster", "RosterError", "RosterRow", "open_roster"]

_DELIMITERS = (",", ";", "\t")
# A longer cell is not a roster's (Excel's own limit); the CSV reader stops there
# instead of holding a line that never ends.
csv.field_size_limit(MAX_CELL_CHARS)


class RosterError(MentoringDocsError):
    """A roster file that cannot be read as a whole (not just one bad row)."""


@dataclass
class RosterRow:
    """One row of a roster: its number as people see it, its cells, and any problem reading it.

    ``problems`` are what was found while reading it (a value in a column without a
    header, a line that is not JSON), each with its ``row`` and ``column``; such a row
    is reported, not made.
    """

    number: int
    cells: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


class Roster:
    """A roster file, read lazily row by row.

    ``columns`` are the headers in file order (resolved against the catalogue when
    the roster is opened); ``count`` is the number of rows when it is known
    cheaply, for a progress bar; ``name`` is how messages name the file.
    """

    format: str = ""

    def __init__(self, path: Path, extension: Extension | None = None) -> None:
        self.path = path
        self.name = str(path)
        #: The field extension whose questions may be columns of this roster.
        self.extension = extension
        self.headers: list[str] = []
        self.columns: list[cols.Column] = []
        self.count: int | None = None

    def __iter__(self) -> Iterator[RosterRow]:
        raise NotImplementedError

    def _resolve(self) -> None:
        named = [h for h in self.headers if h]
        if not named:
            raise RosterError(f"{self.name}: no column headers found")
        self.columns = cols.resolve_all(self.headers, where=self.name, skip_blank=True, extension=self.extension)


def open_roster(path: str | os.PathLike[str], *, sheet: str | None = None,
                extension: Extension | str | os.PathLike[str] | None = None) -> Roster:
    """Open a roster, recognising CSV, XLSX or JSON Lines from its content.

    Raises :class:`RosterError` for a file that cannot be read and
    :class:`~mentoring_docs.batch.columns.ColumnError` for unknown columns, both before
    any row is handed out. ``sheet`` picks an XLSX worksheet by name (default: the first).
    ``extension`` (a field extension or its file) lets its questions be columns.
    """
    ext = extension_of(extension)
    target = Path(path)
    try:
        with _open_binary(target) as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise RosterError(f"{target}: cannot read: {exc.strerror}") from None
    if head.startswith(b"PK\x03\x04"):
        from .xlsx_guard import check_workbook  # only XLSX rosters need it

        check_workbook(target, sheet)
        return XlsxRoster(target, sheet, ext)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterError(f"{target}: an old Excel .xls file; save it as .xlsx or as CSV UTF-8")
    if sheet is not None:
        raise RosterError(f"{target}: --sheet applies to XLSX workbooks only")
    text_head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text_head.startswith(b"{") or target.suffix.lower() in (".jsonl", ".ndjson"):
        return JsonLinesRoster(target, ext)
    return CsvRoster(target, ext)


def _open_binary(path: Path) -> BinaryIO:
    """A roster file, if it is a regular file within the size limit; RosterError otherwise."""
    try:
        return open_regular(path, limit=MAX_ROSTER_BYTES)
    except FileRefused as exc:
        raise RosterError(str(exc)) from None


# --- CSV ------------------------------------------------------------------------


class CsvRoster(Roster):
    """A CSV file as Excel and other spreadsheets save it.

    UTF-8 with or without a byte order mark; ``,``, ``;`` or tab as delimiter
    (whichever the header line uses most; a first line ``sep=;`` as Excel writes
    it is honoured); quoted cells may hold line breaks. A row's number counts
    records, not lines, as a spreadsheet shows them.
    """

    format = "csv"

    def __init__(self, path: Path, extension: Extension | None = None) -> None:
        super().__init__(path, extension)
        self.delimiter, self._skip_sep = self._sniff()
        # One pass over the whole file up front: an encoding or quoting error
        # stops the run before anything is written, and the count feeds the
        # progress bar. It keeps nothing but the count.
        count = -1
        for number, _ in self._records():
            count += 1
            if count > MAX_ROSTER_ROWS:
                raise RosterError(f"{self.name}: row {number:,}: a roster may have at most {MAX_ROSTER_ROWS:,} rows")
        self.count = max(count, 0)
        for number, record in self._records():
            self.headers = [h.strip() for h in record]
            break
        self._resolve()

    def _sniff(self) -> tuple[str, bool]:
        with _open_binary(self.path) as handle:
            # Bytes, not text: a decoding error is reported by the full pass, with its line.
            # Bounded: a first line that never ends is refused by the full pass, not held here.
            first = handle.readline(MAX_LINE_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
        stripped = first.strip()
        if stripped.lower().startswith("sep=") and len(stripped) == 5:
            return stripped[4], True
        counts = {d: first.count(d) for d in _DELIMITERS}
        best = max(_DELIMITERS, key=lambda d: counts[d])
        return (best if counts[best] else ","), False

    def _open(self) -> io.TextIOWrapper:
        try:
            return open_text(self.path, limit=MAX_ROSTER_BYTES)
        except FileRefused as exc:
            raise RosterError(str(exc)) from None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number, cells)`` of every record, header first, blank lines counted but skipped."""
        try:
            with self._open() as handle:
                if self._skip_sep:
                    handle.readline()
                reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
                number = 0
                for record in reader:
                    number += 1
                    if record and any(cell.strip() for cell in record):
                        yield number, record
        except UnicodeDecodeError as exc:
            raise RosterError(
                f"{self.name}: not UTF-8 text (line {self._line_of_bad_byte()}, byte 0x{exc.object[exc.start]:02X}); "
                "save the file as 'CSV UTF-8'"
            ) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise RosterError(
                    f"{self.name}: line {reader.line_num}: a cell longer than {MAX_CELL_CHARS:,} characters "
                    "(Excel's limit); refused"
                ) from None
            raise RosterError(f"{self.name}: not a readable CSV file near line {reader.line_num}: {exc}") from None

    def _line_of_bad_byte(self) -> int:
        with _open_binary(self.path) as handle:
            for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES), b""), start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return 0

    def __iter__(self) -> Iterator[RosterRow]:
        records = self._records()
        next(records, None)  # the header
        width = len(self.headers)
        for number, record in records:
            row = RosterRow(number, {})
            for position, cell in enumerate(record):
                if position < width and self.headers[position]:
                    row.cells[self.headers[position]] = cell
                elif cell.strip():
                    row.problems.append(Problem(
                        "", f"a value ({cell.strip()[:40]!r}) in a column without a header",
                        row=number, column=f"column {cols.column_letter(position)}",
                    ))
            yield row


# --- XLSX -----------------------------------------------------------------------


class XlsxRoster(Roster):
    """The first worksheet (or a named one) of an Excel workbook, streamed with openpyxl.

    The first non-empty row is the header. Dates, numbers and booleans come as the
    workbook stores them; text cells as written.
    """

    format = "xlsx"

    def __init__(self, path: Path, sheet: str | None, extension: Extension | None = None) -> None:
        super().__init__(path, extension)
        self.sheet = sheet
        workbook, worksheet = self._open()
        try:
            stored_rows = worksheet.max_row  # the size the workbook declares; may be missing
            rows = self._rows(worksheet)
            for number, values in rows:
                self.header_row = number
                self.headers = ["" if v is None else str(v).strip() for v in values]
                break
            else:
                raise RosterError(f"{self.name}: the worksheet is empty")
            if stored_rows:
                self.count = max(stored_rows - self.header_row, 0)
        finally:
            workbook.close()
        self._resolve()

    def _open(self) -> tuple[Any, Any]:
        import openpyxl  # imported here: only XLSX rosters need it
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise RosterError(f"{self.name}: not a readable XLSX workbook ({exc})") from None
        except Exception as exc:  # zipfile.BadZipFile, XML parse errors from a damaged file
            raise RosterError(f"{self.name}: not a readable XLSX workbook ({type(exc).__name__})") from None
        if self.sheet is None:
            worksheet = workbook.worksheets[0]
        elif self.sheet in workbook.sheetnames:
            worksheet = workbook[self.sheet]
        else:
            names = ", ".join(repr(n) for n in workbook.sheetnames)
            workbook.close()
            raise RosterError(f"{self.name}: no worksheet named {self.sheet!r}; it has {names}")
        return workbook, worksheet

    @staticmethod
    def _rows(worksheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
        # Some writers store a wrong sheet size; read every row that is there.
        worksheet.reset_dimensions()
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                yield number, values

    def __iter__(self) -> Iterator[RosterRow]:
        workbook, worksheet = self._open()
        try:
            width = len(self.headers)
            for number, values in self._rows(worksheet):
                if number <= self.header_row:
                    continue
                row = RosterRow(number, {})
                for position, value in enumerate(values):
                    if position < width and self.headers[position]:
                        row.cells[self.headers[position]] = value
                    elif value is not None and str(value).strip():
                        row.problems.append(Problem(
                            "", f"a value ({str(value).strip()[:40]!r}) in a column without a header",
                            row=number, column=f"column {cols.column_letter(position)}",
                        ))
                yield row
        finally:
            workbook.close()


# --- JSON Lines -----------------------------------------------------------------


class JsonLinesRoster(Roster):
    """One JSON object per line, nested like the data model or flat with dotted keys.

    A row's number is its line number. The keys of every line are checked when
    the roster is opened, in one pass that keeps only the set of keys seen.
    """

    format = "jsonl"

    def __init__(self, path: Path, extension: Extension | None = None) -> None:
        super().__init__(path, extension)
        seen: dict[str, int] = {}
        count = 0
        for number, obj in self._objects():
            count += 1
            if count > MAX_ROSTER_ROWS:
                raise RosterError(f"{self.name}: line {number:,}: a roster may have at most {MAX_ROSTER_ROWS:,} rows")
            if isinstance(obj, dict):
                for key, _ in cols.flat_items(obj, "", extension):
                    seen.setdefault(key, number)
                if len(seen) > MAX_COLUMNS:  # stop at once: matching each key costs time
                    raise cols.ColumnError(
                        f"{self.name}: line {number}: more than {MAX_COLUMNS:,} different keys; "
                        f"a roster may have at most {MAX_COLUMNS:,} columns"
                    )
        self.count = count
        self.headers = list(seen)
        problems = []
        for key, number in seen.items():
            try:
                cols.resolve(key, extension)
            except cols.ColumnError as exc:
                problems.append(f"{self.name}: line {number}: {exc}")
        if problems:
            raise cols.ColumnError("\n".join(problems))
        self.columns = [cols.resolve(key, extension) for key in self.headers]

    def _objects(self) -> Iterator[tuple[int, Any]]:
        """``(line number, parsed object or the error text)`` for every non-blank line."""
        try:
            with _open_binary(self.path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as handle:
                for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), ""), start=1):
                    if len(line) > MAX_LINE_BYTES:
                        raise RosterError(f"{self.name}: line {number} is longer than {MAX_LINE_BYTES:,} characters; "
                                          "refused")
                    if not line.strip():
                        continue
                    try:
                        yield number, jsontext.loads(line)
                    except jsontext.JsonProblems as exc:
                        yield number, _BadLine("; ".join(_json_problem(p) for p in exc.problems))
        except UnicodeDecodeError:
            raise RosterError(f"{self.name}: not UTF-8 text") from None

    def __iter__(self) -> Iterator[RosterRow]:
        for number, obj in self._objects():
            if isinstance(obj, _BadLine):
                yield RosterRow(number, {}, [Problem("", obj.message, row=number)])
            elif not isinstance(obj, dict):
                yield RosterRow(number, {}, [Problem("", "each line must be a JSON object", row=number)])
            else:
                yield RosterRow(number, dict(cols.flat_items(obj, "", self.extension)))


def _json_problem(problem: Problem) -> str:
    # One line of JSON: "line 1, column 7: invalid JSON: ..." says more than it needs to.
    text = _SYNTAX.sub(r"invalid JSON at column \1: ", problem.message)
    return f"{problem.path}: {text}" if problem.path else text


_SYNTAX = re.compile(r"^line \d+, column (\d+): invalid JSON: ")


@dataclass(frozen=True)
class _BadLine:
    message: str
