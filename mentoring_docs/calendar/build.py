"""Calendar events of a mentoring pair, and of a coordinator's tracker, as iCalendar (RFC 5545).

A pair's calendar (:func:`pair_events`) holds:

- **the meeting series**: one recurring event from the first meeting on or after
  the start date until the end date, from ``meetings.frequency``,
  ``meetings.day_time`` (read by :func:`~mentoring_docs.calendar.daytime.parse_day_time`),
  ``meetings.duration_minutes`` and ``meetings.location`` (a link also becomes the
  event's URL). The time zone is the one ``day_time`` names, else the partners'
  ``time_zone`` when they share one. The description gives the time in each
  partner's own zone. When the series cannot be read without guessing (no
  weekday, no time, partners in different zones and none named, an unknown zone...)
  there is instead an all-day reminder on the start date saying the meeting time
  is to be agreed, and a warning says why;
- **all-day events**: the midpoint check (estimated halfway when not given), each
  milestone, the end date, each activity's target date and each review's date.

Every event's UID is made from the agreement ID (or the pair's names when there is
none) and what the event is, so importing an updated calendar replaces the events
instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import icalendar
from dateutil import rrule

from ..identity import pair_names_key
from ..record_values import date_of, text_of, value_at
from .daytime import parse_day_time

if TYPE_CHECKING:
    from ..tracking.tables import Tables

__all__ = ["Built", "DEFAULT_MINUTES", "calendar_bytes", "pair_events", "pair_uid", "tracker_events"]

#: Meeting length when the agreement gives none (a warning says so).
DEFAULT_MINUTES = 60
PRODID = "-//mentoring-docs//mentoring calendar//EN"
_DAY_CODES = {"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH, "FR": rrule.FR,
              "SA": rrule.SA, "SU": rrule.SU}


@dataclass
class Built:
    """Events and the warnings met while making them."""

    events: list[icalendar.Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: "Built") -> None:
        """Add ``other``'s events and warnings."""
        self.events += other.events
        self.warnings += other.warnings


def pair_uid(agreement: Mapping[str, Any] | None, plan: Mapping[str, Any] | None) -> str:
    """The stable part of a pair's event UIDs: its agreement ID, else a digest of its names."""
    for data in (agreement, plan):
        aid = text_of(value_at(data, "agreement_id"))
        if aid:
            return re.sub(r"[^A-Za-z0-9._-]", "_", aid)
    for data in (agreement, plan):
        key = pair_names_key(value_at(data, "mentor", "name"), value_at(data, "mentee", "name"))
        if key:
            return "pair-" + hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()[:20]
    raise ValueError("a pair needs an agreement ID or the mentor's and mentee's names")


def _all_day(uid: str, day: dt.date, summary: str, description: str | None = None,
             stamp: dt.datetime | None = None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or dt.datetime.now(dt.timezone.utc))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a date to remember, not time taken
    return event


def _names(agreement: Mapping[str, Any] | None, plan: Mapping[str, Any] | None) -> tuple[str, str]:
    for data in (agreement, plan):
        mentor, mentee = text_of(value_at(data, "mentor", "name")), text_of(value_at(data, "mentee", "name"))
        if mentor or mentee:
            return mentor or "mentor", mentee or "mentee"
    return "mentor", "mentee"


