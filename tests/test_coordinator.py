"""The coordinator's view, end to end on a small program (issue 15).

Four pairs are issued their forms by ``mentoring-docs batch`` from a CSV roster, with a
calendar each (``--formats docx,pdf,ics``). Then, as in real life:

- pair A (Word) signs the agreement in Word and fills the plan: activities, one
  overdue, and reviews;
- pair B (PDF) signs the agreement with pdftk; later a bad re-save of it comes back
  (the mentee's name lost, the midpoint typed as words) with a newer date;
- pair C never returns anything;
- pair D (Word) keeps its partnership private, returns a signed agreement and a plan
  whose only review is two months old.

The tests check every rule of the issue on what ``track`` makes of it: a row per
issued pair with its return states, the newest valid copy, the program roll-up,
the early warnings, the manager's view, and the calendars (read back with vobject,
an independent iCalendar library, and expanded across the daylight-saving change).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import recurring_ical_events
import vobject
from click.testing import CliRunner
from lxml import etree

import docx_helpers as dh
from batch_support import run_batch, write_roster
from mentoring_docs import Filler, forms, load, track
from mentoring_docs.cli import main
from mentoring_docs.tracking import Tracker
from tools import require

START, END = dt.date(2026, 1, 12), dt.date(2026, 7, 10)
AS_OF = dt.date(2026, 4, 20)
PROGRAM = "Harbour Analytics Mentoring 2026"
UTC = dt.timezone.utc

HEADER = ["agreement_id", "mentor.name", "mentor.time_zone", "mentee.name", "mentee.time_zone",
          "meetings.frequency", "meetings.day_time", "confidentiality.level"]
ROSTER = [
    {"agreement_id": "MPA-A", "mentor.name": "Priya Raman", "mentor.time_zone": "America/Chicago",
     "mentee.name": "Daniel Okafor", "mentee.time_zone": "America/New_York",
     "meetings.frequency": "weekly", "meetings.day_time": "Tuesdays at 4 PM Central",
     "confidentiality.level": "with_permission"},
    {"agreement_id": "MPA-B", "mentor.name": "Jonas Becker", "mentor.time_zone": "Europe/Berlin",
     "mentee.name": "Zoë Müller", "mentee.time_zone": "America/New_York",
     "meetings.frequency": "biweekly", "meetings.day_time": "every other Thursday, 15:00 CET"},
    {"agreement_id": "MPA-C", "mentor.name": "王芳", "mentor.time_zone": "Asia/Shanghai",
     "mentee.name": "Siobhán O'Brien", "mentee.time_zone": "Europe/Dublin",
     "meetings.frequency": "weekly", "meetings.day_time": "Tuesdays at 4 PM"},
    {"agreement_id": "MPA-D", "mentor.name": "Анна Смирнова", "mentor.time_zone": "Europe/London",
     "mentee.name": "Jean-Luc Dubois", "mentee.time_zone": "Europe/London",
     "meetings.frequency": "monthly", "meetings.day_time": "first Monday of the month, 10:00-11:00",
     "confidentiality.level": "private"},
]
DEFAULTS = {"program": {"name": PROGRAM}, "timeframe": {"start_date": START.isoformat(), "end_date": END.isoformat()},
            "meetings": {"duration_minutes": 45, "location": "https://meet.example/harbour-mentoring"}}

# Words only the pairs wrote: the manager's view must not contain any of them.
FREE_TEXT = ["Ship a tested model", "Add tests to three models", "Shadow an on-call shift",
             "Rank the goals", "Midpoint talk", "Learn the platform privately", "Read the handbook",
             "Talked about the reorg"]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def set_mtime(path: Path, when: dt.datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def sign_docx(blob: bytes, names: dict[str, str]) -> bytes:
    """Type the signatures' names and dates into a Word agreement, as a pair does in Word."""
    def edit(root: etree._Element) -> None:
        for who, name in names.items():
            dh.set_text(dh.control(root, f"signatures.{who}.name"), name)
            date = dh.control(root, f"signatures.{who}.date")
            dh.set_text(date, "2026-01-14")
            date.find("w:sdtPr/w:date", dh.NS).set(dh.q("w:fullDate"), "2026-01-14T00:00:00Z")
    return dh.edit_document(blob, edit)


