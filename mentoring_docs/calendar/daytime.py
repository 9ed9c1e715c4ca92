"""Reading an agreement's ``meetings.day_time`` ("Tuesdays at 4 PM Central") as a schedule.

People write the meeting time as free text. :func:`parse_day_time` understands the
common ways of saying it and refuses the rest, because a calendar entry at a wrong
time is worse than none:

- **Weekdays**: ``Tuesday``, ``Tuesdays``, ``Tue``, ``Tues``; several (``Mondays and
  Thursdays``); with an ordinal for monthly meetings (``first Monday``, ``2nd Tue``,
  ``last Friday``).
- **Times**: ``4 PM``, ``4pm``, ``4:30 p.m.``, ``16:00``, ``09:30``, ``16h30``, ``noon``;
  a range (``4-5 PM``, ``10:30 to 11:15 am``, ``10:00-11:00``) gives the start, and its
  length when the agreement gives no duration. A bare number (``at 4``) is not a time,
  and neither is ``4:30`` without AM or PM (morning or afternoon?).
- **Time zones**: IANA names (``America/Chicago``), and the usual words and
  abbreviations (``Central``, ``CET``, ``Eastern time``, ``PT``...; see
  :data:`ZONE_WORDS`). Abbreviations are taken as the zone people mean by them
  all year: ``EST`` is New York time, summer included. An unknown abbreviation
  (``IST`` means three different zones) is refused.
- Two times with zones (``4 PM Central (5 PM Eastern)``) are accepted when they
  name the same moment.

Anything else, or anything missing, comes back as :attr:`Schedule.problems`; the
calendar then says the time is to be agreed instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Schedule", "ZONE_WORDS", "parse_day_time", "zone_named"]

#: Zone words and abbreviations, lower case, and the IANA zone each stands for.
ZONE_WORDS: dict[str, str] = {
    "central european": "Europe/Berlin", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "eastern european": "Europe/Athens", "eet": "Europe/Athens", "eest": "Europe/Athens",
    "western european": "Europe/Lisbon", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
    "eastern": "America/New_York", "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "central": "America/Chicago", "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mountain": "America/Denver", "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "pacific": "America/Los_Angeles", "pt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "alaska": "America/Anchorage", "akst": "America/Anchorage", "akdt": "America/Anchorage",
    "hawaii": "Pacific/Honolulu", "hst": "Pacific/Honolulu",
    "uk": "Europe/London", "british": "Europe/London", "bst": "Europe/London",
    "gmt": "UTC", "utc": "UTC",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "jst": "Asia/Tokyo", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
    "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
}
# Spelled-out words match in any case; abbreviations only in capitals ("et" is also a word).
_LONG = sorted((w for w in ZONE_WORDS if len(w) > 5 or " " in w), key=len, reverse=True)
_SHORT = sorted((w for w in ZONE_WORDS if w not in _LONG), key=len, reverse=True)
_ZONE = (
    r"(?P<zone>(?i:" + "|".join(re.escape(w) for w in _LONG) + r")"
    r"|(?:" + "|".join(re.escape(w.upper()) for w in _SHORT) + r")\b"
    r"|[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)"
    r"(?:\s+(?i:standard\s+|daylight\s+)?(?i:time))?"
)
_ZONE_RE = re.compile(r"(?<![A-Za-z/])" + _ZONE)
_UNKNOWN_ABBREVIATION = re.compile(r"\b[A-Z]{2,4}T\b")

_DAYS = {
    "MO": ("monday", "mon"), "TU": ("tuesday", "tues", "tue"), "WE": ("wednesday", "wed"),
    "TH": ("thursday", "thurs", "thur", "thu"), "FR": ("friday", "fri"), "SA": ("saturday", "sat"),
    "SU": ("sunday", "sun"),
}
_DAY_OF = {name: code for code, names in _DAYS.items() for name in names}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "last": -1}
_DAY_RE = re.compile(
    r"\b(?:(?P<ordinal>" + "|".join(_ORDINALS) + r")\s+)?(?P<day>"
    + "|".join(sorted(_DAY_OF, key=len, reverse=True)) + r")(?:s|\.)?(?![a-z])", re.IGNORECASE)

def _clock_re(name: str, meridiem: str) -> str:
    return (rf"(?P<{name}_h>\d{{1,2}})(?:[:.](?P<{name}_m>\d{{2}}))?\s*"
            rf"(?:(?P<{name}_{meridiem}>[ap])\.?\s?m\b\.?)")


_RANGE_RE = re.compile(
    r"(?<![\d:.])" + _clock_re("a", "mer") + r"?\s*(?:-|–|to|until)\s*" + _clock_re("b", "mer"), re.IGNORECASE)
_RANGE_24_RE = re.compile(
    r"(?<![\d:.])(?P<c_h>[01]?\d|2[0-3])[:h](?P<c_m>[0-5]\d)\s*(?:-|–|to|until)\s*"
    r"(?P<d_h>[01]?\d|2[0-3])[:h](?P<d_m>[0-5]\d)(?!\d)", re.IGNORECASE)
_TIME_RE = re.compile(
    r"(?<![\d:.])(?:" + _clock_re("t", "mer")
    + r"|(?P<hh>[01]?\d|2[0-3])[:h](?P<mm>[0-5]\d)(?!\d))"
    + r"|\b(?P<noon>noon|midday)\b", re.IGNORECASE)
_ANY_DAY = "(?:" + "|".join(sorted(_DAY_OF, key=len, reverse=True)) + ")"
_FREQUENCY_WORDS = (
    ("biweekly", r"\b(?:bi-?weekly|fortnightly|every\s+(?:other|second|two)\s+(?:weeks?|" + _ANY_DAY + r"))\b"),
    ("monthly", r"\b(?:monthly|every\s+month|once\s+a\s+month)\b"),
    ("weekly", r"\b(?:weekly|every\s+week|once\s+a\s+week|every\s+" + _ANY_DAY + r")\b"),
)


@dataclass(frozen=True)
class Schedule:
    """A meeting series as far as it could be read; ``problems`` say what is missing or unclear.

    ``rule`` is the recurrence (``{"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": ["TU"]}``);
    ``zone`` is the IANA zone the text names (None when it names none); ``minutes``
    the length a time range gives.
    """

    rule: dict[str, object] | None
    time: dt.time | None
    zone: str | None
    minutes: int | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """True when the series can go into a calendar as it stands."""
        return self.rule is not None and self.time is not None and not self.problems


def zone_named(word: str) -> str | None:
    """The IANA zone a zone word, abbreviation or IANA name stands for; None if unknown."""
    key = " ".join(re.sub(r"(?i)\s+(?:standard\s+|daylight\s+)?time$", "", word.strip()).split()).lower()
    if key in ZONE_WORDS:
        return ZONE_WORDS[key]
    if "/" in word:
        try:
            ZoneInfo(word.strip())
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return word.strip()
    return None


def _clock(hour: int, minute: int, meridiem: str | None) -> dt.time | None:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return dt.time(hour, minute)


def _times(text: str, problems: list[str]) -> tuple[list[tuple[dt.time, int]], int | None]:
    """Each time in ``text`` with where it ends; a range counts once, by its start, and gives a length."""
    found: list[tuple[dt.time, int]] = []
    minutes = None
    for m in _RANGE_RE.finditer(text):
        b_h, b_m = int(m["b_h"]), int(m["b_m"] or 0)
        a_h, a_m = int(m["a_h"]), int(m["a_m"] or 0)
        # "4-5 PM": the start shares the end's AM/PM, unless that would put it after the end ("11-1 PM").
        a_mer = m["a_mer"] or (m["b_mer"] if a_h % 12 <= b_h % 12 else ("a" if m["b_mer"].lower() == "p" else "p"))
        start, finish = _clock(a_h, a_m, a_mer), _clock(b_h, b_m, m["b_mer"])
        if start is None or finish is None:
            problems.append(f"{m[0].strip()!r} is not a time range")
            continue
        found.append((start, m.end()))
        length = (dt.datetime.combine(dt.date.min, finish) - dt.datetime.combine(dt.date.min, start)).seconds // 60
        minutes = length or None
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    for m in _RANGE_24_RE.finditer(text):
        if len(m["c_h"]) == 1:
            problems.append(f"{m[0].strip()!r} could be in the morning or the afternoon (write 09:00 or 9 PM)")
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
            continue
        start, finish = dt.time(int(m["c_h"]), int(m["c_m"])), dt.time(int(m["d_h"]), int(m["d_m"]))
        found.append((start, m.end()))
        length = (dt.datetime.combine(dt.date.min, finish) - dt.datetime.combine(dt.date.min, start)).seconds // 60
        minutes = length or None
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    for m in _TIME_RE.finditer(text):
        if m["noon"]:
            found.append((dt.time(12, 0), m.end()))
            continue
        if m["t_h"]:
            value = _clock(int(m["t_h"]), int(m["t_m"] or 0), m["t_mer"])
        elif len(m["hh"]) == 1:
            # "4:30" is 4:30 PM to most who write it, 04:30 to a 24-hour clock: do not pick.
            problems.append(f"{m[0].strip()!r} could be in the morning or the afternoon (write 04:30 or 4:30 PM)")
            continue
        else:
            value = _clock(int(m["hh"]), int(m["mm"]), None)
        if value is None:
            problems.append(f"{m[0].strip()!r} is not a time of day")
            continue
        found.append((value, m.end()))
    found.sort(key=lambda item: item[1])
    return found, minutes


def _weekdays(text: str) -> list[tuple[int | None, str]]:
    days = []
    for m in _DAY_RE.finditer(text):
        ordinal = _ORDINALS[m["ordinal"].lower()] if m["ordinal"] else None
        if ordinal is not None and re.search(r"\bevery\s*$", text[:m.start()], re.IGNORECASE):
            ordinal = None  # "every second Tuesday" is a frequency, not the second Tuesday of the month
        days.append((ordinal, _DAY_OF[m["day"].lower()]))
    return list(dict.fromkeys(days))


def _zones(text: str, problems: list[str]) -> list[tuple[str, int]]:
    """Each zone ``text`` names, with where it starts; unknown ones are problems."""
    zones = []
    for m in _ZONE_RE.finditer(text):
        name = zone_named(m["zone"])
        if name is None:
            if "/" in m["zone"]:
                problems.append(f"unknown time zone {m['zone']!r}")
            continue
        zones.append((name, m.start()))
    for m in _UNKNOWN_ABBREVIATION.finditer(text):
        if m[0].lower() not in ZONE_WORDS:
            problems.append(f"time zone {m[0]!r} is not one this program knows (write e.g. Asia/Kolkata)")
    return zones


def parse_day_time(text: str | None, frequency: str | None = None) -> Schedule:
    """Read ``text`` (``meetings.day_time``) with ``frequency`` (``meetings.frequency``).

    ``frequency`` is ``weekly``, ``biweekly`` or ``monthly``; when it is missing the
    text may say it ("every other week"); ``other`` cannot be scheduled.
    """
    problems: list[str] = []
    text = (text or "").strip()
    if not text:
        return Schedule(None, None, None, problems=("no meeting day and time (meetings.day_time)",))
    if not frequency:
        frequency = next((name for name, pattern in _FREQUENCY_WORDS if re.search(pattern, text, re.I)), None)
    times, minutes = _times(text, problems)
    days = _weekdays(text)
    zones = _zones(text, problems)

    time = zone = None
    if not times:
        problems.append("no time of day (such as 4 PM or 16:00)")
    else:
        # A zone right after a time belongs to it ("4 PM Central (5 PM Eastern)").
        attached = []
        for value, end in times:
            near = [name for name, start in zones if 0 <= start - end <= 3]
            attached.append((value, near[0] if near else None))
        time, zone = attached[0]
        if len(attached) > 1:
            if any(z is None for _, z in attached) or len({_instant(v, z) for v, z in attached}) > 1:
                problems.append("several different times")
        elif zone is None:
            distinct = list(dict.fromkeys(name for name, _ in zones))
            if len(distinct) == 1:
                zone = distinct[0]
            elif len(distinct) > 1:
                problems.append("several time zones")

    rule: dict[str, object] | None = None
    ordinals = {o for o, _ in days}
    if not days:
        problems.append("no weekday (such as Tuesdays)")
    elif frequency in ("weekly", "biweekly"):
        if ordinals != {None}:
            problems.append(f"{frequency} meetings on a numbered weekday (such as 'first Monday')")
        else:
            rule = {"FREQ": "WEEKLY", "INTERVAL": 2 if frequency == "biweekly" else 1, "BYDAY": [d for _, d in days]}
    elif frequency == "monthly":
        if None in ordinals or len(days) != 1:
            problems.append("monthly meetings need one numbered weekday (such as 'first Tuesday')")
        else:
            (ordinal, day), = days
            rule = {"FREQ": "MONTHLY", "BYDAY": [f"{ordinal}{day}"]}
    elif frequency == "other":
        problems.append("the meeting frequency is 'other'")
    else:
        problems.append("no meeting frequency (meetings.frequency)")
    return Schedule(rule, time, zone, minutes, tuple(dict.fromkeys(problems)))


def _instant(time: dt.time, zone: str | None) -> dt.datetime:
    # Compared on one winter and one summer day would be stricter; a fixed day is enough to
    # tell "4 PM Central (5 PM Eastern)" from "4 PM Central (4 PM Eastern)".
    moment = dt.datetime.combine(dt.date(2026, 1, 15), time, tzinfo=ZoneInfo(zone or "UTC"))
    return moment.astimezone(dt.timezone.utc)