def pair_events(agreement: Mapping[str, Any] | None, plan: Mapping[str, Any] | None = None, *,
                source: str = "", stamp: dt.datetime | None = None) -> Built:
    """The events of one pair, from its agreement and/or action plan data (typed, as read or validated).

    ``source`` prefixes the warnings (a file name). ``stamp`` is the DTSTAMP of every
    event (default: now).
    """
    built = Built()
    base = pair_uid(agreement, plan)
    mentor, mentee = _names(agreement, plan)
    who = f"{mentor} & {mentee}"
    prefix = f"{source}: " if source else ""
    if agreement is not None:
        timeframe = value_at(agreement, "timeframe") or {}
        start, end = date_of(value_at(timeframe, "start_date")), date_of(value_at(timeframe, "end_date"))
        if start and end:
            meeting = _meetings(agreement, start, end, base, who, stamp)
            built.events.append(meeting.event)
            built.warnings += [prefix + w for w in meeting.warnings]
        elif start or end:
            built.warnings.append(prefix + "no meeting series: the agreement needs both a start and an end date")
        middle = date_of(value_at(timeframe, "midpoint_check"))
        if middle is None and start and end and start < end:
            from ..tracking.build import midpoint  # here: batch workers make calendars without the tracker

            built.events.append(_all_day(f"{base}-midpoint@mentoring-docs", midpoint(start, end),
                                         f"Mentoring midpoint check (estimated): {who}",
                                         "No date was agreed; halfway between the start and the end.", stamp))
        elif middle:
            built.events.append(_all_day(f"{base}-midpoint@mentoring-docs", middle,
                                         f"Mentoring midpoint check: {who}", None, stamp))
        for n, milestone in enumerate(_list(value_at(timeframe, "milestones"))):
            day = date_of(milestone.get("date"))
            if day:
                name = text_of(milestone.get("name")) or "Milestone"
                built.events.append(_all_day(f"{base}-milestone-{n}@mentoring-docs", day,
                                             f"Milestone: {name} ({who})", None, stamp))
        if end:
            built.events.append(_all_day(f"{base}-end@mentoring-docs", end,
                                         f"Mentoring partnership ends: {who}", None, stamp))
    if plan is not None:
        for g, goal in enumerate(_list(plan.get("goals"))):
            for a, activity in enumerate(_list(goal.get("activities"))):
                day = date_of(activity.get("target_date"))
                if day:
                    what = text_of(activity.get("description")) or f"activity {g + 1}.{a + 1}"
                    done = " (completed)" if activity.get("status") == "completed" else ""
                    built.events.append(_all_day(f"{base}-activity-{g}-{a}@mentoring-docs", day,
                                                 f"Due{done}: {what} ({who})",
                                                 text_of(goal.get("title")), stamp))
        for n, review in enumerate(_list(plan.get("reviews"))):
            day = date_of(review.get("date"))
            if day:
                built.events.append(_all_day(f"{base}-review-{n}@mentoring-docs", day,
                                             f"Progress review: {who}", text_of(review.get("objective")), stamp))
    return built


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


@dataclass
class _Meeting:
    event: icalendar.Event
    warnings: list[str]


def _meetings(agreement: Mapping[str, Any], start: dt.date, end: dt.date, base: str, who: str,
              stamp: dt.datetime | None) -> _Meeting:
    meetings = value_at(agreement, "meetings") or {}
    text = text_of(value_at(meetings, "day_time"))
    schedule = parse_day_time(text, text_of(value_at(meetings, "frequency")))
    problems = list(schedule.problems)
    partners = [(role, text_of(value_at(agreement, role, "name")) or role, text_of(value_at(agreement, role, "time_zone")))
                for role in ("mentor", "mentee")]
    zone = schedule.zone
    if zone is None and schedule.time is not None:
        zones = {z for _, _, z in partners if z}
        if len(zones) == 1:
            zone = zones.pop()
        elif len(zones) > 1:
            problems.append("the partners are in different time zones and the day and time name none")
    location = text_of(value_at(meetings, "location"))
    uid = f"{base}-meetings@mentoring-docs"
    if problems or schedule.rule is None or schedule.time is None:
        said = f"{text!r}" if text else "no day and time"
        event = _all_day(uid, start, f"Mentoring meetings: time to be agreed ({who})",
                         f"The agreement says {said}; the calendar needs a weekday, a time and a time zone "
                         f"({'; '.join(problems)}).", stamp)
        if location:
            event.add("location", location)
        if text:
            warning = f"meetings.day_time: {text!r} cannot be scheduled ({'; '.join(problems)})"
        else:
            warning = "meetings.day_time: not given"
        return _Meeting(event, [warning + "; an all-day reminder on the start date says the time is to be agreed"])
    warnings = []
    tz = ZoneInfo(zone) if zone else None
    if tz is None:
        warnings.append(f"meetings.day_time: {text!r} names no time zone and neither partner has one; "
                        "the meetings are at that time in each calendar's own zone")
    first = _first(schedule.rule, schedule.time, start, end)
    minutes = value_at(meetings, "duration_minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        minutes = schedule.minutes
        if minutes is None:
            minutes = DEFAULT_MINUTES
            warnings.append(f"meetings.duration_minutes: not given; the meetings last {DEFAULT_MINUTES} minutes "
                            "in the calendar")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or dt.datetime.now(dt.timezone.utc))
    if first is None:
        return _Meeting(_all_day(uid, start, f"Mentoring meetings: time to be agreed ({who})",
                                 f"No meeting day matching {text!r} falls between the start and the end.", stamp),
                        [f"meetings.day_time: {text!r}: no such day between {start} and {end}"])
    begins = dt.datetime.combine(first, schedule.time, tzinfo=tz)
    event.add("dtstart", begins)
    event.add("duration", dt.timedelta(minutes=minutes))
    last = dt.datetime.combine(end, dt.time(23, 59, 59), tzinfo=tz)
    rule: dict[str, Any] = dict(schedule.rule)
    # RFC 5545: UNTIL is UTC when DTSTART has a zone, and floating when DTSTART is floating.
    rule["UNTIL"] = last.astimezone(dt.timezone.utc) if tz else last
    event.add("rrule", rule)
    event.add("summary", f"Mentoring meeting: {who}")
    if location:
        event.add("location", location)
        link = re.search(r"https?://\S+", location)
        if link:
            event.add("url", link.group(0).rstrip(".,;)"))
    lines = [f"Agreed in the mentoring agreement as: {text}"]
    for _role, name, partner_zone in partners:
        if partner_zone and tz:
            local = begins.astimezone(ZoneInfo(partner_zone))
            lines.append(f"{name}: {local:%A %H:%M} ({partner_zone}) at the first meeting")
    fmt = text_of(value_at(meetings, "format"))
    if fmt:
        lines.append(f"Format: {fmt.replace('_', ' ')}")
    event.add("description", "\n".join(lines))
    return _Meeting(event, warnings)