def pdftk_fill(source: Path, values: dict[str, str], out: Path) -> None:
    fields = "".join(f'<field name="{k}"><value>{v}</value></field>' for k, v in values.items())
    xfdf = out.with_suffix(".xfdf")
    xfdf.write_text('<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/">'
                    f"<fields>{fields}</fields></xfdf>", encoding="utf-8")
    subprocess.run([require("pdftk"), str(source), "fill_form", str(xfdf), "output", str(out)],
                   check=True, capture_output=True, timeout=120)
    xfdf.unlink()


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require("pdftk")
    root = tmp_path_factory.mktemp("coordinator")
    roster = write_roster(root / "roster.csv", HEADER, ROSTER)
    defaults = root / "defaults.json"
    defaults.write_text(json.dumps(DEFAULTS), encoding="utf-8")
    issued, returned = root / "issued", root / "returned"
    made = run_batch(roster, "-o", issued, "--defaults", defaults, "--formats", "docx,pdf,ics", "-j", "1", "-q")
    assert made.returncode == 0, made.stderr
    folders = {row["agreement_id"]: issued / f"{row['mentee.name']} - {row['mentor.name']}" for row in ROSTER}
    t0 = dt.datetime(2026, 4, 1, 9, 0)

    # Pair A, Word: signed by both, and a plan with progress.
    (returned / "A").mkdir(parents=True)
    (returned / "A" / "agreement.docx").write_bytes(sign_docx(
        (folders["MPA-A"] / "agreement.docx").read_bytes(), {"mentor": "Priya Raman", "mentee": "Daniel Okafor"}))
    plan_a = forms.read(folders["MPA-A"] / "action-plan.docx").data
    plan_a |= {
        "goals": [{"title": "Ship a tested model", "activities": [
            {"description": "Add tests to three models", "target_date": day("2026-02-27"), "status": "completed",
             "completed_on": day("2026-02-20")},
            {"description": "Shadow an on-call shift", "target_date": day("2026-04-10"), "status": "in_progress"},
            {"description": "Write the runbook", "target_date": day("2026-07-01")},
        ]}],
        "reviews": [{"date": day("2026-01-20"), "objective": "Rank the goals"},
                    {"date": day("2026-04-08"), "objective": "Midpoint talk", "progress": "On track"}],
    }
    (returned / "A" / "action-plan.docx").write_bytes(Filler("action_plan", "docx").render(load("action_plan", plan_a)))

    # Pair B, PDF: a good signed copy, then a newer bad re-save.
    (returned / "B").mkdir()
    signed = {"signatures.mentor.name": "Jonas Becker", "signatures.mentor.date": "2026-01-15",
              "signatures.mentee.name": "Zoë Müller", "signatures.mentee.date": "2026-01-15"}
    pdftk_fill(folders["MPA-B"] / "agreement.pdf", signed, returned / "B" / "agreement.pdf")
    pdftk_fill(folders["MPA-B"] / "agreement.pdf",
               signed | {"mentee.name": "", "timeframe.midpoint_check": "mid April"},
               returned / "B" / "agreement (resaved).pdf")

    # Pair C: nothing comes back. Pair D, Word, private.
    (returned / "D").mkdir()
    (returned / "D" / "agreement.docx").write_bytes(sign_docx(
        (folders["MPA-D"] / "agreement.docx").read_bytes(), {"mentor": "Анна Смирнова", "mentee": "Jean-Luc Dubois"}))
    plan_d = forms.read(folders["MPA-D"] / "action-plan.docx").data
    plan_d |= {"goals": [{"title": "Learn the platform privately", "activities": [
        {"description": "Read the handbook", "target_date": day("2026-03-01"), "status": "not_started"}]}],
        "reviews": [{"date": day("2026-02-10"), "progress": "Talked about the reorg"}]}
    (returned / "D" / "plan.docx").write_bytes(Filler("action_plan", "docx").render(load("action_plan", plan_d)))

    for path in returned.rglob("*"):
        if path.is_file():
            set_mtime(path, t0)
    set_mtime(returned / "B" / "agreement (resaved).pdf", t0 + dt.timedelta(days=3))
    return {"root": root, "issued": issued, "returned": returned, "folders": folders,
            "manifest": issued / "manifest.csv", "batch_stderr": made.stderr}


def tracked(program: dict[str, Any], as_of: dt.date = AS_OF, **options: Any) -> Tracker:
    return track([program["returned"]], as_of=as_of, manifest=program["manifest"], **options)


def by_pair(rows: list[Any], pair: str) -> Any:
    found = [r for r in rows if r.pair == pair]
    assert len(found) == 1, (pair, found)
    return found[0]


# -- 1. every issued pair has a row ---------------------------------------------------


