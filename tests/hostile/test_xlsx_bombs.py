"""XLSX rosters built to exhaust memory: refused from the ZIP directory or a bounded scan, with row and column."""

from __future__ import annotations

import random
import string
import zipfile
from pathlib import Path
from typing import Iterable

import openpyxl
import pytest

from hostile.harness import batch_refused, run_cli
from mentoring_docs import limits

_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         b'<row r="1"><c r="A1" t="inlineStr"><is><t>mentor.name</t></is></c>'
         b'<c r="B1" t="inlineStr"><is><t>mentee.name</t></is></c></row>')
_TAIL = b"</sheetData></worksheet>"


def _workbook(path: Path, sheet: Iterable[bytes], shared: Iterable[bytes] | None = None) -> Path:
    """A real workbook (saved by openpyxl) whose first sheet (and shared strings) are replaced, streamed."""
    base = path.with_suffix(".base.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["mentor.name", "mentee.name"])
    book.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w", force_zip64=True) as out:
                    for chunk in sheet:
                        out.write(chunk)
            elif info.filename == "xl/sharedStrings.xml" and shared is not None:
                continue
            else:
                target.writestr(info, source.read(info))
        if shared is not None:
            with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
                for chunk in shared:
                    out.write(chunk)
    base.unlink()
    return path


def _repeat(piece: bytes, total: int) -> Iterable[bytes]:
    block = piece * (1024 * 1024 // len(piece))
    for _ in range(total // len(block)):
        yield block


@pytest.mark.parametrize("mib,message", [(300, "would inflate to 300 MiB (limit 128 MiB)"),
                                         (100, "-fold, which no document does (a zip bomb?)")])
def test_one_cell_inflating_to_hundreds_of_mb(tmp_path, mib, message):
    sheet = [_HEAD, b'<row r="2"><c r="A2" t="inlineStr"><is><t>'] + list(_repeat(b"a", mib * 1024 * 1024)) + [
        b"</t></is></c></row>", _TAIL]
    roster = _workbook(tmp_path / "roster.xlsx", sheet)
    assert roster.stat().st_size < 2 * 1024 * 1024
    batch_refused(tmp_path, roster, "roster.xlsx: refused: xl/worksheets/sheet1.xml ", message)


def test_whitespace_in_shared_strings_inflating_to_300_mb(tmp_path):
    shared = [b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<si><t xml:space="preserve">'] + list(_repeat(b" ", 300 * 1024 * 1024)) + [b"</t></si></sst>"]
    roster = _workbook(tmp_path / "roster.xlsx", [_HEAD, _TAIL], shared)
    batch_refused(tmp_path, roster, "refused: xl/sharedStrings.xml")


def test_a_million_empty_rows(tmp_path):
    rows = (f'<row r="{n}"/>'.encode() for n in range(2, 1_048_577))
    roster = _workbook(tmp_path / "roster.xlsx", [_HEAD, *rows, _TAIL])
    batch_refused(tmp_path, roster, f"row {limits.MAX_ROSTER_ROWS + 1:,}: a roster may have at most "
                               f"{limits.MAX_ROSTER_ROWS:,} rows")


def test_a_cell_in_the_last_column(tmp_path):
    sheet = [_HEAD, b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', _TAIL]
    roster = _workbook(tmp_path / "roster.xlsx", sheet)
    batch_refused(tmp_path, roster, f"row 2, column XFD: a roster may have at most {limits.MAX_COLUMNS:,} columns")


def test_a_long_cell_that_compresses_normally(tmp_path):
    text = "".join(random.Random(4).choice(string.ascii_letters) for _ in range(40_000)).encode()
    sheet = [_HEAD, b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>", _TAIL]
    roster = _workbook(tmp_path / "roster.xlsx", sheet)
    batch_refused(tmp_path, roster, f"row 2: a cell of 40,000 characters; at most {limits.MAX_CELL_CHARS:,}")


def test_a_long_shared_string(tmp_path):
    text = "".join(random.Random(5).choice(string.ascii_letters) for _ in range(40_000)).encode()
    shared = [b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b"<si><t>ok</t></si><si><r><t>" + text[:20_000] + b"</t></r><r><t>" + text[20_000:] + b"</t></r></si></sst>"]
    roster = _workbook(tmp_path / "roster.xlsx", [_HEAD, _TAIL], shared)
    batch_refused(tmp_path, roster, "shared text 2 is 40,000 characters or more")


def test_a_part_larger_than_its_zip_entry_declares(tmp_path):
    text = b"".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>m{n}</t></is></c></row>'.encode()
                    for n in range(2, 3000))
    roster = _workbook(tmp_path / "roster.xlsx", [_HEAD, text, _TAIL])
    # Say the sheet inflates to 100 bytes, in the central directory and the local header.
    blob = bytearray(roster.read_bytes())
    with zipfile.ZipFile(roster) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    name = info.filename.encode()
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = blob.find(signature + b"")
        while at >= 0:
            header_name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if blob[header_name_at:header_name_at + len(name)] == name:
                blob[at + offset:at + offset + 4] = (100).to_bytes(4, "little")
            at = blob.find(signature, at + 4)
    roster.write_bytes(bytes(blob))
    batch_refused(tmp_path, roster, "not a readable XLSX workbook (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')")


def test_a_sound_workbook_is_still_read(tmp_path):
    sheet = [_HEAD, b'<row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c>'
                    b'<c r="B2" t="inlineStr"><is><t>Ben</t></is></c></row>', _TAIL]
    roster = _workbook(tmp_path / "roster.xlsx", sheet)
    result = run_cli("batch", roster, "-o", tmp_path / "out", "--formats", "docx", "--kinds", "action-plan",
                     cwd=tmp_path)
    result.bounded()
    assert result.code == 0, result.stderr
    assert (tmp_path / "out" / "Ben - Ana" / "action-plan.docx").is_file()
