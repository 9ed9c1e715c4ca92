"""The tracker's table logic, cell by cell, from records (no files): pairing, versions, dates, manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from mentoring_docs import load
from mentoring_docs.errors import MentoringDocsError, Problem
from mentoring_docs.manifest import Issued, kind_from_name, read_manifest
from mentoring_docs.tracking import (
    PairRow, ProblemRow, Returned, build, discover, midpoint, pair_names_key,
)
from mentoring_docs.tracking.collect import NotKept, needed
from mentoring_docs.tracking.copies import Copies, choose
from strategies import DATES, records

AS_OF = dt.date(2026, 3, 2)
T0 = dt.datetime(2026, 2, 1, 9, 0)


def agreement(**extra: Any) -> dict[str, Any]:
    data = {
        "agreement_id": "MPA-1",
        "program": {"name": "Guild 2026", "coordinator": {"name": "Marta Kowalczyk"}},
        "mentor": {"name": "Priya Raman"},
        "mentee": {"name": "Daniel Okafor"},
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10", "midpoint_check": "2026-04-10"},
        "signatures": {
            "mentor": {"name": "Priya Raman", "date": "2026-01-12"},
            "mentee": {"name": "Daniel Okafor", "date": "2026-01-13"},
            "coordinator": {"date": "2026-01-14"},  # a date alone does not sign
            "line_manager": {"name": "Owen Barrett"},  # a name without a date signs
        },
    }
    data.update(extra)
    return load("agreement", data)


def plan(**extra: Any) -> dict[str, Any]:
    data = {
        "agreement_id": "MPA-1",
        "mentor": {"name": "Priya Raman"},
        "mentee": {"name": "Daniel Okafor"},
        "goals": [
            {"title": "Ship the dbt model", "target_date": "2026-03-31", "activities": [
                {"description": "Add tests", "kind": "learning_by_doing", "effort": {"amount": 6, "unit": "hours"},
                 "target_date": "2026-01-30", "status": "completed", "completed_on": "2026-01-28"},
                {"description": "Pair on a review", "target_date": "2026-02-27", "status": "in_progress"},
                {"description": "Due today", "target_date": "2026-03-02"},
                {"description": "Deferred talk", "target_date": "2026-02-20", "status": "deferred"},
            ]},
            {"title": "Own the pipeline", "activities": [
                {"description": "Shadow on-call", "target_date": "2026-02-01"},
                {"description": "No date"},
                {"description": "Write runbook", "target_date": "2026-03-20", "status": "not_started"},
            ]},
            {"title": "A goal with no activities"},
        ],
        "competencies": [
            {"name": "Data modelling", "baseline_rating": 2, "target_rating": 4, "final_rating": 4},
            {"name": "Presenting", "baseline_rating": 3, "final_rating": 2, "notes": "Harder than hoped"},
            {"name": "Negotiating", "baseline_rating": 1, "target_rating": 3},
        ],
        "reviews": [
            {"date": "2026-01-27", "objective": "Rank goals"},
            {"date": "2026-02-24", "progress": "Tests done", "next_steps": "Runbook"},
            {"objective": "Undated review"},
        ],
    }
    data.update(extra)
    return load("action_plan", data)


def doc(file: str, kind: str, data: dict[str, Any], *, modified: dt.datetime = T0,
        problems: tuple[Problem, ...] = (), fmt: str | None = None) -> Returned:
    return Returned(file=file, format=fmt or Path(file).suffix.lstrip("."), kind=kind, data=data,
                    problems=problems, modified=modified, sha256=hashlib.sha256(file.encode()).hexdigest())


def only(rows: list[Any]) -> Any:
    assert len(rows) == 1, rows
    return rows[0]


# -- the pairs table ---------------------------------------------------------------


def test_pair_row_cell_by_cell() -> None:
    tracker = build([doc("in/a.docx", "agreement", agreement()), doc("in/p.pdf", "action_plan", plan())], as_of=AS_OF)
    assert tracker.pairs == [PairRow(
        pair="MPA-1", agreement_id="MPA-1", program="Guild 2026", mentor="Priya Raman", mentee="Daniel Okafor",
        coordinator="Marta Kowalczyk", agreement_returned=True,
        signed_mentor=True, signed_mentee=True, signed_coordinator=False, signed_line_manager=True,
        mentor_signature="typed", mentee_signature="typed", coordinator_signature="not_signed",
        line_manager_signature="typed",
        start=dt.date(2026, 1, 12), midpoint=dt.date(2026, 4, 10), midpoint_estimated=False, end=dt.date(2026, 7, 10),
        days_to_midpoint=39, days_to_end=130, action_plan_returned=True, goals=3,
        activities_completed=1, activities_total=7, progress=1 / 7,
        overdue=2,  # "Pair on a review" (in progress, 27 Feb) and "Shadow on-call" (not started, 1 Feb)
        next_target=dt.date(2026, 3, 2),  # due today is upcoming, not overdue
        last_review=dt.date(2026, 2, 24), problems=0, agreement_file="in/a.docx", action_plan_file="in/p.pdf",
    )]
    assert tracker.problems == []
    assert [(d.file, d.status) for d in tracker.documents] == [("in/a.docx", "used"), ("in/p.pdf", "used")]


def test_midpoint_defaults_to_halfway_rounded_down() -> None:
    assert midpoint(dt.date(2026, 1, 1), dt.date(2026, 1, 4)) == dt.date(2026, 1, 2)
    assert midpoint(dt.date(2026, 1, 1), dt.date(2026, 1, 5)) == dt.date(2026, 1, 3)
    data = agreement(timeframe={"start_date": "2026-01-12", "end_date": "2026-07-10"})
    row = only(build([doc("a.docx", "agreement", data)], as_of=AS_OF).pairs)
    assert (row.midpoint, row.midpoint_estimated) == (dt.date(2026, 4, 11), True)  # 179 days // 2 = 89
    assert row.days_to_midpoint == 40
    assert row.days_to_end == 130


def test_days_to_are_negative_once_passed() -> None:
    row = only(build([doc("a.docx", "agreement", agreement())], as_of=dt.date(2026, 8, 1)).pairs)
    assert (row.days_to_midpoint, row.days_to_end) == (-113, -22)


def test_agreement_only_and_plan_only_pairs() -> None:
    tracker = build([
        doc("a.docx", "agreement", agreement()),
        doc("p.docx", "action_plan", plan(agreement_id="MPA-2", mentor={"name": "Ana Lima"}, mentee={"name": "Kofi Mensah"})),
    ], as_of=AS_OF)
    first, second = tracker.pairs  # ordered by mentor, then mentee
    assert (first.mentor, first.agreement_returned, first.action_plan_returned) == ("Ana Lima", False, True)
    assert (first.start, first.midpoint, first.days_to_end, first.signed_mentor) == (None, None, None, False)
    assert (first.goals, first.activities_total, first.overdue) == (3, 7, 2)
    assert (second.mentor, second.agreement_returned, second.action_plan_returned) == ("Priya Raman", True, False)
    assert (second.goals, second.activities_completed, second.activities_total) == (None, None, None)
    assert (second.progress, second.overdue, second.next_target, second.last_review) == (None, None, None, None)


def test_plan_without_activities_has_no_progress_figure() -> None:
    row = only(build([doc("p.docx", "action_plan", plan(goals=[{"title": "Only a goal"}], reviews=[]))],
                     as_of=AS_OF).pairs)
    assert (row.goals, row.activities_completed, row.activities_total, row.progress, row.overdue) == (1, 0, 0, None, 0)


# -- activities and reviews ----------------------------------------------------------


def test_activity_rows_and_the_overdue_rule() -> None:
    tracker = build([doc("p.pdf", "action_plan", plan())], as_of=AS_OF)
    got = [(a.goal, a.activity, a.description, a.status, a.target_date, a.overdue, a.days_overdue)
           for a in tracker.activities]
    assert got == [
        (1, 1, "Add tests", "completed", dt.date(2026, 1, 30), False, None),
        (1, 2, "Pair on a review", "in_progress", dt.date(2026, 2, 27), True, 3),
        (1, 3, "Due today", "not_started", dt.date(2026, 3, 2), False, None),
        (1, 4, "Deferred talk", "deferred", dt.date(2026, 2, 20), False, None),
        (2, 1, "Shadow on-call", "not_started", dt.date(2026, 2, 1), True, 29),
        (2, 2, "No date", "not_started", None, False, None),
        (2, 3, "Write runbook", "not_started", dt.date(2026, 3, 20), False, None),
    ]
    first = tracker.activities[0]
    assert (first.pair, first.mentor, first.mentee, first.goal_title, first.goal_target) == (
        "MPA-1", "Priya Raman", "Daniel Okafor", "Ship the dbt model", dt.date(2026, 3, 31))
    assert (first.kind, first.effort, first.effort_unit, first.completed_on, first.file) == (
        "learning_by_doing", 6, "hours", dt.date(2026, 1, 28), "p.pdf")
    assert isinstance(first.effort, float)


def test_review_rows() -> None:
    tracker = build([doc("p.pdf", "action_plan", plan())], as_of=AS_OF)
    assert [(r.review, r.date, r.objective, r.progress, r.next_steps) for r in tracker.reviews] == [
        (1, dt.date(2026, 1, 27), "Rank goals", None, None),
        (2, dt.date(2026, 2, 24), None, "Tests done", "Runbook"),
        (3, None, "Undated review", None, None),
    ]
    assert {r.pair for r in tracker.reviews} == {"MPA-1"}


def test_competency_rows_show_baseline_to_final_and_the_average_change() -> None:
    tracker = build([doc("p.pdf", "action_plan", plan())], as_of=AS_OF)
    assert [(c.competency, c.name, c.baseline, c.target, c.final, c.change) for c in tracker.competencies] == [
        (1, "Data modelling", 2, 4, 4, 2),
        (2, "Presenting", 3, None, 2, -1),
        (3, "Negotiating", 1, 3, None, None),  # not rated at the end yet: no change, and not in the average
    ]
    assert {(c.pair, c.file) for c in tracker.competencies} == {("MPA-1", "p.pdf")}
    assert tracker.average_competency_change == 0.5
    assert build([doc("p.pdf", "action_plan", plan(competencies=[]))], as_of=AS_OF).average_competency_change is None


def test_line_manager_signs_like_the_other_parties() -> None:
    unsigned = agreement(signatures={"mentor": {"name": "Priya Raman"}, "line_manager": {"date": "2026-01-15"}})
    row = only(build([doc("a.docx", "agreement", unsigned)], as_of=AS_OF).pairs)
    assert (row.signed_mentor, row.signed_mentee, row.signed_line_manager) == (True, False, False)


# -- pairing and versions -----------------------------------------------------------


def test_plan_without_id_joins_the_agreement_by_normalised_names() -> None:
    loose = plan(mentor={"name": "  PRIYA   raman "}, mentee={"name": "Ｄaniel Okafor"})  # full-width D
    del loose["agreement_id"]
    tracker = build([doc("a.docx", "agreement", agreement()), doc("p.pdf", "action_plan", loose)], as_of=AS_OF)
    row = only(tracker.pairs)
    assert (row.pair, row.agreement_returned, row.action_plan_returned, row.mentor) == ("MPA-1", True, True, "Priya Raman")
    assert pair_names_key("Zoë", "王芳") == pair_names_key("ZOË", " 王芳 ")
    assert pair_names_key("A", None) is None and pair_names_key("A", "  ") is None


def test_pairs_without_any_id_are_keyed_by_names() -> None:
    a, p = agreement(), plan()
    del a["agreement_id"], p["agreement_id"]
    other = plan(mentor={"name": "Ana Lima"})
    del other["agreement_id"]
    tracker = build([doc("a.docx", "agreement", a), doc("p.pdf", "action_plan", p), doc("o.pdf", "action_plan", other)],
                    as_of=AS_OF)
    assert [(r.pair, r.agreement_id, r.agreement_returned, r.action_plan_returned) for r in tracker.pairs] == [
        ("Ana Lima / Daniel Okafor", None, False, True),
        ("Priya Raman / Daniel Okafor", None, True, True),
    ]


def test_same_names_different_ids_are_two_pairs_and_an_id_less_plan_is_ambiguous() -> None:
    loose = plan()
    del loose["agreement_id"]
    tracker = build([
        doc("a1.docx", "agreement", agreement()),
        doc("a2.docx", "agreement", agreement(agreement_id="MPA-9")),
        doc("p.pdf", "action_plan", loose),
    ], as_of=AS_OF)
    assert [(r.pair, r.action_plan_returned) for r in tracker.pairs] == [
        ("MPA-1", False), ("MPA-9", False), ("Priya Raman / Daniel Okafor", True)]
    problem = only(tracker.problems)
    assert (problem.file, problem.category, problem.path) == ("p.pdf", "ambiguous", "agreement_id")
    assert "MPA-1, MPA-9" in problem.problem


def test_a_form_that_names_no_pair_is_a_problem() -> None:
    nameless = {"goals": [{"title": "x"}]}  # what a reader returns from a form left blank
    tracker = build([doc("blank.pdf", "action_plan", nameless,
                         problems=(Problem("mentor.name", "is required"), Problem("mentee.name", "is required")))],
                    as_of=AS_OF)
    assert tracker.pairs == [] and tracker.activities == []
    assert [(p.file, p.category, p.path) for p in tracker.problems] == [("blank.pdf", "unidentified", "agreement_id")]
    assert only(tracker.documents).status == "unidentified"


def test_newest_version_wins_by_modification_time_and_older_ones_are_listed() -> None:
    old = agreement(signatures={})
    new = agreement()
    tracker = build([
        doc("z/old.docx", "agreement", old, modified=T0, problems=(Problem("timeframe.end_date", "bad"),)),
        doc("a/new.pdf", "agreement", new, modified=T0 + dt.timedelta(days=3)),
        doc("m/mid.docx", "agreement", old, modified=T0 + dt.timedelta(days=1)),
    ], as_of=AS_OF)
    row = only(tracker.pairs)
    assert (row.agreement_file, row.signed_mentor) == ("a/new.pdf", True)
    assert [(d.file, d.status, d.superseded_by) for d in tracker.documents] == [
        ("a/new.pdf", "used", None), ("m/mid.docx", "superseded", "a/new.pdf"), ("z/old.docx", "superseded", "a/new.pdf")]
    assert tracker.problems == []  # a superseded copy's problems were fixed by the newer one
    assert tracker.documents[2].problems == 1


def test_equal_modification_times_pick_the_later_path() -> None:
    tracker = build([doc("b.docx", "agreement", agreement()), doc("a.docx", "agreement", agreement())], as_of=AS_OF)
    assert only(tracker.pairs).agreement_file == "b.docx"


def test_values_that_failed_validation_are_problems_with_their_paths() -> None:
    bad = plan()
    tracker = build([doc("p.docx", "action_plan", bad, problems=(
        Problem("goals.0.activities.1.target_date", "not a date: 'next Tuesday'"),
        Problem("goals.1.activities.0.completed_on", "only allowed when the status is completed"),
    ))], as_of=AS_OF)
    assert [(p.file, p.category, p.pair, p.document, p.path, p.problem) for p in tracker.problems] == [
        ("p.docx", "invalid", "MPA-1", "action_plan", "goals.0.activities.1.target_date", "not a date: 'next Tuesday'"),
        ("p.docx", "invalid", "MPA-1", "action_plan", "goals.1.activities.0.completed_on",
         "only allowed when the status is completed"),
    ]
    assert only(tracker.pairs).problems == 2


def test_unvalidated_data_is_used_as_far_as_it_goes() -> None:
    # A reader hands back whatever it could type even when the record breaks rules.
    raw = {"mentee": {"name": "Daniel Okafor"}, "agreement_id": "MPA-1",
           "timeframe": {"start_date": dt.date(2026, 5, 1), "end_date": dt.date(2026, 1, 1)},
           "signatures": {"mentor": {"name": "Priya Raman"}}}
    row = only(build([doc("a.docx", "agreement", raw)], as_of=AS_OF).pairs)
    assert (row.mentor, row.mentee, row.signed_mentor) == (None, "Daniel Okafor", True)
    assert (row.midpoint, row.midpoint_estimated, row.days_to_end) == (None, False, -60)


def test_unreadable_files_are_kept_as_problems() -> None:
    unreadable = [Problem("", "not a Word (.docx) or PDF file", file="x.pdf", category="unreadable")]
    tracker = build([doc("a.docx", "agreement", agreement())], as_of=AS_OF, unreadable=unreadable)
    assert tracker.problems == [ProblemRow.of(p) for p in unreadable]
    assert len(tracker.pairs) == 1


@given(record=records("action_plan"), as_of=DATES)
def test_pair_counts_agree_with_the_activity_rows(record: dict[str, Any], as_of: dt.date) -> None:
    record = dict(record, agreement_id="X")
    tracker = build([doc("p.docx", "action_plan", record)], as_of=as_of)
    row = only(tracker.pairs)
    acts = tracker.activities
    assert row.activities_total == len(acts) == sum(len(g.get("activities", [])) for g in record.get("goals", []))
    assert row.overdue == sum(a.overdue for a in acts)
    assert row.activities_completed == sum(a.status == "completed" for a in acts)
    for a in acts:
        assert a.overdue == (a.target_date is not None and a.target_date < as_of
                             and a.status not in ("completed", "deferred"))
    if row.next_target is not None:
        assert row.next_target >= as_of
    assert len(tracker.reviews) == len(record.get("reviews", []))


# -- issued documents (manifest) ------------------------------------------------------


def issued(folder: str, aid: str | None, name: str, kind: str | None, sha: str | None = None, row: int = 2) -> Issued:
    return Issued(row=row, folder=folder, agreement_id=aid, file=f"out/{folder}/{name}", sha256=sha, kind=kind)


def test_issued_documents_that_did_not_come_back_are_problems() -> None:
    loose = plan()
    del loose["agreement_id"]  # joins MPA-1 by names, and so answers MPA-1's issued plan
    untouched = doc("out/B/agreement.docx", "agreement", agreement(agreement_id="MPA-2", mentor={"name": "Ana Lima"}))
    manifest = [
        issued("A", "MPA-1", "agreement.docx", "agreement", row=2),
        issued("A", "MPA-1", "action-plan.docx", "action_plan", row=2),
        issued("B", "MPA-2", "agreement.docx", "agreement", sha=untouched.sha256, row=3),
        issued("B", "MPA-2", "action-plan.pdf", "action_plan", row=3),
        issued("C", None, "agreement.pdf", "agreement", row=4),
        issued("D", None, "agreement.pdf", "agreement", row=5),
    ]
    tracker = build([
        doc("ret/a.docx", "agreement", agreement()),
        doc("ret/p.pdf", "action_plan", loose),
        untouched,
        doc("ret/D/mine.pdf", "agreement", agreement(agreement_id=None, mentor={"name": "Li Wei"}) | {}),
    ], as_of=AS_OF, issued=manifest)
    assert [(p.file, p.category, p.pair, p.document, p.problem) for p in tracker.problems] == [
        ("out/B/agreement.docx", "not_returned", "MPA-2", "agreement", "issued (manifest row 3) but not returned"),
        ("out/B/action-plan.pdf", "not_returned", "MPA-2", "action_plan", "issued (manifest row 3) but not returned"),
        ("out/C/agreement.pdf", "not_returned", "C", "agreement", "issued (manifest row 4) but not returned"),
    ]
    # The untouched issued copy is listed, but not counted as a returned agreement of MPA-2.
    # Every issued pair has a row, with the state of each document it was issued.
    assert [(p.pair, p.agreement_state, p.action_plan_state, p.agreement_returned) for p in tracker.pairs] == [
        ("C", "not_returned", None, False),
        ("MPA-2", "not_returned", "not_returned", False),
        ("Li Wei / Daniel Okafor", "returned", None, True),
        ("MPA-1", "returned", "returned", True),
    ]
    # Nothing came back from MPA-2, but its issued copy was among the files: its names come from there.
    assert by_pair_label(tracker, "MPA-2").mentor == "Ana Lima"
    status = {d.file: d.status for d in tracker.documents}
    assert status["out/B/agreement.docx"] == "issued_copy"


def test_read_manifest_one_row_per_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text("\ufeffAgreement ID,Row,Pair folder,File,SHA-256\n"
                    "MPA-1,2,Okafor - Raman,Okafor - Raman/agreement.docx,AB12\n"
                    ",3,Lima,action-plan.pdf,\n\n", encoding="utf-8")
    assert read_manifest(path) == [
        Issued(2, "Okafor - Raman", "MPA-1", str(tmp_path / "Okafor - Raman" / "agreement.docx"), "ab12", "agreement"),
        Issued(3, "Lima", None, str(tmp_path / "Lima" / "action-plan.pdf"), None, "action_plan"),
    ]


def test_read_manifest_several_files_per_row(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text("row,folder,agreement_id,files,sha256\n2,P,MPA-1,agreement.docx; action_plan.pdf,aa;bb\n",
                    encoding="utf-8")
    got = read_manifest(path)
    assert [(i.file, i.sha256, i.kind) for i in got] == [
        (str(tmp_path / "P" / "agreement.docx"), "aa", "agreement"),
        (str(tmp_path / "P" / "action_plan.pdf"), "bb", "action_plan"),
    ]


@pytest.mark.parametrize("text, message", [
    ("row,folder\n2,A\n", "no file column"),
    ("file,sha256\na.docx;b.pdf,aa\n", "line 2: 2 files but 1 SHA-256 values"),
    ("file,kind\na.docx,letter\n", "line 2: unknown document kind"),
    ("", "is empty"),
])
def test_bad_manifests_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MentoringDocsError, match=message):
        read_manifest(path)
    with pytest.raises(MentoringDocsError, match="manifest not found"):
        read_manifest(tmp_path / "missing.csv")


def test_kind_from_name() -> None:
    assert kind_from_name("Okafor/Action Plan.docx") == "action_plan"
    assert kind_from_name("agreement-MPA-1.pdf") == "agreement"
    assert kind_from_name("form.pdf") is None


# -- finding files -----------------------------------------------------------------


def test_discover_searches_folders_recursively(tmp_path: Path) -> None:
    for name in ["a/x.docx", "a/b/y.PDF", "a/b/c/z.pdf", "a/notes.txt", "a/~$x.docx", "a/.hidden.pdf",
                 "a/._y.pdf", "a/.git/k.pdf", "solo.bin"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    files, problems = discover([tmp_path / "a", tmp_path / "solo.bin", tmp_path / "a/x.docx", tmp_path / "nope"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a/x.docx", "a/b/y.PDF", "a/b/c/z.pdf", "solo.bin"]
    assert [(p.file, p.category, p.message) for p in problems] == [
        (str(tmp_path / "nope"), "unreadable", "no such file or folder")]



def by_pair_label(tracker: Any, label: str) -> Any:
    (row,) = [p for p in tracker.pairs if p.pair == label]
    return row


# -- streaming: copies chosen as they come, order-free, only what the tables need kept -----


_COPY = st.tuples(st.integers(0, 5), st.sampled_from("abcdef"), st.booleans())


def _copies(specs: list[tuple[int, str, bool]]) -> list[Returned]:
    seen: set[str] = set()
    out = []
    for hour, name, bad in specs:
        file = f"{name}{len(seen)}.docx"
        seen.add(file)
        out.append(doc(file, "agreement", agreement(), modified=T0 + dt.timedelta(hours=hour),
                       problems=(Problem("timeframe.end_date", "bad"),) if bad else ()))
    return out


@given(specs=st.lists(_COPY, min_size=1, max_size=9), split=st.integers(0, 9), order=st.randoms())
def test_copies_added_in_any_order_and_merged_choose_as_choose_does(
        specs: list[tuple[int, str, bool]], split: int, order: Any) -> None:
    copies = _copies(specs)
    expected = choose(copies)
    shuffled = list(copies)
    order.shuffle(shuffled)
    first, second = Copies(), Copies()  # two groups of the same pair's copies, merged (as id-less copies join)
    for position, item in enumerate(shuffled):
        (first if position < split else second).add(item)
    if split == 0:
        first = second
    elif split < len(shuffled):
        first.merge(second)
    got = first.choice()
    assert got.used.file == expected.used.file and got.used.data == expected.used.data
    assert [d.file for d in got.rejected] == [d.file for d in expected.rejected]
    assert sorted(d.file for d in got.superseded) == sorted(d.file for d in expected.superseded)
    assert [len(d.problems) for d in sorted(got.rejected + got.superseded, key=lambda d: d.file)] == \
        [len(d.problems) for d in sorted(expected.rejected + expected.superseded, key=lambda d: d.file)]
    # Only the copy used keeps its values: a pair's hundred copies cost little more than one.
    assert all(not d.data and not d.signatures for d in got.rejected + got.superseded)


def _program() -> list[Returned]:
    """Every way a document finds (or fails to find) its pair, with copies of every status."""
    unnamed = {key: value for key, value in agreement().items() if key not in ("agreement_id", "mentor", "mentee")}
    no_id_plan = plan()
    no_id_plan.pop("agreement_id")
    return [
        doc("z/a.docx", "agreement", agreement()),
        doc("y/a-old.pdf", "agreement", agreement(signatures={}), modified=T0 - dt.timedelta(days=2)),
        doc("x/a-bad.pdf", "agreement", agreement(), modified=T0 + dt.timedelta(days=2),
            problems=(Problem("timeframe.end_date", "bad"),)),
        doc("w/p.docx", "action_plan", no_id_plan),  # joins MPA-1 by its names
        doc("v/p2.docx", "action_plan", plan(agreement_id="MPA-2")),
        doc("u/a2.docx", "agreement", agreement(agreement_id="MPA-2", mentee={"name": "Other Mentee"})),
        doc("t/names.docx", "action_plan", dict(no_id_plan, mentee={"name": "Nobody Known"})),
        doc("s/names2.pdf", "action_plan", dict(no_id_plan, mentee={"name": "nobody  KNOWN"}),
            modified=T0 + dt.timedelta(days=1)),
        doc("r/blank.pdf", "agreement", unnamed),
        doc("q/issued.pdf", "agreement", agreement(agreement_id="MPA-3")),
    ]


@given(order=st.randoms())
def test_the_tracker_does_not_depend_on_the_order_documents_come_in(order: Any) -> None:
    documents = _program()
    manifest = [issued("p3", "MPA-3", "agreement.pdf", "agreement", sha=documents[-1].sha256),
                issued("p4", "MPA-4", "plan.pdf", "action_plan")]
    expected = build(sorted(documents, key=lambda d: d.file), as_of=AS_OF, issued=manifest).to_dict()
    shuffled = list(documents)
    order.shuffle(shuffled)
    assert build(shuffled, as_of=AS_OF, issued=manifest).to_dict() == expected
    statuses = {row["file"]: row["status"] for row in expected["documents"]}
    assert statuses == {"z/a.docx": "used", "y/a-old.pdf": "superseded", "x/a-bad.pdf": "rejected",
                        "w/p.docx": "used", "v/p2.docx": "used", "u/a2.docx": "used", "t/names.docx": "superseded",
                        "s/names2.pdf": "used", "r/blank.pdf": "unidentified", "q/issued.pdf": "issued_copy"}


def test_only_the_values_the_tables_read_are_kept() -> None:
    record = agreement(purpose="Private words about the partnership")
    kept = needed(record)
    assert "purpose" not in set(kept) and kept["agreement_id"] == "MPA-1"
    with pytest.raises(NotKept, match="add it to tracking.collect._SHAPE"):
        kept.get("purpose")  # a table reading a dropped field fails loudly, never reads None
    assert kept["signatures"] == {who: {key: value for key, value in entry.items() if key == "name"}
                                  for who, entry in record["signatures"].items()}
    assert "date" in record["signatures"]["mentor"]
    full, cut = plan(), needed(plan())
    assert all(set(item) <= {"name", "baseline_rating", "target_rating", "final_rating"}
               for item in cut["competencies"])
    assert "notes" in full["competencies"][1] and "notes" not in set(cut["competencies"][1])
    # A value of the wrong shape (read with a problem) is kept as it is: the tables check types.
    assert needed({"goals": "not a list", "timeframe": ["odd"]}) == {"goals": "not a list", "timeframe": ["odd"]}