def test_every_issued_pair_has_a_row_with_its_return_states(program: dict[str, Any]) -> None:
    tracker = tracked(program)
    states = {p.pair: (p.agreement_state, p.action_plan_state) for p in tracker.pairs}
    assert states == {
        "MPA-A": ("returned", "returned"),
        "MPA-B": ("returned_invalid", "not_returned"),
        "MPA-C": ("not_returned", "not_returned"),
        "MPA-D": ("returned", "returned"),
    }
    c = by_pair(tracker.pairs, "MPA-C")
    # Known from the issued copy: who the pair is and when it started; nothing signed.
    assert (c.mentor, c.mentee, c.program, c.start, c.end) == ("王芳", "Siobhán O'Brien", PROGRAM, START, END)
    assert (c.agreement_returned, c.signed_mentor, c.signed_mentee, c.action_plan_returned) == (False, False, False, False)
    assert c.agreement_file is None


def test_the_command_counts_issued_pairs(program: dict[str, Any]) -> None:
    out = program["root"] / "count.json"
    result = CliRunner().invoke(main, ["track", str(program["returned"]), "-o", str(out), "--as-of", AS_OF.isoformat(),
                                       "--manifest", str(program["manifest"])])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("4 pairs from 5 forms")


def test_without_a_manifest_nothing_changes(program: dict[str, Any]) -> None:
    tracker = track([program["returned"]], as_of=AS_OF)
    assert sorted(p.pair for p in tracker.pairs) == ["MPA-A", "MPA-B", "MPA-D"]
    assert all(p.agreement_state is None and p.action_plan_state is None for p in tracker.pairs)
    assert not any(a.alert == "agreement_not_returned" for a in tracker.alerts)


# -- 2. newest valid copy wins ---------------------------------------------------------


def test_the_newest_valid_copy_wins_and_the_bad_resave_is_listed(program: dict[str, Any]) -> None:
    tracker = tracked(program)
    returned = program["returned"]
    b = by_pair(tracker.pairs, "MPA-B")
    assert (b.mentee, b.signed_mentor, b.signed_mentee) == ("Zoë Müller", True, True)
    assert b.agreement_file == str(returned / "B" / "agreement.pdf")
    status = {Path(d.file).name: (d.status, d.superseded_by) for d in tracker.documents if d.pair == "MPA-B"}
    assert status == {"agreement.pdf": ("used", None),
                      "agreement (resaved).pdf": ("rejected", str(returned / "B" / "agreement.pdf"))}
    bad = [(p.category, p.path) for p in tracker.problems if p.file.endswith("agreement (resaved).pdf")]
    assert sorted(bad) == [("invalid", "mentee.name"), ("invalid", "timeframe.midpoint_check")]
    assert all("newer copy, not used" in p.problem for p in tracker.problems if p.file.endswith("(resaved).pdf"))
    assert b.problems == 2


# -- 3. program roll-ups ---------------------------------------------------------------


def test_program_rollup(program: dict[str, Any]) -> None:
    tracker = tracked(program)
    (row,) = tracker.programs
    assert (row.program, row.pairs) == (PROGRAM, 4)
    assert (row.agreements_returned, row.signed_by_both, row.action_plans_returned) == (0.75, 0.75, 0.5)
    # A: 1 of 3 completed, 1 overdue (10 April); D: 0 of 1, 1 overdue (1 March).
    assert (row.activities, row.activities_completed, row.overdue_activities) == (4, 0.25, 2)
    # Midpoint (estimated 11 April) passed: A reviewed on 8 April (in the window); B, C, D did not.
    assert row.past_midpoint_without_review == 3
    assert row.average_progress == pytest.approx((1 / 3 + 0) / 2)


