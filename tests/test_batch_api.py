"""The batch Python API and the options of the command: any iterable of rows, defaults, action-plan
columns, rosters in every format, templates, name patterns, kinds and formats, progress, streaming."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import mentoring_docs
from mentoring_docs import batch, forms
from mentoring_docs.batch import columns
from mentoring_docs.errors import MentoringDocsError
from mentoring_docs.batch.roster import open_roster
from batch_support import FILES, FORMATS, ROOT, documents, read_back, read_csv, run_batch, write_roster

PAIR = {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}}


def test_any_iterable_of_rows_gives_a_report(tmp_path: Path) -> None:
    def rows():  # a generator, as a program reading a database would pass
        yield PAIR
        yield {"mentor.name": "Chen Wei", "Mentee: Full name": "Dana Cruz", "Start date": dt.date(2026, 2, 2),
               "timeframe.end_date": "2 August 2026", "meetings.duration_minutes": 30}
        yield {"mentor.name": "Eli Ross", "mentee.name": "Fay Lund", "timeframe.start_date": "soon",
               "timeframe.end_date": "2026-08-01"}
        yield {"mentor.name": "Gus Hale", "mentee.name": "Hana Ito", "timeframe.start_date": "2026-03-01",
               "timeframe.end_date": "2026-08-01", "mentee.emial": "x@y.org"}

    out = tmp_path / "out"
    report = batch.generate(rows(), out, jobs=2)
    per_pair = len(FILES)
    assert (report.rows, report.pairs, report.failed_rows, report.files_written) == (4, 2, 2, 2 * per_pair)
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "row 3: timeframe.start_date: not a date: 'soon' (write it as YYYY-MM-DD)",
        "row 4, column 'mentee.emial': unknown column 'mentee.emial'; did you mean 'mentee.email'?",
    ]
    assert report.summary() == (f"4 rows: 2 pairs ready, {2 * per_pair} files ({2 * per_pair} written, 0 already there); "
                                f"2 rows failed with 2 errors, listed in {out / 'errors.csv'}")
    second = read_back(out / "Dana Cruz - Chen Wei" / "agreement.pdf").data
    assert second["timeframe"] == {"start_date": dt.date(2026, 2, 2), "end_date": dt.date(2026, 8, 2)}
    assert second["meetings"] == {"duration_minutes": 30}
    assert [m["row"] for m in read_csv(out / "manifest.csv")] == ["1"] * per_pair + ["2"] * per_pair


def test_unknown_key_in_the_first_row_fails_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(columns.ColumnError, match=r"first row: column B: unknown column 'mentor\.nmae'"):
        batch.generate([{"mentee.name": "A", "mentor.nmae": "B"}], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_defaults_merge_under_rows_and_action_plan_columns(tmp_path: Path) -> None:
    defaults = {
        "program": {"name": "Guild 2026", "coordinator": {"name": "Rosa Diaz", "email": "rosa@example.org"}},
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10",
                      "milestones": [{"name": "Mid-year review", "date": "2026-04-15"}]},
        "meetings": {"frequency": "biweekly", "format": "video", "location": "Zoom"},
        "focus": {"areas": ["networking", "confidence"]},
        "action_plan": {"created_on": "2026-01-26"},
    }
    rows = [
        {"mentor.name": "Ana Lima", "mentee.name": "Ben Okafor", "mentee.email": "ben@example.org",
         "action_plan.mentee.email": "ben.okafor@example.org",
         "meetings.format": "", "meetings.location": "Room 4", "focus.areas": "career_path",
         "goals.top.0": "Lead the data migration",
         "action_plan.goals.0.title": "Lead the data migration",
         "action_plan.goals.0.activities.0.description": "Shadow the current lead",
         "action_plan.goals.0.activities.0.kind": "Learning from others",
         "action_plan.goals.0.activities.0.effort.amount": "6", "action_plan.goals.0.activities.0.effort.unit": "hours",
         "action_plan.goals.1.title": "Present at the guild meeting"},
    ]
    out = tmp_path / "out"
    report = batch.generate(rows, out, defaults=defaults, formats=["pdf"], jobs=1)
    assert report.ok, report.errors
    folder = out / "Ben Okafor - Ana Lima"
    agreement = read_back(folder / "agreement.pdf").data
    assert agreement["program"]["coordinator"] == {"name": "Rosa Diaz", "email": "rosa@example.org"}
    assert agreement["timeframe"]["milestones"] == [{"name": "Mid-year review", "date": dt.date(2026, 4, 15)}]
    # An empty cell keeps the default; a given one wins; a list the row gives replaces the defaults' list.
    assert agreement["meetings"] == {"frequency": "biweekly", "format": "video", "location": "Room 4"}
    assert agreement["focus"] == {"areas": ["career_path"]}
    assert agreement["goals"] == {"top": ["Lead the data migration"]}
    assert agreement["mentee"]["email"] == "ben@example.org"
    plan = read_back(folder / "action-plan.pdf").data
    assert plan["agreement_id"] == agreement["agreement_id"]
    assert plan["mentee"] == {"name": "Ben Okafor", "email": "ben.okafor@example.org"}
    assert plan["created_on"] == dt.date(2026, 1, 26)
    assert plan["goals"] == [
        {"title": "Lead the data migration", "activities": [{
            "description": "Shadow the current lead", "kind": "learning_from_others",
            "effort": {"amount": 6, "unit": "hours"}, "status": "not_started"}]},
        {"title": "Present at the guild meeting"},
    ]


def test_bad_defaults_are_reported_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(MentoringDocsError) as info:
        batch.generate([PAIR], tmp_path / "out", defaults={
            "meetings": {"frequency": "fortnightly", "lenght": 30}, "agreement_id": "MPA-1"})
    assert str(info.value).splitlines() == [
        "defaults: meetings.frequency: 'fortnightly' is not one of: weekly, biweekly, monthly, other",
        "defaults: unknown column 'meetings.lenght'; did you mean 'meetings.location'?",
        "defaults: 'agreement_id' would give every pair the same identifier; leave it to the roster",
    ]
    assert not (tmp_path / "out").exists()


def test_csv_xlsx_and_json_lines_rosters_give_the_same_documents(tmp_path: Path) -> None:
    header = ["Mentee: Full name", "Mentor: Full name", "Start date", "End date", "Areas to develop", "purpose"]
    rows = [["Zoë Müller", "José Álvarez", "2026-01-12", "2026-07-10", "networking, confidence", "Line one\nline two"],
            ["王芳", "Анна Смирнова", "2026-02-02", "2026-08-28", "", "目的"]]
    write_roster(tmp_path / "r.csv", header, [dict(zip(header, r)) for r in rows])
    book = openpyxl.Workbook()
    book.active.append(header)
    for r in rows:
        book.active.append([r[0], r[1], dt.datetime.fromisoformat(r[2]), dt.date.fromisoformat(r[3]), r[4], r[5]])
    book.save(tmp_path / "r.xlsx")
    with (tmp_path / "r.jsonl").open("w", encoding="utf-8") as handle:
        for r in rows:
            record = {"mentee": {"name": r[0]}, "mentor": {"name": r[1]},
                      "timeframe": {"start_date": r[2], "end_date": r[3]}, "purpose": r[5]}
            if r[4]:
                record["focus"] = {"areas": [a.strip() for a in r[4].split(",")]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    manifests = []
    for name in ("r.csv", "r.xlsx", "r.jsonl"):
        report = batch.generate(open_roster(tmp_path / name), tmp_path / f"out-{name}", formats=["pdf"], jobs=1)
        assert report.ok, report.errors
        manifests.append([(m["folder"], m["agreement_id"], m["file"], m["input_sha256"])
                          for m in read_csv(tmp_path / f"out-{name}" / "manifest.csv")])
    assert manifests[0] == manifests[1] == manifests[2]
    data = read_back(tmp_path / "out-r.xlsx" / "Zoë Müller - José Álvarez" / "agreement.pdf").data
    assert data["focus"] == {"areas": ["networking", "confidence"]}
    assert data["purpose"] == "Line one\nline two"


def test_kinds_formats_and_name_pattern(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date"],
                          [{"mentee.name": "Ann/Bo", "mentor.name": "Cy", "timeframe.start_date": "2026-01-05",
                            "timeframe.end_date": "2026-06-05"}])
    fmt = FORMATS[0]
    result = run_batch(roster, "-o", tmp_path / "out", "--kinds", "action-plan", "--formats", fmt,
                       "--name", "{row} {Mentee: Full name}/{mentor.name} {agreement_id}")
    assert result.returncode == 0, result.stderr
    [document] = documents(tmp_path / "out")
    agreement_id = read_csv(tmp_path / "out" / "manifest.csv")[0]["agreement_id"]
    assert document.relative_to(tmp_path / "out") == Path(f"2 Ann_Bo_Cy {agreement_id}") / f"action-plan.{fmt}"
    assert read_back(document).kind == "action_plan"

    bad = run_batch(roster, "-o", tmp_path / "out2", "--name", "{mentee.nam}")
    assert bad.returncode == 1
    assert bad.stderr == "error: name pattern '{mentee.nam}': unknown column 'mentee.nam'; did you mean 'mentee.name'?\n"
    assert not (tmp_path / "out2").exists()


def test_custom_templates(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date"],
                          [{"mentee.name": "Ann", "mentor.name": "Bo", "timeframe.start_date": "2026-01-05",
                            "timeframe.end_date": "2026-06-05"}])
    for fmt in FORMATS:
        forms.export_template("agreement", fmt, tmp_path / f"ours.{fmt}")
    args = [roster, "-o", tmp_path / "out", "--kinds", "agreement"]
    for fmt in FORMATS:
        args += ["--template", f"agreement=ours.{fmt}"]
    result = run_batch(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for fmt in FORMATS:
        assert read_back(tmp_path / "out" / "Ann - Bo" / f"agreement.{fmt}").data["mentee"] == {"name": "Ann"}
    # The same bytes as the built-in template: the same template, so the same input digest.
    builtin = batch.generate(open_roster(roster), tmp_path / "builtin", kinds=["agreement"], jobs=1)
    assert [m["input_sha256"] for m in read_csv(tmp_path / "builtin" / "manifest.csv")] == \
        [m["input_sha256"] for m in read_csv(tmp_path / "out" / "manifest.csv")]
    assert builtin.ok

    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a template")
    for template, message in [
        ("agreement=broken.docx", "broken.docx"),
        ("action-plan=ours.pdf", "ours.pdf: a PDF template for action-plan, which this batch does not make"),
        ("agreement=missing.docx", "missing.docx"),
    ]:
        result = run_batch(roster, "-o", tmp_path / "out3", "--kinds", "agreement", "--template", template, cwd=tmp_path)
        assert result.returncode in (1, 2) and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "out3").exists()


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    header = ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date"]
    roster = write_roster(tmp_path / "r.csv", header, [
        {"mentee.name": f"Mentee {i}", "mentor.name": f"Mentor {i}", "timeframe.start_date": "2026-01-05",
         "timeframe.end_date": "2026-06-05"} for i in range(30)])
    piped = run_batch(roster, "-o", tmp_path / "piped")
    assert piped.returncode == 0
    files = 30 * len(FILES)
    assert piped.stderr == f"30 rows: 30 pairs ready, {files} files ({files} written, 0 already there); no errors\n"

    def on_terminal(*extra: str) -> str:
        leader, follower = pty.openpty()
        env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
        process = subprocess.Popen(
            [sys.executable, "-m", "mentoring_docs.cli", "batch", str(roster), *extra],
            stdout=subprocess.DEVNULL, stderr=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        os.close(leader)
        assert process.returncode == 0
        return b"".join(chunks).decode("utf-8", errors="replace")

    shown = on_terminal("-o", str(tmp_path / "tty"))
    assert "rows/s" in shown and "30/30" in shown
    assert "30 rows: 30 pairs ready" in shown
    quiet = on_terminal("-o", str(tmp_path / "quiet"), "--quiet")
    assert "rows/s" not in quiet and "\x1b[" not in quiet
    assert quiet.strip() == f"30 rows: 30 pairs ready, {files} files ({files} written, 0 already there); no errors"


class _Enough(Exception):
    pass


@pytest.mark.parametrize("jobs", [1, 2])
def test_rows_are_streamed(tmp_path: Path, jobs: int) -> None:
    """When the first pair is done, only a bounded handful of rows has been read: the roster is never
    loaded whole, so memory does not grow with its length."""
    taken = []

    def rows():
        for i in range(100_000):
            taken.append(i)
            yield {"mentee.name": f"Mentee {i}", "mentor.name": f"Mentor {i}",
                   "timeframe.start_date": "2026-01-05", "timeframe.end_date": "2026-06-05"}

    class StopAtFirst:
        def started(self, total: int | None) -> None:
            assert total is None

        def row_done(self, result: batch.RowResult) -> None:
            raise _Enough(len(taken))

        def finished(self, report: batch.BatchReport) -> None:
            pass

    with pytest.raises(_Enough) as info:
        batch.generate(rows(), tmp_path / "out", formats=["pdf"], jobs=jobs, observer=StopAtFirst())
    read_ahead = info.value.args[0]
    # One chunk of rows with one job; a few chunks per process in flight with two.
    assert 1 <= read_ahead <= (16 if jobs == 1 else 1_000)
    # Interrupted: no manifest was put in place, and the journal tells the next run what exists.
    assert not (tmp_path / "out" / "manifest.csv").exists()
    assert list((tmp_path / "out" / ".mentoring-docs").glob("journal-*.csv"))


def test_one_batch_at_a_time_per_output_folder(tmp_path: Path) -> None:
    pytest.importorskip("fcntl")  # the lock is POSIX-only; Windows runs without it
    from mentoring_docs.batch.output_folder import RunLock

    out = tmp_path / "out"
    out.mkdir()
    other = RunLock(out)
    other.acquire()  # as another batch in progress would
    try:
        with pytest.raises(MentoringDocsError, match="another batch is writing to this folder"):
            batch.generate([PAIR], out, formats=["pdf"])
    finally:
        other.release()
    report = batch.generate([PAIR], out, formats=["pdf"], jobs=1)
    assert report.ok and not (out / ".mentoring-docs").exists()


def test_tracking_reads_the_manifest(tmp_path: Path) -> None:
    """The manifest is what tracking uses to tell which issued forms came back."""
    from mentoring_docs.manifest import read_manifest

    out = tmp_path / "out"
    report = batch.generate([PAIR, {**PAIR, "mentee": {"name": "Cleo Park"}}], out, jobs=1)
    assert report.ok
    issued = read_manifest(out / "manifest.csv")
    rows = read_csv(out / "manifest.csv")
    assert len(issued) == len(rows) == 2 * len(FILES)
    for item, row in zip(issued, rows):
        assert (item.row, item.folder, item.agreement_id, item.sha256, item.kind) == (
            int(row["row"]), row["folder"], row["agreement_id"], row["sha256"], row["kind"])
        assert Path(item.file).resolve() == (out / row["file"]).resolve()


def test_a_row_with_more_goals_than_the_pdf_form_holds_names_its_column_and_path(tmp_path: Path) -> None:
    # The PDF action plan has three goal rows; the Word form grows. A fourth goal is
    # a problem with that row's cells, reported like any other: row, column, path.
    header = ["mentor.name", "mentee.name", "timeframe.start_date", "timeframe.end_date"] + [
        f"action_plan.goals.{n}.title" for n in range(4)]
    row = {"mentor.name": "Ana Lima", "mentee.name": "Ben Okafor", "timeframe.start_date": "2026-01-12",
           "timeframe.end_date": "2026-07-10"} | {f"action_plan.goals.{n}.title": f"Goal {n}" for n in range(4)}
    roster = write_roster(tmp_path / "roster.csv", header, [row])
    report = batch.generate(open_roster(roster), tmp_path / "out", kinds=["action_plan"], jobs=1)
    assert (report.rows, report.failed_rows, report.files_written) == (1, 1, 0)
    lines = read_csv(tmp_path / "out" / "errors.csv")
    assert lines == [{"row": "2", "column": "action_plan.goals.3.title", "path": "action_plan.goals",
                      "message": "the PDF form has room for 3 items; this record has 4"}]
    assert [str(e) for e in report.errors] == [
        "row 2, column 'action_plan.goals.3.title': action_plan.goals: the PDF form has room for 3 items; "
        "this record has 4"]
    # Word alone has room for all four: the same row is made.
    words = batch.generate(open_roster(roster), tmp_path / "word", kinds=["action_plan"], formats=["docx"], jobs=1)
    assert words.ok and words.files_written == 1


def test_full_width_and_ordinary_names_are_one_pair_in_batch_and_tracking(tmp_path: Path) -> None:
    from mentoring_docs.batch.ids import AgreementIds
    from mentoring_docs.identity import pair_names_key

    ordinary = ("Ana Lima", "Ben Okafor", "Guild", dt.date(2026, 1, 12))
    wide = ("Ａｎａ　Ｌｉｍａ", "ＢＥＮ okafor", "Ｇｕｉｌｄ", dt.date(2026, 1, 12))  # full-width letters and space
    assert AgreementIds().assign(*ordinary) == AgreementIds().assign(*wide)
    assert pair_names_key("Ana Lima", "Ben Okafor") == pair_names_key("Ａｎａ　Ｌｉｍａ", "ＢＥＮ okafor")
    # End to end: the two spellings, run by run, get one agreement_id, and tracking
    # puts both returned forms under that one pair (the newest is used), not "ambiguous".
    for name, (mentee, mentor) in {"a": ("Ben Okafor", "Ana Lima"), "b": ("ＢＥＮ okafor", "Ａｎａ　Ｌｉｍａ")}.items():
        batch.generate([{"mentee.name": mentee, "mentor.name": mentor, "program.name": "Guild",
                         "timeframe.start_date": "2026-01-12", "timeframe.end_date": "2026-07-10"}],
                       tmp_path / name, kinds=["agreement"], formats=["pdf"], jobs=1)
    ids = {read_csv(tmp_path / name / "manifest.csv")[0]["agreement_id"] for name in "ab"}
    assert len(ids) == 1
    tracker = mentoring_docs.track([tmp_path / "a", tmp_path / "b"], as_of=dt.date(2026, 3, 1))
    assert [p.pair for p in tracker.pairs] == list(ids)
    assert [p.category for p in tracker.problems] == []


def _page_size(path: Path) -> tuple[int, int]:
    """The first page's size: points for a PDF, twips for a Word form."""
    if path.suffix == ".pdf":
        import pikepdf

        with pikepdf.open(path) as pdf:
            box = [float(v) for v in pdf.pages[0].mediabox]
            return round(box[2]), round(box[3])
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    size = root.find(".//w:sectPr/w:pgSz", ns)
    return int(size.get(f"{{{ns['w']}}}w")), int(size.get(f"{{{ns['w']}}}h"))


