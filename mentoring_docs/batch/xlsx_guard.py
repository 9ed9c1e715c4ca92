"""Checking an XLSX roster before openpyxl reads it: no zip bombs, no absurd sheets.

openpyxl inflates and parses what the workbook holds, however large: a few
megabytes of XLSX can hold a 2 GB cell or a million empty rows. Before it is
opened, every part is checked from the ZIP directory (declared size and
compression ratio, as Word forms are: :func:`~mentoring_docs.docx.package.inflation_refusal`),
and the worksheets and shared strings are streamed once, with a bounded parser,
to refuse rows, columns and cells past the limits with their row and column.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO

from lxml import etree

from ..docx.package import inflation_refusal
from ..limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROSTER_BYTES, MAX_ROSTER_ROWS, MAX_XLSX_PART_BYTES, \
    MAX_XLSX_RATIO
from ..safe_read import FileRefused, open_regular
from .columns import column_letter

__all__ = ["check_workbook"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _TEXT, _SI = (_MAIN + t for t in ("row", "c", "v", "t", "si"))
_REF = re.compile(r"^([A-Z]{1,3})?(\d+)?$")


def check_workbook(path: Path, sheet: str | None = None) -> None:
    """Raise :class:`~mentoring_docs.roster.RosterError` if the workbook at ``path`` is past a limit.

    ``sheet`` is accepted for symmetry with the roster; every worksheet is
    checked, since which one openpyxl reads first is the workbook's to say.
    """
    from .roster import RosterError

    name = str(path)
    try:
        with open_regular(path, limit=MAX_ROSTER_BYTES) as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            for info in infos:
                refusal = inflation_refusal(info, MAX_XLSX_PART_BYTES, MAX_XLSX_RATIO)
                if refusal:
                    raise RosterError(f"{name}: {refusal}")
            for info in infos:
                part = info.filename
                if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                    with archive.open(info) as stream:
                        _check_sheet(stream, name, part)
                elif part == "xl/sharedStrings.xml":
                    with archive.open(info) as stream:
                        _check_strings(stream, name)
    except FileRefused as exc:
        raise RosterError(str(exc)) from None
    except RosterError:
        raise
    except etree.XMLSyntaxError as exc:
        raise RosterError(f"{name}: not a readable XLSX workbook ({exc.msg})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error, ValueError,
            NotImplementedError, RuntimeError, OSError) as exc:
        raise RosterError(f"{name}: not a readable XLSX workbook ({exc})") from None


def _events(stream: IO[bytes]) -> "etree.iterparse":
    # No entities, no network, no "huge" text nodes: lxml itself refuses a text
    # node over 10 MB, and our own check refuses far less.
    return etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                           huge_tree=False, load_dtd=False)


def _check_sheet(stream: IO[bytes], name: str, part: str) -> None:
    from .roster import RosterError

    where = f"{name}: {part.rsplit('/', 1)[-1].removesuffix('.xml')}"
    row_number = 0
    rows = 0
    for event, element in _events(stream):
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                rows += 1
                ref = element.get("r")
                row_number = int(ref) if ref and ref.isdigit() and len(ref) < 10 else row_number + 1
                if row_number > MAX_ROSTER_ROWS or rows > MAX_ROSTER_ROWS:
                    raise RosterError(f"{where}: row {row_number:,}: a roster may have at most "
                                      f"{MAX_ROSTER_ROWS:,} rows")
            elif tag == _CELL:
                column = _column_of(element.get("r"))
                if column is not None and column > MAX_COLUMNS:
                    raise RosterError(f"{where}: row {row_number:,}, column {column_letter(column - 1)}: "
                                      f"a roster may have at most {MAX_COLUMNS:,} columns")
            continue
        if tag in (_VALUE, _TEXT) and element.text is not None and len(element.text) > MAX_CELL_CHARS:
            raise RosterError(f"{where}: row {row_number:,}: a cell of {len(element.text):,} characters; "
                              f"at most {MAX_CELL_CHARS:,} are allowed")
        if tag == _ROW:
            _forget(element)


def _check_strings(stream: IO[bytes], name: str) -> None:
    from .roster import RosterError

    index = -1
    length = 0
    for event, element in _events(stream):
        if event == "start":
            if element.tag == _SI:
                index += 1
                length = 0
            continue
        if element.tag == _TEXT and element.text:
            length += len(element.text)
            if length > MAX_CELL_CHARS:
                raise RosterError(f"{name}: shared text {index + 1:,} is {length:,} characters or more; "
                                  f"a cell may hold at most {MAX_CELL_CHARS:,}")
        if element.tag == _SI:
            _forget(element)


def _forget(element: etree._Element) -> None:
    """Drop a finished element and those before it: memory stays flat however long the part."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _column_of(ref: str | None) -> int | None:
    """The 1-based column number of a cell reference such as ``AB12``; None without one."""
    if not ref:
        return None
    match = _REF.match(ref)
    if not match or not match.group(1):
        return None
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return number