def test_rollups_and_alerts_in_every_format(program: dict[str, Any]) -> None:
    root = program["root"]
    tracker = tracked(program)
    book = openpyxl.load_workbook(tracker.write(root / "all.xlsx", overwrite=True)[0])
    programs = list(book["Programs"].iter_rows(values_only=True))
    assert programs[0][:3] == ("Program", "Pairs", "Agreements returned")
    assert programs[1][:3] == (PROGRAM, 4, 0.75)
    assert book["Programs"]["C2"].number_format == "0%"
    assert book["Alerts"].max_row == len(tracker.alerts) + 1
    written = tracker.write(root / "all.csv", overwrite=True)
    with (root / "all-programs.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert root / "all-programs.csv" in written and rows[0]["pairs"] == "4" and rows[0]["signed_by_both"] == "0.75"
    with (root / "all-alerts.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(tracker.alerts)
    data = json.loads(tracker.write(root / "all.json", overwrite=True)[0].read_text(encoding="utf-8"))
    assert data["programs"][0]["past_midpoint_without_review"] == 3
    assert {a["alert"] for a in data["alerts"]} >= {"agreement_not_returned", "midpoint_missed"}


# -- 4. early warnings -----------------------------------------------------------------


def alerts_of(tracker: Tracker) -> set[tuple[str, str, dt.date]]:
    return {(a.pair, a.alert, a.date) for a in tracker.alerts}


def test_alerts_as_of_late_april(program: dict[str, Any]) -> None:
    midpoint = day("2026-04-11")
    assert alerts_of(tracked(program)) == {
        ("MPA-B", "no_recent_review", START + dt.timedelta(days=60)),  # no plan, so no review since the start
        ("MPA-B", "midpoint_missed", midpoint),
        ("MPA-C", "agreement_not_returned", START + dt.timedelta(days=21)),
        ("MPA-C", "no_recent_review", START + dt.timedelta(days=60)),
        ("MPA-C", "midpoint_missed", midpoint),
        ("MPA-D", "no_recent_review", day("2026-02-10") + dt.timedelta(days=60)),
        ("MPA-D", "midpoint_missed", midpoint),
    }
    first = tracked(program).alerts[0]
    assert (first.pair, first.alert, first.mentor) == ("MPA-C", "agreement_not_returned", "王芳")
    assert "21 days" in first.reason and "98 days after the start" in first.reason


def test_alert_thresholds_are_options(program: dict[str, Any]) -> None:
    got = alerts_of(tracked(program, stale_days=100, return_days=120))
    assert not any(alert in ("no_recent_review", "agreement_not_returned") for _, alert, _ in got)
    assert ("MPA-D", "no_recent_review", day("2026-05-21")) in alerts_of(tracked(program, as_of=day("2026-05-25"),
                                                                                stale_days=100))


def test_alerts_near_and_after_the_end(program: dict[str, Any]) -> None:
    near = alerts_of(tracked(program, as_of=day("2026-07-01")))
    # A still has two open activities, D one; B's plan never came back, so nothing is known to be open.
    assert ("MPA-A", "ending_with_open_activities", END) in near
    assert ("MPA-D", "ending_with_open_activities", END) in near
    assert not any(alert == "ending_with_open_activities" for pair, alert, _ in near if pair in ("MPA-B", "MPA-C"))
    after = alerts_of(tracked(program, as_of=day("2026-07-20")))
    assert {p for p, alert, _ in after if alert == "ended_without_closing_review"} == {"MPA-A", "MPA-B", "MPA-C", "MPA-D"}
    assert not any(alert in ("no_recent_review", "midpoint_missed") for _, alert, _ in after)


def test_the_page_lists_alerts_first(program: dict[str, Any]) -> None:
    page = tracked(program).write(program["root"] / "order.html", overwrite=True)[0].read_text(encoding="utf-8")
    assert page.index("Needs attention (7)") < page.index("<h2>Programs</h2>") < page.index("<h2>Pairs</h2>")
    assert "returned, invalid" in page


# -- 5. the manager's view -------------------------------------------------------------


def test_manager_view_has_no_free_text_and_private_pairs_show_counts(program: dict[str, Any]) -> None:
    coordinator = tracked(program)
    text = json.dumps(coordinator.to_dict(), ensure_ascii=False)
    assert all(words in text for words in FREE_TEXT)  # the coordinator sees them
    manager = coordinator.for_audience("manager")
    root = program["root"]
    for suffix in (".json", ".html", ".xlsx", ".csv"):
        for path in manager.write(root / f"manager{suffix}", overwrite=True):
            if suffix == ".xlsx":
                book = openpyxl.load_workbook(path)
                content = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row)
            else:
                content = path.read_text(encoding="utf-8-sig")
            leaked = [words for words in FREE_TEXT if words in content]
            assert not leaked, (path.name, leaked)
    assert "mid April" in text and "mid April" not in json.dumps(manager.to_dict(), ensure_ascii=False)
    # Pair D is private: its row keeps the counts, but no activity, review or their dates.
    d = by_pair(manager.pairs, "MPA-D")
    assert (d.activities_total, d.activities_completed, d.overdue, d.goals) == (1, 0, 1, 1)
    assert (d.last_review, d.next_target) == (None, None)
    assert not [a for a in manager.activities if a.pair == "MPA-D"] and not [r for r in manager.reviews if r.pair == "MPA-D"]
    assert all(a.reason == "Midpoint passed without a review" or a.pair != "MPA-D" or a.alert != "midpoint_missed"
               for a in manager.alerts)
    # Pair A is not private: its activities stay, with their dates and statuses but not their wording.
    a_rows = [(x.target_date, x.status, x.description, x.goal_title) for x in manager.activities if x.pair == "MPA-A"]
    assert a_rows[0] == (day("2026-02-27"), "completed", None, None)
    assert manager.to_dict()["audience"] == "manager" and "Manager view" in (root / "manager.html").read_text("utf-8")


def test_manager_view_from_the_command(program: dict[str, Any]) -> None:
    out = program["root"] / "cli-manager.json"
    result = CliRunner().invoke(main, ["track", str(program["returned"]), "-o", str(out), "--manifest",
                                       str(program["manifest"]), "--as-of", AS_OF.isoformat(), "--audience", "manager"])
    assert result.exit_code == 0, result.output
    content = out.read_text(encoding="utf-8")
    assert json.loads(content)["audience"] == "manager"
    assert not [words for words in FREE_TEXT if words in content]
    ics = program["root"] / "cli-manager.ics"
    result = CliRunner().invoke(main, ["track", str(program["returned"]), "-o", str(out), "--manifest",
                                       str(program["manifest"]), "--audience", "manager", "--ics", str(ics), "--force"])
    assert result.exit_code == 0, result.output
    calendar = ics.read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Write the runbook" not in calendar and "Activity due: activity 1.3" in calendar


def test_empty_shares_are_empty() -> None:
    from mentoring_docs.tracking.rollups import programs
    from mentoring_docs.tracking.tables import PairRow

    lonely = PairRow(pair="X", agreement_id="X", program=None, mentor="A", mentee="B", coordinator=None,
                     agreement_returned=True, signed_mentor=False, signed_mentee=False, signed_coordinator=False,
                     signed_line_manager=False, start=None, midpoint=None, midpoint_estimated=False, end=None, days_to_midpoint=None,
                     days_to_end=None, action_plan_returned=False, goals=None, activities_completed=None,
                     activities_total=None, progress=None, overdue=None, next_target=None, last_review=None,
                     problems=0, agreement_file="a.docx", action_plan_file=None)
    (row,) = programs([lonely], AS_OF)
    assert (row.program, row.pairs, row.agreements_returned, row.activities) == (None, 1, 1.0, 0)
    assert (row.activities_completed, row.average_progress) == (None, None)
    assert programs([], AS_OF) == []


def test_competencies_roll_up_per_program_and_the_manager_sees_ratings_without_names(tmp_path: Path) -> None:
    import dataclasses

    from mentoring_docs.tracking.rollups import programs
    from mentoring_docs.tracking.tables import CompetencyRow, PairRow

    base = PairRow(pair="A", agreement_id="A", program="Guild", mentor="Ana", mentee="Ben", coordinator=None,
                   agreement_returned=True, signed_mentor=True, signed_mentee=True, signed_coordinator=False,
                   signed_line_manager=False, start=None, midpoint=None, midpoint_estimated=False, end=None,
                   days_to_midpoint=None, days_to_end=None, action_plan_returned=True, goals=1,
                   activities_completed=0, activities_total=1, progress=0.0, overdue=0, next_target=None,
                   last_review=None, problems=0, agreement_file="a.pdf", action_plan_file="p.pdf")
    private = dataclasses.replace(base, pair="D", confidentiality="private")
    other = dataclasses.replace(base, pair="X", program="Other")

    def rated(pair: str, n: int, name: str, baseline: int | None, final: int | None) -> CompetencyRow:
        change = final - baseline if baseline is not None and final is not None else None
        return CompetencyRow(pair=pair, mentor="Ana", mentee="Ben", competency=n, name=name, baseline=baseline,
                             target=4, final=final, change=change, file="p.pdf")

    competencies = [rated("A", 1, "Negotiating", 2, 4), rated("A", 2, "Delegating", 3, None),
                    rated("D", 1, "Public speaking", 1, 2)]
    guild, rest = programs([base, private, other], AS_OF, competencies)
    assert (guild.program, guild.average_competency_change) == ("Guild", 1.5)  # (2 + 1) / 2; unrated left out
    assert (rest.program, rest.average_competency_change) == ("Other", None)
    tracker = Tracker(AS_OF, [base, private, other], [], [], [], [], competencies=competencies,
                      programs=[guild, rest])
    assert tracker.average_competency_change == 1.5
    manager = tracker.for_audience("manager")
    # Names are the pair's own words; the private pair's ratings are left out; the roll-up stays.
    assert [(c.pair, c.name, c.baseline, c.final) for c in manager.competencies] == [
        ("A", None, 2, 4), ("A", None, 3, None)]
    assert manager.programs == tracker.programs
    for path in manager.write(tmp_path / "manager.csv") + manager.write(tmp_path / "manager.html"):
        content = path.read_text(encoding="utf-8-sig")
        assert not [w for w in ("Negotiating", "Delegating", "Public speaking") if w in content], path.name
    assert "Public speaking" in json.dumps(tracker.to_dict())  # the coordinator's view keeps them
    page = (tmp_path / "manager.html").read_text(encoding="utf-8")
    assert "+1.5" in page and "Average competency change" in page


# -- 6. calendars ------------------------------------------------------------------------


def parse(path: Path) -> Any:
    """The calendar as vobject reads it (independent of the icalendar library that wrote it)."""
    return vobject.readOne(path.read_text(encoding="utf-8"))


def meeting(cal: Any) -> Any:
    (found,) = [e for e in cal.vevent_list if e.uid.value.endswith("-meetings@mentoring-docs")]
    return found


def test_batch_calendar_meetings_across_daylight_saving(program: dict[str, Any]) -> None:
    cal = parse(program["folders"]["MPA-A"] / "calendar.ics")
    event = meeting(cal)
    assert event.dtstart.value == dt.datetime(2026, 1, 13, 16, 0, tzinfo=event.dtstart.value.tzinfo)
    assert event.location.value == "https://meet.example/harbour-mentoring"
    assert event.url.value == "https://meet.example/harbour-mentoring"
    # vobject's own expansion: every Tuesday from the start to the end, at 4 PM Chicago time.
    occurrences = list(event.getrruleset(addRDate=True))
    assert len(occurrences) == 26 and occurrences[-1].date() == day("2026-07-07")
    in_utc = {o.date(): o.astimezone(UTC).hour for o in occurrences}
    assert in_utc[day("2026-03-03")] == 22 and in_utc[day("2026-03-10")] == 21  # US clocks change on 8 March
    assert all(o.astimezone(ZoneInfo("America/Chicago")).hour == 16 for o in occurrences)
    # The mentee in New York sees 5 PM.
    assert "Daniel Okafor: Tuesday 17:00 (America/New_York)" in event.description.value.replace("\n", " ")
    # A second expander (recurring-ical-events) agrees.
    import icalendar

    parsed = icalendar.Calendar.from_ical((program["folders"]["MPA-A"] / "calendar.ics").read_bytes())
    march = recurring_ical_events.of(parsed).between(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 20, tzinfo=UTC))
    meetings = sorted(e["DTSTART"].dt.astimezone(UTC) for e in march if "meetings" in str(e["UID"]))
    assert meetings == [dt.datetime(2026, 3, 3, 22, tzinfo=UTC), dt.datetime(2026, 3, 10, 21, tzinfo=UTC),
                        dt.datetime(2026, 3, 17, 21, tzinfo=UTC)]