def test_a4_batch_and_the_line_manager_column(tmp_path: Path) -> None:
    header = ["mentee.name", "mentor.name", "timeframe.start_date", "timeframe.end_date", "signatures.line_manager.name"]
    roster = write_roster(tmp_path / "r.csv", header, [
        {"mentee.name": "Ann", "mentor.name": "Bo", "timeframe.start_date": "2026-01-05",
         "timeframe.end_date": "2026-06-05", "signatures.line_manager.name": "Cleo Manager"}])
    # The command line and the Python option make the same A4 documents.
    result = run_batch(roster, "-o", tmp_path / "cli", "--paper", "a4", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = batch.generate(open_roster(roster), tmp_path / "api", paper="a4", jobs=1)
    assert report.ok
    for out in ("cli", "api"):
        for name in FILES:
            path = tmp_path / out / "Ann - Bo" / name
            assert _page_size(path) == ((595, 842) if path.suffix == ".pdf" else (11906, 16838)), path
        data = read_back(tmp_path / out / "Ann - Bo" / "agreement.pdf").data
        assert data["signatures"] == {"line_manager": {"name": "Cleo Manager"}}
    letter = batch.generate(open_roster(roster), tmp_path / "letter", kinds=["agreement"], formats=["pdf"], jobs=1)
    assert letter.ok and _page_size(tmp_path / "letter" / "Ann - Bo" / "agreement.pdf") == (612, 792)
    with pytest.raises(MentoringDocsError, match="unknown paper size 'legal'"):
        batch.generate(open_roster(roster), tmp_path / "bad", paper="legal", jobs=1)
    assert not (tmp_path / "bad").exists()
