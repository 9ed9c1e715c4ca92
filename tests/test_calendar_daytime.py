"""Reading ``meetings.day_time``: the common forms are understood, anything unclear is refused (never guessed)."""

from __future__ import annotations

import datetime as dt

import pytest
import vobject

from mentoring_docs.calendar import make_calendar, pair_events, parse_day_time
from mentoring_docs.calendar.build import calendar_bytes
from mentoring_docs.calendar.daytime import zone_named

T = dt.time


@pytest.mark.parametrize(("text", "frequency", "rule", "time", "zone"), [
    ("Tuesdays at 4 PM Central", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["TU"]}, T(16), "America/Chicago"),
    ("Tuesdays at 4 PM Central (5 PM Eastern)", "biweekly", {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": ["TU"]}, T(16),
     "America/Chicago"),
    ("every Tuesday, 16:00 CET", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["TU"]}, T(16), "Europe/Berlin"),
    ("Mon and Thurs 9:30 a.m. America/New_York", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["MO", "TH"]},
     T(9, 30), "America/New_York"),
    ("every other Wednesday 3pm Eastern time", None, {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": ["WE"]}, T(15),
     "America/New_York"),
    ("first Monday of the month, 4-5 PM", "monthly", {"FREQ": "MONTHLY", "BYDAY": ["1MO"]}, T(16), None),
    ("last Friday, 11-1 PM PT", "monthly", {"FREQ": "MONTHLY", "BYDAY": ["-1FR"]}, T(11), "America/Los_Angeles"),
    ("Fridays at noon, Asia/Tokyo", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["FR"]}, T(12), "Asia/Tokyo"),
    ("Tuesdays 16h30", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["TU"]}, T(16, 30), None),
    ("Tuesdays 09:30 UTC", "weekly", {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": ["TU"]}, T(9, 30), "UTC"),
    ("every second Tuesday, 3 PM ET", None, {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": ["TU"]}, T(15),
     "America/New_York"),
])
def test_common_forms(text: str, frequency: str | None, rule: dict[str, object], time: dt.time, zone: str | None) -> None:
    got = parse_day_time(text, frequency)
    assert (got.rule, got.time, got.zone, got.problems) == (rule, time, zone, ())
    assert got.complete


def test_a_range_gives_the_length() -> None:
    assert parse_day_time("Mondays 10:00-11:15", "weekly").minutes == 75
    assert parse_day_time("Mondays 4-5:30 pm", "weekly").minutes == 90


@pytest.mark.parametrize(("text", "frequency", "problem"), [
    ("", "weekly", "no meeting day and time"),
    ("Tuesdays at 4", "weekly", "no time of day"),
    ("Tuesday mornings", "weekly", "no time of day"),
    ("at 4 PM Central", "weekly", "no weekday"),
    ("Tuesdays at 4 PM IST", "weekly", "'IST' is not one this program knows"),
    ("Tuesdays at 4 PM Europe/Atlantis", "weekly", "unknown time zone"),
    ("Tuesdays 4 PM Central (4 PM Eastern)", "weekly", "several different times"),
    ("Tuesdays at 4 PM", None, "no meeting frequency"),
    ("Tuesdays at 4 PM", "other", "frequency is 'other'"),
    ("Tuesdays at 4 PM", "monthly", "monthly meetings need one numbered weekday"),
    ("Monday 13 pm", "weekly", "'13 pm' is not a time of day"),
    ("Tuesdays at 4:30", "weekly", "could be in the morning or the afternoon"),
    ("Tuesdays 9:00-10:00", "weekly", "could be in the morning or the afternoon"),
])
def test_unclear_text_is_refused(text: str, frequency: str | None, problem: str) -> None:
    got = parse_day_time(text, frequency)
    assert not got.complete
    assert any(problem in p for p in got.problems), got.problems


def test_zone_words() -> None:
    assert zone_named("Central") == "America/Chicago"
    assert zone_named("Pacific time") == "America/Los_Angeles"
    assert zone_named("Europe/Paris") == "Europe/Paris"
    assert zone_named("Mars/Olympus") is None


def agreement(day_time: str | None, **people: str) -> dict[str, object]:
    zones = {"mentor": people.get("mentor"), "mentee": people.get("mentee")}
    return {
        "agreement_id": "MPA-T", "mentor": {"name": "Mina", **({"time_zone": zones["mentor"]} if zones["mentor"] else {})},
        "mentee": {"name": "Omar", **({"time_zone": zones["mentee"]} if zones["mentee"] else {})},
        "timeframe": {"start_date": dt.date(2026, 3, 2), "end_date": dt.date(2026, 5, 29)},
        "meetings": {"frequency": "weekly", **({"day_time": day_time} if day_time else {})},
    }


def test_the_partners_shared_zone_places_the_time() -> None:
    built = pair_events(agreement("Wednesdays 9am", mentor="Europe/Paris", mentee="Europe/Paris"))
    (series,) = [e for e in built.events if "rrule" in e]
    assert series["dtstart"].dt == dt.datetime(2026, 3, 4, 9, tzinfo=series["dtstart"].dt.tzinfo)
    assert str(series["dtstart"].dt.tzinfo) == "Europe/Paris"
    # The length falls back to an hour, and a warning says so.
    assert series["duration"].dt == dt.timedelta(hours=1)
    assert any("duration_minutes" in w for w in built.warnings)


def test_no_zone_anywhere_is_a_floating_time_with_a_warning() -> None:
    built = pair_events(agreement("Wednesdays 9am"))
    (series,) = [e for e in built.events if "rrule" in e]
    assert series["dtstart"].dt.tzinfo is None
    assert any("names no time zone" in w for w in built.warnings)
    # RFC 5545: a floating start has a floating UNTIL; vobject expands it to the last Wednesday.
    cal = vobject.readOne(calendar_bytes(built.events, name="t").decode("utf-8"))
    (event,) = [e for e in cal.vevent_list if hasattr(e, "rrule")]
    assert list(event.getrruleset())[-1] == dt.datetime(2026, 5, 27, 9)


def test_different_zones_and_no_zone_named_is_a_reminder() -> None:
    built = pair_events(agreement("Wednesdays 9am", mentor="Europe/Paris", mentee="America/Chicago"))
    (reminder,) = [e for e in built.events if "meetings" in str(e["uid"])]
    assert reminder["dtstart"].dt == dt.date(2026, 3, 2) and "rrule" not in reminder
    assert "time to be agreed" in str(reminder["summary"])
    assert any("different time zones" in w for w in built.warnings)


def test_calendar_refuses_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mentoring_docs.errors import DataError, MentoringDocsError

    bad = tmp_path / "bad.json"
    bad.write_text('{"mentor": {"name": "A"}, "mentee": {"name": "B"}, "timeframe": {"start_date": "soon"}}',
                   encoding="utf-8")
    with pytest.raises(DataError, match="timeframe.start_date"):
        make_calendar([bad])
    with pytest.raises(MentoringDocsError, match="no such file"):
        make_calendar([tmp_path / "missing.json"])


def test_calendar_command_errors_are_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from mentoring_docs.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"mentor": {"name": "A"}, "mentee": {"name": "B"}, "timeframe": {"start_date": "soon"}}',
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", str(bad), "-o", str(tmp_path / "out.ics")])
    assert result.exit_code == 1 and "timeframe.start_date" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.ics").exists()
    result = CliRunner().invoke(main, ["calendar", str(bad), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2 and "must end in .ics" in result.stderr