def test_batch_calendar_biweekly_in_europe_and_monthly(program: dict[str, Any]) -> None:
    event = meeting(parse(program["folders"]["MPA-B"] / "calendar.ics"))
    occurrences = list(event.getrruleset(addRDate=True))
    assert [o.date() for o in occurrences[:3]] == [day("2026-01-15"), day("2026-01-29"), day("2026-02-12")]
    hours = {o.date(): o.astimezone(UTC).hour for o in occurrences}
    assert hours[day("2026-03-26")] == 14 and hours[day("2026-04-09")] == 13  # Europe changes on 29 March
    assert event.duration.value == dt.timedelta(minutes=45)
    assert "Zoë Müller: Thursday 09:00 (America/New_York)" in event.description.value.replace("\n", " ")
    monthly = meeting(parse(program["folders"]["MPA-D"] / "calendar.ics"))
    dates = [o.date() for o in monthly.getrruleset(addRDate=True)]
    assert dates == [day(d) for d in ("2026-02-02", "2026-03-02", "2026-04-06", "2026-05-04", "2026-06-01",
                                       "2026-07-06")]
    assert {(o.hour, o.minute) for o in monthly.getrruleset(addRDate=True)} == {(10, 0)}
    assert monthly.duration.value == dt.timedelta(minutes=45)  # the agreement's duration wins over the range
    # vobject attaches pytz's London zone here without localising it, so its offsets are not to be
    # trusted across the change; recurring-ical-events expands with the VTIMEZONE in the file.
    import icalendar

    parsed = icalendar.Calendar.from_ical((program["folders"]["MPA-D"] / "calendar.ics").read_bytes())
    spring = recurring_ical_events.of(parsed).between(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 30, tzinfo=UTC))
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in spring if "meetings" in str(e["UID"])) == [
        dt.datetime(2026, 3, 2, 10, tzinfo=UTC), dt.datetime(2026, 4, 6, 9, tzinfo=UTC)]  # BST from 29 March


