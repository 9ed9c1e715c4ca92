"""Tracking in memory bounded by the number of pairs: per-file rows on disk, outputs written as read.

These tests check the design (what is held, what is on disk, that the result is the
same either way), never a time or a memory figure: ``bench/bench_track.py --scale
--pairs`` measures those.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

import openpyxl
import pytest
from hypothesis import given, strategies as st
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from mentoring_docs.errors import Problem
from mentoring_docs.tracking import Returned, Tracker, build, spool
from mentoring_docs.tracking.build import _Intake
from mentoring_docs.tracking.collect import Seen, walk, walk_names
from mentoring_docs.tracking.copies import Copies
from mentoring_docs.tracking.output import xlsx as xlsx_output
from mentoring_docs.tracking.output.json_file import chunks
from mentoring_docs.tracking.spool import Sorter, Spool
from mentoring_docs.tracking.tables import PROBLEM_CATEGORIES, DocumentRow, columns
from test_track import AS_OF, T0, _program, agreement, doc, issued, plan
from test_track_output import tracker  # noqa: F401 - the fixture


@contextlib.contextmanager
def small_blocks(block: int = 3, run: int = 5) -> Iterator[None]:
    """Spools and sorters that go to disk after a handful of rows, so a small test uses the disk path."""
    saved = spool.BLOCK, spool.RUN, spool.RUN_BLOCK
    spool.BLOCK, spool.RUN, spool.RUN_BLOCK = block, run, 2
    try:
        yield
    finally:
        spool.BLOCK, spool.RUN, spool.RUN_BLOCK = saved


@given(rows=st.lists(st.tuples(st.integers(0, 9), st.text(max_size=5)), max_size=40), start=st.integers(-45, 45),
       stop=st.integers(-45, 45), step=st.sampled_from([1, 2, -1, 3]))
def test_a_spool_reads_back_as_the_list_it_was_given(rows: list[tuple[int, str]], start: int, stop: int,
                                                      step: int) -> None:
    with small_blocks():
        kept = Spool(rows)
        assert len(kept) == len(rows) and list(kept) == rows and kept == rows
        assert kept[start:stop:step] == rows[start:stop:step]
        for index in (0, len(rows) - 1, -1, start):
            if -len(rows) <= index < len(rows):
                assert kept[index] == rows[index]
        with pytest.raises(IndexError):
            kept[len(rows)]
        if len(rows) >= spool.BLOCK:
            assert kept._file is not None and len(kept._pending) < spool.BLOCK  # on disk, a block in memory
            if sys.platform.startswith("linux"):  # a file without a name: nothing left however the run ends
                assert os.readlink(f"/proc/self/fd/{kept._file.fileno()}").endswith("(deleted)")
        assert list(kept) == rows  # read again: nothing consumed


@given(items=st.lists(st.tuples(st.integers(0, 6), st.integers()), max_size=60))
def test_a_sorter_sorts_as_sorted_does_equal_keys_in_the_order_they_came(items: list[tuple[int, int]]) -> None:
    with small_blocks():
        sorter: Sorter[tuple[int, int]] = Sorter(lambda item: item[0])
        for item in items:
            sorter.add(item)
        assert len(sorter._current) < spool.RUN  # the rest went to disk in sorted runs
        assert all(isinstance(run, Spool) and run._disk is sorter._disk for run in sorter._runs)  # one file
        assert list(sorter.sorted()) == sorted(items, key=lambda item: item[0])


def _copies_of(pairs: int, copies: int) -> list[Returned]:
    """``pairs`` pairs, each returning its agreement and plan ``copies`` times (one a minute, newest last)."""
    out = []
    for p in range(pairs):
        for c in range(copies):
            when = T0 + dt.timedelta(minutes=c)
            out.append(doc(f"p{p:02d}/agreement-{c:03d}.docx", "agreement",
                           agreement(agreement_id=f"MPA-{p}"), modified=when))
            out.append(doc(f"p{p:02d}/plan-{c:03d}.pdf", "action_plan", plan(agreement_id=f"MPA-{p}"), modified=when))
    return out


def _live(kind: type) -> int:
    gc.collect()
    return sum(1 for item in gc.get_objects() if isinstance(item, kind))


def test_what_tracking_holds_grows_with_the_pairs_not_with_the_files() -> None:
    pairs, copies = 4, 40
    documents = _copies_of(pairs, copies)
    files = {d.file for d in documents}
    with small_blocks(block=8, run=16):
        intake = _Intake(None)
        before_returned, before_rows = _live(Returned), _live(DocumentRow)
        while documents:  # handed over one at a time and dropped, as track() reads files
            intake.add(documents.pop())
        # Held per pair: one group of copies per document kind, each with only the copy it would use.
        assert len(intake.pairs) == pairs and len(intake.spilled) == 2 * pairs
        for group in intake.spilled.values():
            assert isinstance(group, Copies) and group._superseded == [] and group._newer_invalid == []
            assert group._valid is not None
        assert _live(Returned) - before_returned <= 2 * pairs
        # Held per file: nothing but the sorter's current run; the other rows are on disk.
        assert len(intake.document_rows._current) < spool.RUN
        assert _live(DocumentRow) - before_rows < spool.RUN
        assert sum(len(run) for run in intake.document_rows._runs) + len(intake.document_rows._current) \
            == 2 * pairs * (copies - 1)
        tracker = intake.build(as_of=AS_OF)
        assert isinstance(tracker.documents, Spool) and isinstance(tracker.problems, Spool)
        assert len(tracker.documents._pending) < spool.BLOCK and tracker.documents._file is not None
        assert _live(DocumentRow) - before_rows < spool.BLOCK + spool.RUN
        rows = list(tracker.documents)
    assert [row.file for row in rows] == sorted(files)
    assert sum(row.status == "used" for row in rows) == 2 * pairs
    newest = {f"MPA-{p}": (f"p{p:02d}/agreement-{copies - 1:03d}.docx", f"p{p:02d}/plan-{copies - 1:03d}.pdf")
              for p in range(pairs)}
    for row in rows:
        if row.status == "superseded":
            assert row.superseded_by in newest[row.pair] and row.superseded_by[:3] == row.file[:3]


def _everything() -> tuple[list[Returned], list[Any], list[Problem]]:
    documents = _program() + _copies_of(3, 4) + [
        doc(f"zz/bad-{n}.pdf", "agreement", agreement(agreement_id="MPA-9"), modified=T0 + dt.timedelta(hours=n),
            problems=(Problem("timeframe.end_date", f"bad {n}"),)) for n in range(7)]
    manifest = [issued("p3", "MPA-3", "agreement.pdf", "agreement", sha=_program()[-1].sha256),
                issued("p4", "MPA-4", "plan.pdf", "action_plan")]
    unreadable = [Problem("", f"damaged {n}", file=f"junk/{n}.pdf", category="unreadable") for n in range(11)]
    return documents, manifest, unreadable


@given(order=st.randoms())
def test_the_tables_are_the_same_whether_their_rows_went_to_disk_or_not(order: Any) -> None:
    documents, manifest, unreadable = _everything()
    expected = build(sorted(documents, key=lambda d: d.file), as_of=AS_OF, issued=manifest,
                     unreadable=unreadable).to_dict()
    assert expected["documents"] and len(expected["problems"]) > 11
    order.shuffle(documents)
    with small_blocks():
        got = build(documents, as_of=AS_OF, issued=manifest, unreadable=unreadable)
        assert got.documents._file is not None and got.problems._file is not None  # on disk
        assert got.to_dict() == expected
        manager = got.for_audience("manager")  # messages replaced as the rows are read from disk
        assert [p.problem for p in manager.problems] == [PROBLEM_CATEGORIES[p["category"]]
                                                         for p in expected["problems"]]
        assert manager.problems[-1] == dataclasses.replace(got.problems[-1], problem=PROBLEM_CATEGORIES[
            got.problems[-1].category])


def test_json_is_written_row_by_row_as_json_dumps_would_write_it(tracker: Tracker) -> None:  # noqa: F811
    for audience in ("coordinator", "manager"):
        view = tracker.for_audience(audience)
        assert "".join(chunks(view)) == json.dumps(view.to_dict(), ensure_ascii=False, indent=2) + "\n"
    empty = Tracker(AS_OF, [], [], [], [], [])
    assert "".join(chunks(empty)) == json.dumps(empty.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _cell_by_cell(tracker: Tracker) -> bytes:
    """The workbook as it was built before it was streamed: every cell an object of a normal openpyxl sheet."""
    book = openpyxl.Workbook()
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
                cell = sheet.cell(row=i, column=j, value=xlsx_output._cell_value(meta, value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(value, dt.datetime):
                    cell.number_format = xlsx_output.DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = xlsx_output.DATE_FORMAT
                elif meta.get("percent") and value is not None:
                    cell.number_format = xlsx_output.PERCENT_FORMAT
                widths[j - 1] = max(widths[j - 1], xlsx_output._width(meta, value))
        last = get_column_letter(len(cols))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
        for j, width in enumerate(widths, start=1):
            limit = xlsx_output.MAX_WIDE_WIDTH if cols[j - 1][1].get("wide") else xlsx_output.MAX_WIDTH
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, xlsx_output.MIN_WIDTH), limit)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    # The only difference allowed: when the file was made.
    parts["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"T", parts["docProps/core.xml"])
    return parts


def test_the_streamed_workbook_holds_the_bytes_of_one_built_cell_by_cell(tracker: Tracker,  # noqa: F811
                                                                        tmp_path: Path) -> None:
    documents, manifest, unreadable = _everything()
    with small_blocks():
        big = build(documents, as_of=AS_OF, issued=manifest, unreadable=unreadable)
        for n, case in enumerate((tracker, tracker.for_audience("manager"), big, Tracker(AS_OF, [], [], [], [], []))):
            out = tmp_path / f"t{n}.xlsx"
            case.write(out)
            assert _parts(out.read_bytes()) == _parts(_cell_by_cell(case))
    assert ALL_TEMP_FILES == []  # openpyxl's temporary sheet files are gone once the workbook is saved


def test_a_write_that_fails_half_way_leaves_no_file(tmp_path: Path) -> None:
    # A file name that is not valid UTF-8 (read from disk with surrogate escapes) cannot go in a
    # UTF-8 output: the error comes after the tables before it were written.
    documents, manifest, unreadable = _everything()
    unreadable.append(Problem("", "damaged", file="junk/\udcff.pdf", category="unreadable"))
    with small_blocks():
        tracker = build(documents, as_of=AS_OF, issued=manifest, unreadable=unreadable)
        for name in ("t.json", "t.csv", "t.html"):
            with pytest.raises(UnicodeEncodeError):
                tracker.write(tmp_path / name)
        with pytest.raises(UnicodeEncodeError):  # the error itself, not one from cleaning up after it
            tracker.write(tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []  # no target, no temporary file
    assert ALL_TEMP_FILES == []  # nor openpyxl's, for the sheets written before the error


def test_rows_of_a_spooled_table_are_the_row_types(tracker: Tracker) -> None:  # noqa: F811
    with small_blocks():
        copied = dataclasses.replace(tracker, documents=Spool(tracker.documents), problems=Spool(tracker.problems))
        assert copied == tracker and copied.to_dict() == tracker.to_dict()
        assert all(isinstance(row, DocumentRow) for row in copied.documents)


def test_files_already_found_are_kept_as_digests_in_sorted_runs() -> None:
    seen = Seen()
    names = [f"/forms/pair-{n}/agreement.pdf".encode() for n in range(3 * Seen.BUFFER + 5)]
    assert all(seen.add(name) for name in names)
    assert not any(seen.add(name) for name in names[::7])
    assert len(seen) == len(names) and len(seen._recent) < Seen.BUFFER
    assert all(run.itemsize == 8 and list(run) == sorted(run) for run in seen._runs)  # 8 bytes a name


def test_walk_gives_the_names_paths_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a/x.docx", "a/b/y.pdf", "c.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    for given in (["."], ["./a/"], [str(tmp_path)], ["a", "a/b/y.pdf", "c.pdf"]):
        names = list(walk_names(given, []))
        assert names == [str(Path(folder) / name) for folder, name in
                         ((os.path.dirname(n), os.path.basename(n)) for n in names)]
        assert names == [str(path) for path in walk(given, [])]
    assert list(walk_names(["."], [])) == ["c.pdf", "a/x.docx", "a/b/y.pdf"]
