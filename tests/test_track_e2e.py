"""A small program end to end: issue forms, change them as pairs do, track what came back.

Four pairs are issued their agreement and action plan in Word and PDF by batch
generation (with its manifest). Then, as in real life:

- pair A (Word) signs the agreement, which is then saved again by LibreOffice (an
  older copy signed by the mentor only lies in another folder), and fills the plan,
  later marking one activity completed, another in progress, and adding an activity
  row by copying a table row;
- pair B (PDF) fills both forms with pdftk (XFDF), writes activities into the empty
  rows of the plan and records two reviews;
- pair C returns nothing, but their untouched issued agreement was copied among the
  returned files;
- pair D returns a PDF agreement with a midpoint typed as "next Tuesday" and a Word
  plan without its agreement ID, saved by LibreOffice;
- and three broken files lie in the returned folder.

The test then runs ``mentoring-docs track`` and checks every cell that matters.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mentoring_docs.docx", reason="the Word backend is not merged yet")
pytest.importorskip("mentoring_docs.pdf", reason="the PDF backend is not merged yet")
pytest.importorskip("mentoring_docs.batch", reason="batch generation is not merged yet")

import openpyxl  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from lxml import etree  # noqa: E402

from mentoring_docs import Filler, load, track  # noqa: E402
from mentoring_docs.batch import generate  # noqa: E402
from mentoring_docs.cli import main  # noqa: E402
from tools import require  # noqa: E402

import docx_helpers as dh  # noqa: E402

AS_OF = dt.date(2026, 3, 2)
START, END = "2026-01-12", "2026-07-10"
PROGRAM = "Northwind Data Guild Mentoring Program 2026"

PAIRS = [
    {"agreement_id": "MPA-A", "mentor.name": "Priya Raman", "mentee.name": "Daniel Okafor"},
    {"agreement_id": "MPA-B", "mentor.name": "José Álvarez", "mentee.name": "Zoë Müller"},
    {"agreement_id": "MPA-C", "mentor.name": "王芳", "mentee.name": "Siobhán O'Brien"},
    {"agreement_id": "MPA-D", "mentor.name": "Анна Смирнова", "mentee.name": "Jean-Luc Dubois-Martin"},
]
DEFAULTS = {"program": {"name": PROGRAM, "coordinator": {"name": "Marta Kowalczyk"}},
            "timeframe": {"start_date": START, "end_date": END}}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def set_date(sdt: etree._Element, iso: str) -> None:
    """Pick a day in a Word date picker: the shown text and the stored date."""
    dh.set_text(sdt, iso)
    sdt.find("w:sdtPr/w:date", dh.NS).set(dh.q("w:fullDate"), iso + "T00:00:00Z")


def pick(sdt: etree._Element, label: str) -> None:
    """Choose an entry of a Word drop-down list: Word shows its label."""
    dh.set_text(sdt, label)


def xfdf(values: dict[str, str]) -> str:
    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    fields = "".join(f'<field name="{esc(k)}"><value>{esc(v)}</value></field>' for k, v in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>'


def pdftk_fill(source: Path, values: dict[str, str], out: Path, work: Path) -> Path:
    data = work / (out.stem + ".xfdf")
    data.write_text(xfdf(values), encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([require("pdftk"), str(source), "fill_form", str(data), "output", str(out)],
                   check=True, capture_output=True, timeout=120)
    return out


def set_mtime(path: Path, when: dt.datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


PLAN_A: dict[str, Any] = {
    "agreement_id": "MPA-A", "mentor": {"name": "Priya Raman"}, "mentee": {"name": "Daniel Okafor"},
    "created_on": "2026-01-16",
    "goals": [
        {"title": "Ship a tested dbt model", "target_date": "2026-03-31", "activities": [
            {"description": "Add tests to three models", "kind": "learning_by_doing", "target_date": "2026-01-30"},
            {"description": "Pair on an incremental model", "kind": "learning_from_others", "target_date": "2026-02-27"},
            {"description": "Submit the model for review", "target_date": "2026-03-10"},
        ]},
        {"title": "Own the fuel-cost pipeline", "activities": [
            {"description": "Shadow an on-call shift", "target_date": "2026-02-13"},
        ]},
    ],
    "reviews": [{"date": "2026-01-27", "objective": "Rank the goals"}],
}


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require("soffice")
    require("pdftk")
    root = tmp_path_factory.mktemp("program")
    issued, returned, work = root / "issued", root / "returned", root / "work"
    work.mkdir()
    report = generate(PAIRS, issued, defaults=DEFAULTS, jobs=1)
    assert report.pairs == 4 and not report.errors
    folder = {p["agreement_id"]: issued / f"{p['mentee.name']} - {p['mentor.name']}" for p in PAIRS}
    assert all(f.is_dir() for f in folder.values()), sorted(p.name for p in issued.iterdir())
    t0 = dt.datetime(2026, 2, 1, 10, 0)

    # Pair A, Word: an early copy signed by the mentor only (older), then the signed one.
    issued_a = (folder["MPA-A"] / "agreement.docx").read_bytes()

    def sign(who: list[str]):
        def edit(root_: etree._Element) -> None:
            for person in who:
                name = {"mentor": "Priya Raman", "mentee": "Daniel Okafor"}[person]
                dh.set_text(dh.control(root_, f"signatures.{person}.name"), name)
                set_date(dh.control(root_, f"signatures.{person}.date"), "2026-01-13")
        return edit

    old = returned / "inbox-january" / "agreement Okafor.docx"
    old.parent.mkdir(parents=True)
    old.write_bytes(dh.edit_document(issued_a, sign(["mentor"])))
    set_mtime(old, t0 - dt.timedelta(days=20))
    (work / "agreement.docx").write_bytes(dh.edit_document(issued_a, sign(["mentor", "mentee"])))

    # ... and their plan: filled at the first meeting, then updated as they went.
    first = Filler("action_plan", "docx").render(load("action_plan", PLAN_A))

    def progress(root_: etree._Element) -> None:
        pick(dh.control(root_, "goals.0.activities.0.status"), "Completed")
        set_date(dh.control(root_, "goals.0.activities.0.completed_on"), "2026-01-28")
        pick(dh.control(root_, "goals.0.activities.1.status"), "In progress")
        # A new activity for goal 2: copy its row and type over it.
        twin = dh.copy_row_as_word_does(dh.row_of(dh.control(root_, "goals.1.activities.0.description")))
        controls = twin.xpath(".//w:sdt", namespaces=dh.NS)
        by_name = {c.find("w:sdtPr/w:tag", dh.NS).get(dh.q("w:val")).rsplit(".", 1)[-1]: c for c in controls}
        dh.set_text(by_name["description"], "Write the pipeline runbook")
        set_date(by_name["target_date"], "2026-03-05")
        pick(by_name["status"], "In progress")

    (returned / "A").mkdir()
    (returned / "A" / "action-plan.docx").write_bytes(dh.edit_document(first, progress))

    # Pair B, PDF, filled with pdftk.
    pdftk_fill(folder["MPA-B"] / "agreement.pdf", {
        "timeframe.midpoint_check": "2026-04-01",
        "signatures.mentor.name": "José Álvarez", "signatures.mentor.date": "2026-01-14",
        "signatures.mentee.name": "Zoë Müller", "signatures.mentee.date": "2026-01-14",
        "signatures.coordinator.name": "Marta Kowalczyk",
    }, returned / "B" / "Zoë agreement.pdf", work)
    pdftk_fill(folder["MPA-B"] / "action-plan.pdf", {
        "goals.0.title": "Lead a design review",
        "goals.0.target_date": "2026-05-01",
        "goals.0.activities.0.description": "Read three past design docs",
        "goals.0.activities.0.status": "completed", "goals.0.activities.0.completed_on": "2026-02-02",
        "goals.0.activities.0.target_date": "2026-02-06",
        "goals.0.activities.1.description": "Draft a design doc <with> & \"quotes\"",
        "goals.0.activities.1.target_date": "2026-02-20", "goals.0.activities.1.status": "deferred",
        "goals.0.activities.2.description": "Present the draft to the team",
        "goals.0.activities.2.target_date": "2026-03-12", "goals.0.activities.2.kind": "stretch_assignment",
        "goals.0.activities.2.effort.amount": "2.5", "goals.0.activities.2.effort.unit": "hours",
        "reviews.0.date": "2026-01-20", "reviews.0.objective": "Agree the goal",
        "reviews.1.date": "2026-02-17", "reviews.1.progress": "Design docs read.\nDraft postponed.",
        "reviews.1.next_steps": "Book the team slot",
    }, returned / "B" / "plan.pdf", work)

    # Pair C returns nothing; the untouched issued agreement was copied among the returned files.
    (returned / "C").mkdir()
    shutil.copy2(folder["MPA-C"] / "agreement.docx", returned / "C" / "agreement.docx")

    # Pair D: a PDF agreement with a date nobody can read, and a Word plan without its ID.
    pdftk_fill(folder["MPA-D"] / "agreement.pdf", {
        "timeframe.midpoint_check": "next Tuesday",
        "signatures.mentee.name": "Jean-Luc Dubois-Martin",
    }, returned / "D" / "agreement.pdf", work)
    plan_d = load("action_plan", {
        "mentor": {"name": "Анна Смирнова"}, "mentee": {"name": "JEAN-LUC  Dubois-Martin"},
        "goals": [{"title": "Learn the data platform", "activities": [
            {"description": "Read the platform handbook", "target_date": "2026-02-01", "status": "in_progress"},
        ]}],
    })
    (work / "plan.docx").write_bytes(Filler("action_plan", "docx").render(plan_d))

    # Pair A's agreement and pair D's plan were last saved by LibreOffice (one soffice run for both).
    resaved = work / "libreoffice"
    dh.libreoffice_resave([work / "agreement.docx", work / "plan.docx"], resaved, work / "lo-profile")
    shutil.copy2(resaved / "agreement.docx", returned / "A" / "agreement.docx")
    shutil.copy2(resaved / "plan.docx", returned / "D" / "plan.docx")

    # Broken files.
    broken = returned / "broken"
    broken.mkdir()
    whole = (returned / "B" / "plan.pdf").read_bytes()
    (broken / "cut.pdf").write_bytes(whole[: len(whole) // 3])
    (broken / "garbage.docx").write_bytes(os.urandom(2048))
    (broken / "notes.pdf").write_text("not a form, just notes", encoding="utf-8")

    for path in returned.rglob("*"):
        if path.is_file() and path != old:
            set_mtime(path, t0)
    return {"issued": issued, "returned": returned, "folder_c": folder["MPA-C"], "root": root}


def by(rows: list[Any], **key: Any) -> Any:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in key.items())]
    assert len(found) == 1, (key, found)
    return found[0]


def test_track_a_program_end_to_end(program: dict[str, Path]) -> None:
    returned, issued = program["returned"], program["issued"]
    out = program["root"] / "tracker.xlsx"
    result = CliRunner().invoke(main, ["track", str(returned), "-o", str(out), "--as-of", AS_OF.isoformat(),
                                       "--manifest", str(issued / "manifest.csv")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "4 pairs from 6 forms, 8 problems" in result.stderr  # pair C was issued: it has a row too

    tracker = track([returned], as_of=AS_OF, manifest=issued / "manifest.csv")

    # -- pairs
    assert [p.pair for p in tracker.pairs] == ["MPA-B", "MPA-A", "MPA-D", "MPA-C"]  # by mentor: José, Priya, Анна, 王芳
    c = by(tracker.pairs, pair="MPA-C")
    assert (c.mentor, c.agreement_state, c.action_plan_state, c.agreement_returned) == (
        "王芳", "not_returned", "not_returned", False)
    a = by(tracker.pairs, pair="MPA-A")
    assert (a.mentor, a.mentee, a.program, a.coordinator) == ("Priya Raman", "Daniel Okafor", PROGRAM, "Marta Kowalczyk")
    assert (a.agreement_returned, a.signed_mentor, a.signed_mentee, a.signed_coordinator) == (True, True, True, False)
    assert (a.start, a.midpoint, a.midpoint_estimated, a.end) == (day(START), day("2026-04-11"), True, day(END))
    assert (a.days_to_midpoint, a.days_to_end) == (40, 130)
    assert (a.action_plan_returned, a.goals, a.activities_completed, a.activities_total) == (True, 2, 1, 5)
    assert a.progress == pytest.approx(0.2)
    # Overdue: "Pair on an incremental model" (27 Feb, in progress) and "Shadow an on-call shift" (13 Feb).
    assert (a.overdue, a.next_target, a.last_review, a.problems) == (2, day("2026-03-05"), day("2026-01-27"), 0)
    assert a.agreement_file == str(returned / "A" / "agreement.docx")
    assert a.action_plan_file == str(returned / "A" / "action-plan.docx")

    b = by(tracker.pairs, pair="MPA-B")
    assert (b.mentor, b.mentee) == ("José Álvarez", "Zoë Müller")
    assert (b.signed_mentor, b.signed_mentee, b.signed_coordinator) == (True, True, True)
    assert (b.midpoint, b.midpoint_estimated, b.days_to_midpoint) == (day("2026-04-01"), False, 30)
    assert (b.goals, b.activities_completed, b.activities_total, b.overdue) == (1, 1, 3, 0)
    assert (b.next_target, b.last_review) == (day("2026-03-12"), day("2026-02-17"))
    assert b.agreement_file == str(returned / "B" / "Zoë agreement.pdf")

    d = by(tracker.pairs, pair="MPA-D")
    assert (d.mentor, d.mentee, d.agreement_returned, d.action_plan_returned) == (
        "Анна Смирнова", "Jean-Luc Dubois-Martin", True, True)
    assert (d.signed_mentor, d.signed_mentee) == (False, True)
    assert (d.midpoint, d.midpoint_estimated) == (day("2026-04-11"), True)  # the unreadable one is a problem
    assert (d.activities_total, d.overdue, d.problems) == (1, 1, 1)
    assert d.action_plan_file == str(returned / "D" / "plan.docx")

    # -- activities
    got = [(x.pair, x.goal, x.activity, x.description, x.status, x.target_date, x.completed_on, x.overdue)
           for x in tracker.activities]
    assert got == [
        ("MPA-B", 1, 1, "Read three past design docs", "completed", day("2026-02-06"), day("2026-02-02"), False),
        ("MPA-B", 1, 2, 'Draft a design doc <with> & "quotes"', "deferred", day("2026-02-20"), None, False),
        ("MPA-B", 1, 3, "Present the draft to the team", "not_started", day("2026-03-12"), None, False),
        ("MPA-A", 1, 1, "Add tests to three models", "completed", day("2026-01-30"), day("2026-01-28"), False),
        ("MPA-A", 1, 2, "Pair on an incremental model", "in_progress", day("2026-02-27"), None, True),
        ("MPA-A", 1, 3, "Submit the model for review", "not_started", day("2026-03-10"), None, False),
        ("MPA-A", 2, 1, "Shadow an on-call shift", "not_started", day("2026-02-13"), None, True),
        ("MPA-A", 2, 2, "Write the pipeline runbook", "in_progress", day("2026-03-05"), None, False),
        ("MPA-D", 1, 1, "Read the platform handbook", "in_progress", day("2026-02-01"), None, True),
    ]
    present = by(tracker.activities, pair="MPA-B", activity=3)
    assert (present.kind, present.effort, present.effort_unit, present.goal_title, present.goal_target) == (
        "stretch_assignment", 2.5, "hours", "Lead a design review", day("2026-05-01"))
    assert by(tracker.activities, pair="MPA-D").days_overdue == 29

    # -- reviews
    assert [(r.pair, r.review, r.date, r.objective, r.progress, r.next_steps) for r in tracker.reviews] == [
        ("MPA-B", 1, day("2026-01-20"), "Agree the goal", None, None),
        ("MPA-B", 2, day("2026-02-17"), None, "Design docs read.\nDraft postponed.", "Book the team slot"),
        ("MPA-A", 1, day("2026-01-27"), "Rank the goals", None, None),
    ]

    # -- problems
    problems = [(Path(p.file).relative_to(program["root"]).as_posix(), p.category, p.pair, p.document, p.path)
                for p in tracker.problems]
    c_folder = program["folder_c"].relative_to(program["root"]).as_posix()
    assert problems == [
        ("returned/broken/cut.pdf", "unreadable", None, None, ""),
        ("returned/broken/garbage.docx", "unreadable", None, None, ""),
        ("returned/broken/notes.pdf", "unreadable", None, None, ""),
        ("returned/D/agreement.pdf", "invalid", "MPA-D", "agreement", "timeframe.midpoint_check"),
        (f"{c_folder}/agreement.docx", "not_returned", "MPA-C", "agreement", ""),
        (f"{c_folder}/agreement.pdf", "not_returned", "MPA-C", "agreement", ""),
        (f"{c_folder}/action-plan.docx", "not_returned", "MPA-C", "action_plan", ""),
        (f"{c_folder}/action-plan.pdf", "not_returned", "MPA-C", "action_plan", ""),
    ]
    assert "next Tuesday" in by(tracker.problems, category="invalid").problem
    for p in tracker.problems[:3]:
        assert p.problem and "Traceback" not in p.problem

    # -- documents: the older copy is superseded, the untouched issued copy is recognised
    status = {Path(d.file).relative_to(returned).as_posix(): (d.status, d.superseded_by) for d in tracker.documents}
    assert status == {
        "A/action-plan.docx": ("used", None), "A/agreement.docx": ("used", None),
        "B/Zoë agreement.pdf": ("used", None), "B/plan.pdf": ("used", None),
        "C/agreement.docx": ("issued_copy", None),
        "D/agreement.pdf": ("used", None), "D/plan.docx": ("used", None),
        "inbox-january/agreement Okafor.docx": ("superseded", str(returned / "A" / "agreement.docx")),
    }

    # -- the spreadsheet the command wrote says the same
    book = openpyxl.load_workbook(out)
    sheet = book["Pairs"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)}
    assert rows["MPA-A"]["Midpoint check"] == dt.datetime(2026, 4, 11)
    assert rows["MPA-A"]["Overdue activities"] == 2 and rows["MPA-B"]["Signed by coordinator"] is True
    assert book["Problems"].max_row == len(tracker.problems) + 1
    assert book["Activities"].max_row == len(tracker.activities) + 1

