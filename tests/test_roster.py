"""Reading rosters as people have them: CSV dialects, XLSX, JSON Lines, headers by path or label."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from mentoring_docs.batch import columns as cols
from mentoring_docs.batch.roster import RosterError, open_roster
from tools import require

HEADER = ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date", "purpose"]
ROWS = [
    ["Zoë Müller", "José Álvarez", "2026-01-12", "2026-07-10", "Grow into a lead role,\nthen mentor others"],
    ["田中 花子", "أحمد الخطيب", "12.1.2026", "10 July 2026", 'Quotes "inside"; and a semicolon'],
]


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False,
              sep_line: bool = False) -> Path:
    """A CSV file as Excel writes it: cells quoted when needed, CRLF between rows, LF inside cells."""
    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in row) for row in rows]
    text = (f"sep={delimiter}\r\n" if sep_line else "") + "\r\n".join(lines) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def rows_of(path: Path, **kwargs) -> list:
    return [(r.number, r.cells, [(p.column, p.message) for p in r.problems]) for r in open_roster(path, **kwargs)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_dialects_as_excel_writes_them(tmp_path: Path, delimiter: str, bom: bool) -> None:
    path = write_csv(tmp_path / "roster.csv", [HEADER, *ROWS], delimiter=delimiter, bom=bom)
    roster = open_roster(path)
    assert roster.format == "csv"
    assert roster.delimiter == delimiter
    assert roster.headers == HEADER  # the BOM is not part of the first header
    assert roster.count == 2
    got = rows_of(path)
    assert [number for number, _, _ in got] == [2, 3]
    # A quoted line break stays inside its cell.
    assert got[0][1]["purpose"] == "Grow into a lead role,\nthen mentor others"
    assert got[1][1]["purpose"] == 'Quotes "inside"; and a semicolon'
    assert got[1][1]["mentor.name"] == "أحمد الخطيب"


def test_row_numbers_are_what_the_spreadsheet_shows(tmp_path: Path) -> None:
    """A cell with line breaks is one row; a blank line is a row too (Excel shows it)."""
    path = tmp_path / "roster.csv"
    path.write_text(
        "mentee.name,purpose\n"
        'A,"one\ntwo\nthree"\n'
        "\n"
        "B,x\n"
        ",,\n"
        "C,y\n",
        encoding="utf-8",
    )
    assert [(n, c["mentee.name"]) for n, c, _ in rows_of(path)] == [(2, "A"), (4, "B"), (6, "C")]


def test_excel_sep_line_is_honoured(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, ROWS[0]], delimiter=";", sep_line=True)
    roster = open_roster(path)
    assert roster.delimiter == ";" and roster.headers == HEADER
    assert [n for n, _, _ in rows_of(path)] == [2]


def test_value_in_a_column_without_header_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("mentee.name,mentor.name\nA,B,surprise\nC,D,\n", encoding="utf-8")
    got = rows_of(path)
    assert got[0][2] == [("column C", "a value ('surprise') in a column without a header")]
    assert got[1][2] == []


def test_csv_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("mentee.name,mentor.name\nA,B\nZo\u00eb,C\n".encode("cp1252"))
    with pytest.raises(RosterError) as info:
        open_roster(path)
    assert "line 3" in str(info.value) and "CSV UTF-8" in str(info.value)


def test_csv_unterminated_quote_is_an_error_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('mentee.name,mentor.name\nA,"B\n', encoding="utf-8")
    with pytest.raises(RosterError, match="not a readable CSV"):
        open_roster(path)


def test_label_headers_case_and_spacing_do_not_matter(tmp_path: Path) -> None:
    header = ["Mentee: Full name", "MENTOR NAME", "  start date ", "Timeframe:End_Date", "Areas to develop",
              "action-plan.Goals.0.Title", "How often"]
    path = write_csv(tmp_path / "r.csv", [header, ["A", "B", "2026-01-12", "2026-07-10", "networking; Grow in confidence",
                                                   "Lead a project", "Every two weeks"]])
    roster = open_roster(path)
    targets = {c.header: sorted((t.kind, t.path) for t in c.targets) for c in roster.columns}
    assert targets == {
        "Mentee: Full name": [("action_plan", "mentee.name"), ("agreement", "mentee.name")],
        "MENTOR NAME": [("action_plan", "mentor.name"), ("agreement", "mentor.name")],
        "start date": [("agreement", "timeframe.start_date")],
        "Timeframe:End_Date": [("agreement", "timeframe.end_date")],
        "Areas to develop": [("agreement", "focus.areas")],
        "action-plan.Goals.0.Title": [("action_plan", "goals.0.title")],
        "How often": [("agreement", "meetings.frequency")],
    }
    column = {c.header: c for c in roster.columns}
    assert column["Areas to develop"].targets[0].convert("networking; Grow in confidence") == [
        ("focus.areas.networking", True), ("focus.areas.confidence", True)]
    assert column["How often"].targets[0].convert("Every two weeks") == [("meetings.frequency", "biweekly")]
    assert column["start date"].targets[0].convert("12.1.2026") == [("timeframe.start_date", dt.date(2026, 1, 12))]


def test_unknown_column_names_the_closest_known_one(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["mentee.name", "mentor.nmae", "Strat date", "favourite colour"], ["A", "B", "C", "D"]])
    with pytest.raises(cols.ColumnError) as info:
        open_roster(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: column B: unknown column 'mentor.nmae'; did you mean 'mentor.name'?"
    assert lines[1] == f"{path}: column C: unknown column 'Strat date'; did you mean 'Start date'?"
    assert lines[2].startswith(f"{path}: column D: unknown column 'favourite colour'")


def test_ambiguous_and_repeated_headers_are_errors(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Full name", "mentor.name", "Mentor: Full name", "purpose", "purpose"], ["a"] * 5])
    with pytest.raises(cols.ColumnError) as info:
        open_roster(path)
    text = str(info.value)
    assert "'Full name' could be any of mentee.name, mentor.name, program.coordinator.name" in text
    assert "column 'purpose' appears twice (columns D and E)" in text
    assert "columns 'mentor.name' and 'Mentor: Full name' both give mentor.name" in text


def test_xlsx_first_sheet_and_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pairs"
    sheet.append(["mentee.name", "mentor.name", "timeframe.start_date", "meetings.duration_minutes", "mentee.phone",
                  "focus.areas.networking"])
    sheet.append(["Zoë Müller", "José Álvarez", dt.datetime(2026, 1, 12), 45, 5551234, True])
    sheet.append([None] * 6)
    sheet.append(["Siobhán O'Brien", "王芳", "2026-02-02", "60", "+1 555", None])
    other = book.create_sheet("Later")
    other.append(["mentee.name", "mentor.name"])
    other.append(["X", "Y"])
    book.save(path)

    roster = open_roster(path)
    assert roster.format == "xlsx"
    got = rows_of(path)
    assert [n for n, _, _ in got] == [2, 4]
    first = got[0][1]
    assert first["timeframe.start_date"] == dt.datetime(2026, 1, 12)
    column = {c.header: c for c in roster.columns}
    assert column["timeframe.start_date"].targets[0].convert(first["timeframe.start_date"]) == [
        ("timeframe.start_date", dt.date(2026, 1, 12))]
    assert column["meetings.duration_minutes"].targets[0].convert(45) == [("meetings.duration_minutes", 45)]
    # A phone number typed as a number is still text, without a trailing ".0".
    assert column["mentee.phone"].targets[0].convert(5551234.0) == [("mentee.phone", "5551234")]
    assert column["focus.areas.networking"].targets[0].convert(True) == [("focus.areas.networking", True)]

    assert [(n, c) for n, c, _ in rows_of(path, sheet="Later")] == [(2, {"mentee.name": "X", "mentor.name": "Y"})]
    with pytest.raises(RosterError, match="no worksheet named 'Nope'; it has 'Pairs', 'Later'"):
        open_roster(path, sheet="Nope")


def test_xlsx_saved_by_libreoffice(tmp_path: Path) -> None:
    """A workbook written by a real spreadsheet program, not by the library that reads it."""
    soffice = require("soffice")
    source = write_csv(tmp_path / "roster.csv", [HEADER, *ROWS])
    # CSV:44,34,76,1 = comma, double quote, UTF-8, start at line 1.
    run = subprocess.run([soffice, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                          "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=120)
    if not (tmp_path / "roster.xlsx").exists():
        message = f"LibreOffice Calc could not convert the roster: {run.stderr.strip()[-200:]}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must install libreoffice-calc-nogui)")
        pytest.skip(message + " (apt-get install libreoffice-calc-nogui)")
    got = rows_of(tmp_path / "roster.xlsx")
    assert [n for n, _, _ in got] == [2, 3]
    assert got[0][1]["mentee.name"] == "Zoë Müller"
    assert got[1][1]["mentor.name"] == "أحمد الخطيب"
    assert got[0][1]["purpose"].replace("\r\n", "\n") == "Grow into a lead role,\nthen mentor others"
    # LibreOffice stores an ISO date as a real date cell; either way the field gets a date.
    start = {c.header: c for c in open_roster(tmp_path / "roster.xlsx").columns}["timeframe.start_date"].targets[0]
    assert start.convert(got[0][1]["timeframe.start_date"]) == [("timeframe.start_date", dt.date(2026, 1, 12))]
    assert start.convert(got[1][1]["timeframe.start_date"]) == [("timeframe.start_date", dt.date(2026, 1, 12))]


def test_damaged_and_foreign_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(RosterError, match="not a readable XLSX workbook"):
        open_roster(broken)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(RosterError, match=r"old Excel \.xls"):
        open_roster(old)
    with pytest.raises(RosterError, match="no such file"):
        open_roster(tmp_path / "missing.csv")


def test_json_lines_nested_or_flat(tmp_path: Path) -> None:
    path = tmp_path / "roster.jsonl"
    lines = [
        json.dumps({"mentee": {"name": "Zoë"}, "mentor": {"name": "Ana"}, "focus": {"areas": ["networking"]},
                    "goals": {"top": ["Lead", "Speak"]}}, ensure_ascii=False),
        "",
        json.dumps({"mentee.name": "B", "mentor.name": "C", "meetings.duration_minutes": 30}),
        "{not json",
        "[1, 2]",
    ]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    roster = open_roster(path)
    assert roster.format == "jsonl" and roster.count == 4
    got = rows_of(path)
    assert got[0] == (1, {"mentee.name": "Zoë", "mentor.name": "Ana", "focus.areas": ["networking"],
                          "goals.top.0": "Lead", "goals.top.1": "Speak"}, [])
    assert got[1] == (3, {"mentee.name": "B", "mentor.name": "C", "meetings.duration_minutes": 30}, [])
    assert got[2][0] == 4 and "invalid JSON" in got[2][2][0][1]
    assert got[3] == (5, {}, [("", "each line must be a JSON object")])


def test_json_lines_unknown_key_is_an_error_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "roster.jsonl"
    path.write_text('{"mentee": {"name": "A"}}\n{"mentee": {"nmae": "B"}}\n', encoding="utf-8")
    with pytest.raises(cols.ColumnError, match=r"line 2: unknown column 'mentee\.nmae'; did you mean 'mentee\.name'\?"):
        open_roster(path)


def test_rows_are_streamed_not_loaded(tmp_path: Path) -> None:
    """Iterating a roster yields rows lazily: the first row arrives before the file is read to the end."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("mentee.name,mentor.name\n")
        for i in range(50_000):
            handle.write(f"Mentee {i},Mentor {i}\n")
    roster = open_roster(path)
    rows = iter(roster)
    first = next(rows)
    assert first.number == 2 and first.cells == {"mentee.name": "Mentee 0", "mentor.name": "Mentor 0"}
    assert rows.gi_frame is not None  # still suspended inside the file, not finished
    assert roster.count == 50_000