def test_a_time_that_cannot_be_placed_is_a_reminder_and_a_warning(program: dict[str, Any]) -> None:
    # Pair C: "Tuesdays at 4 PM", partners in Shanghai and Dublin: 4 PM where?
    event = meeting(parse(program["folders"]["MPA-C"] / "calendar.ics"))
    assert event.dtstart.value == START and not isinstance(event.dtstart.value, dt.datetime)
    assert "time to be agreed" in event.summary.value and not hasattr(event, "rrule")
    assert "different time zones" in program["batch_stderr"]
    assert "row 4:" in program["batch_stderr"]  # the warning names the roster row


def test_all_day_dates_in_the_pair_calendar(program: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "a.ics"
    files = [program["returned"] / "A" / "agreement.docx", program["returned"] / "A" / "action-plan.docx"]
    result = CliRunner().invoke(main, ["calendar", *map(str, files), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cal = parse(out)
    all_day = {(e.summary.value.split(":")[0], e.dtstart.value) for e in cal.vevent_list
               if not isinstance(e.dtstart.value, dt.datetime)}
    assert all_day == {
        ("Mentoring midpoint check (estimated)", day("2026-04-11")), ("Mentoring partnership ends", END),
        ("Due (completed)", day("2026-02-27")), ("Due", day("2026-04-10")), ("Due", day("2026-07-01")),
        ("Progress review", day("2026-01-20")), ("Progress review", day("2026-04-08")),
    }
    for event in cal.vevent_list:
        if not isinstance(event.dtstart.value, dt.datetime):
            assert event.dtend.value == event.dtstart.value + dt.timedelta(days=1)


def test_calendar_from_a_form_with_invalid_values_warns(program: dict[str, Any], tmp_path: Path) -> None:
    bad = program["returned"] / "B" / "agreement (resaved).pdf"
    result = CliRunner().invoke(main, ["calendar", str(bad), "-o", str(tmp_path / "b.ics")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "timeframe.midpoint_check" in result.stderr
    cal = parse(tmp_path / "b.ics")
    assert meeting(cal).dtstart.value.date() == day("2026-01-15")  # the rest of the form is used


def test_uids_are_stable_so_a_reimport_updates(program: dict[str, Any], tmp_path: Path) -> None:
    source = program["returned"] / "A" / "agreement.docx"
    data = forms.read(source).data
    data["meetings"]["day_time"] = "Wednesdays at 9:30 am Central"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, default=str), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["calendar", str(source), "-o", str(tmp_path / "one.ics")]).exit_code == 0
    assert runner.invoke(main, ["calendar", str(changed), "-o", str(tmp_path / "two.ics")]).exit_code == 0
    one, two = parse(tmp_path / "one.ics"), parse(tmp_path / "two.ics")
    assert sorted(e.uid.value for e in one.vevent_list) == sorted(e.uid.value for e in two.vevent_list)
    assert meeting(one).dtstart.value.hour == 16 and meeting(two).dtstart.value.hour == 9
    assert meeting(two).dtstart.value.date() == day("2026-01-14")
    batch = parse(program["folders"]["MPA-A"] / "calendar.ics")
    assert {e.uid.value for e in batch.vevent_list} <= {e.uid.value for e in one.vevent_list}


def test_batch_keeps_an_unchanged_calendar(program: dict[str, Any], tmp_path: Path) -> None:
    calendar = program["folders"]["MPA-A"] / "calendar.ics"
    before = calendar.read_bytes()
    again = run_batch(program["root"] / "roster.csv", "-o", program["issued"], "--defaults",
                      program["root"] / "defaults.json", "--formats", "docx,pdf,ics", "-j", "1", "-q")
    assert again.returncode == 0, again.stderr
    assert calendar.read_bytes() == before and "calendars written" not in again.stderr
    assert "calendar" not in (program["manifest"]).read_text(encoding="utf-8")  # not a form to come back


def test_batch_replaces_a_different_calendar_only_with_force(tmp_path: Path) -> None:
    from mentoring_docs.batch import generate

    row = {"mentor.name": "Mina Park", "mentee.name": "Omar Haddad", "timeframe.start_date": "2026-03-02",
           "timeframe.end_date": "2026-06-26", "meetings.frequency": "weekly",
           "meetings.day_time": "Mondays 10:00 Europe/Paris"}
    report = generate([row], tmp_path, formats=["ics"], jobs=1)
    assert report.ok and report.calendars_written == 1
    (ics,) = tmp_path.glob("*/calendar.ics")
    ics.write_bytes(ics.read_bytes().replace(b"Mentoring meeting", b"Our own title"))
    again = generate([row], tmp_path, formats=["ics"], jobs=1)
    assert not again.ok and "already exists with other events" in str(again.errors[0])
    assert b"Our own title" in ics.read_bytes()
    forced = generate([row], tmp_path, formats=["ics"], jobs=1, force=True)
    assert forced.ok and b"Our own title" not in ics.read_bytes()


def test_track_writes_the_coordinators_calendar(program: dict[str, Any]) -> None:
    out, ics = program["root"] / "due.html", program["root"] / "due.ics"
    result = CliRunner().invoke(main, ["track", str(program["returned"]), "-o", str(out), "--manifest",
                                       str(program["manifest"]), "--as-of", AS_OF.isoformat(), "--ics", str(ics),
                                       "--force"])
    assert result.exit_code == 0, result.output
    events = {(e.summary.value, e.dtstart.value) for e in parse(ics).vevent_list}
    assert ("Agreement due back: 王芳 & Siobhán O'Brien", START + dt.timedelta(days=21)) in events
    assert ("Partnership ends: Priya Raman & Daniel Okafor", END) in events
    assert ("Midpoint check (estimated): Jonas Becker & Zoë Müller", day("2026-04-11")) in events
    assert ("Activity due: Write the runbook (Priya Raman & Daniel Okafor)", day("2026-07-01")) in events
    assert not any("Add tests" in summary for summary, _ in events)  # completed: nothing to chase
    uids = [e.uid.value for e in parse(ics).vevent_list]
    assert len(uids) == len(set(uids))


# -- the page in a browser -------------------------------------------------------------


def test_page_with_rollups_and_alerts_in_chromium(program: dict[str, Any], tmp_path: Path) -> None:
    import tempfile

    from test_track_browser import chromium, png_pixels

    page = tracked(program).write(tmp_path / "tracker.html")[0]
    dom = chromium("--dump-dom", page.as_uri()).stdout
    # Rendered by the browser: the warnings come before the programs, which come before the pairs.
    assert dom.index('<table class="sortable alerts">') < dom.index('<table class="sortable programs">') \
        < dom.index('<table class="sortable pairs">')
    assert dom.count('<tr class="alert-row">') == 7
    shot = tmp_path / "tracker.png"
    chromium(f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    width, height, rgb = png_pixels(shot)
    assert (width, height) == (1400, 1000)
    red = bytes((0xC5, 0x30, 0x30))  # the alert rows' left border and the alert counts
    assert rgb.count(red) > 500
    green = bytes((0x2F, 0x85, 0x5A))  # the roll-up bars
    assert rgb.count(green) > 100
    (Path(tempfile.gettempdir()) / "mentoring-docs-coordinator.png").write_bytes(shot.read_bytes())


def test_a_calendar_program_imports_the_pair_calendar(program: dict[str, Any], tmp_path: Path) -> None:
    """calcurse (a terminal calendar) imports the batch's calendar and shows the mentee's local time.

    calcurse keeps a recurring appointment at one local time, so it is not used across a
    daylight-saving change (vobject and recurring-ical-events check that above).
    """
    exe = require("calcurse")
    data, conf = tmp_path / "data", tmp_path / "conf"
    data.mkdir()
    conf.mkdir()
    env = dict(os.environ, TZ="America/New_York", HOME=str(tmp_path))
    base = [exe, "-D", str(data), "-C", str(conf)]
    imported = subprocess.run([*base, "-i", str(program["folders"]["MPA-A"] / "calendar.ics")], env=env,
                              capture_output=True, text=True, timeout=60, check=True)
    assert "1 app /" in imported.stdout and "0 skipped" in imported.stdout
    listed = subprocess.run([*base, "-Q", "--input-datefmt", "4", "--from", "2026-01-12", "--to", "2026-01-21"],
                            env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "01/13/26:\n - 17:00 -> 17:45\n\tMentoring meeting: Priya Raman & Daniel Okafor" in listed
    assert "01/20/26:\n - 17:00 -> 17:45" in listed