def _first(rule: Mapping[str, Any], time: dt.time, start: dt.date, end: dt.date) -> dt.date | None:
    """The first day on or after ``start`` the rule meets (None if there is none by ``end``)."""
    days = []
    for code in rule["BYDAY"]:
        match = re.fullmatch(r"(-?\d)?([A-Z]{2})", code)
        assert match is not None
        weekday = _DAY_CODES[match.group(2)]
        days.append(weekday(int(match.group(1))) if match.group(1) else weekday)
    found = rrule.rrule(rrule.MONTHLY if rule["FREQ"] == "MONTHLY" else rrule.WEEKLY, dtstart=dt.datetime.combine(start, time), byweekday=days,
                        until=dt.datetime.combine(end, dt.time(23, 59, 59)), count=None)
    first = next(iter(found), None)
    return first.date() if first else None


def tracker_events(tracker: "Tables", *, return_days: int | None = None,
                   stamp: dt.datetime | None = None) -> Built:
    """A coordinator's due dates from ``tracker``: midpoint checks, end dates, agreements due back
    (start plus ``return_days``, default :data:`~mentoring_docs.tracking.alerts.RETURN_DAYS`, while not
    returned) and open activities' target dates."""
    from ..tracking.alerts import RETURN_DAYS
    from ..tracking.tables import CLOSED

    days = RETURN_DAYS if return_days is None else return_days
    built = Built()
    for pair in tracker.pairs:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", pair.pair)
        who = f"{pair.mentor or '?'} & {pair.mentee or '?'}"
        if pair.midpoint:
            built.events.append(_all_day(f"coordinator-{base}-midpoint@mentoring-docs", pair.midpoint,
                                         f"Midpoint check{' (estimated)' if pair.midpoint_estimated else ''}: {who}",
                                         None, stamp))
        if pair.end:
            built.events.append(_all_day(f"coordinator-{base}-end@mentoring-docs", pair.end,
                                         f"Partnership ends: {who}", None, stamp))
        if pair.start and not pair.agreement_returned:
            built.events.append(_all_day(f"coordinator-{base}-agreement-due@mentoring-docs",
                                         pair.start + dt.timedelta(days=days),
                                         f"Agreement due back: {who}", None, stamp))
    for activity in tracker.activities:
        if activity.target_date and activity.status not in CLOSED:
            base = re.sub(r"[^A-Za-z0-9._-]", "_", activity.pair)
            what = activity.description or f"activity {activity.goal}.{activity.activity}"
            built.events.append(_all_day(
                f"coordinator-{base}-activity-{activity.goal}-{activity.activity}@mentoring-docs",
                activity.target_date, f"Activity due: {what} ({activity.mentor or '?'} & {activity.mentee or '?'})",
                None, stamp))
    return built


def calendar_bytes(events: Sequence[icalendar.Event] | Iterable[icalendar.Event], *, name: str) -> bytes:
    """A whole calendar (with the time zones its events use) as RFC 5545 bytes."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    days = []
    for event in events:
        cal.add_component(event)
        start = event.get("dtstart")
        if start is not None:
            days.append(start.dt.date() if isinstance(start.dt, dt.datetime) else start.dt)
    if days:
        # Zone rules for the years the events span (and a year after), not 1970 to 2038.
        cal.add_missing_timezones(first_date=min(days) - dt.timedelta(days=1),
                                  last_date=max(days) + dt.timedelta(days=366))
    return cal.to_ical()
