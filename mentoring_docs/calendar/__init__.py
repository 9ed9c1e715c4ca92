"""Calendars (iCalendar ``.ics``) for pairs and coordinators.

- :func:`make_calendar` / :func:`write_calendar`: the events of the pairs whose
  agreements and action plans are given (JSON data or filled-in Word/PDF forms);
  an agreement and a plan of the same pair (same agreement ID, else same names)
  make one pair.
- :func:`~mentoring_docs.calendar.build.tracker_events`: a coordinator's due dates.

What goes into a calendar and how the meeting time is read are explained in
:mod:`mentoring_docs.calendar.build` and :mod:`mentoring_docs.calendar.daytime`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import MentoringDocsError, OutputExistsError
from ..identity import pair_names_key
from .build import Built, calendar_bytes, pair_events, tracker_events
from .daytime import Schedule, parse_day_time

__all__ = ["Built", "CalendarFile", "Schedule", "calendar_bytes", "make_calendar", "pair_events",
           "parse_day_time", "read_source", "tracker_events", "write_calendar"]


@dataclass(frozen=True)
class CalendarFile:
    """A calendar's bytes, how many pairs it covers, and the warnings met while making it."""

    data: bytes
    pairs: int
    events: int
    warnings: tuple[str, ...]


def _kind_of_json(data: Mapping[str, Any]) -> str:
    # An action plan's goals are a list; an agreement's are an object (top, short_term...).
    if isinstance(data.get("goals"), list) or "reviews" in data or "created_on" in data:
        return "action_plan"
    return "agreement"


def read_source(path: str | os.PathLike[str], *, password: str | None = None) -> tuple[str, dict[str, Any], list[str]]:
    """``(kind, data, warnings)`` of one file: JSON data (validated) or a Word/PDF form.

    A form's invalid values are left out of the data and come back as warnings;
    invalid JSON data is an error (:class:`~mentoring_docs.errors.DataError`).
    """
    from .. import forms, validation
    from ..limits import MAX_DATA_BYTES
    from ..safe_read import check_regular, read_regular

    source = Path(path)
    check_regular(source)  # missing, a folder, a FIFO or a device: one line naming the file
    if source.suffix.lower() == ".json":
        # Bounded like every JSON data file: a regular file of at most MAX_DATA_BYTES (README, Limits).
        raw = validation.parse_json(read_regular(source, MAX_DATA_BYTES), source=str(source))
        if not isinstance(raw, dict):
            raise MentoringDocsError(f"{source}: expected a JSON object (an agreement or an action plan)")
        kind = _kind_of_json(raw)
        return kind, validation.load(kind, raw, source=str(source)), []
    result = forms.read(source, password=password)
    return result.kind, result.data, [f"{source}: {problem}" for problem in result.problems]


def _pair_key(data: Mapping[str, Any]) -> tuple[str, ...]:
    aid = data.get("agreement_id")
    if isinstance(aid, str) and aid.strip():
        return ("id", aid.strip())
    key = pair_names_key(_name(data, "mentor"), _name(data, "mentee"))
    return ("names", *(key or ("", "")))


def make_calendar(paths: Iterable[str | os.PathLike[str]], *, password: str | None = None,
                  stamp: dt.datetime | None = None) -> CalendarFile:
    """The calendar of the pairs in ``paths`` (agreements and action plans, JSON or forms)."""
    pairs: dict[tuple[str, ...], dict[str, tuple[str, Mapping[str, Any]]]] = {}
    data: Mapping[str, Any]
    warnings: list[str] = []
    for path in paths:
        kind, data, found = read_source(path, password=password)
        warnings += found
        docs = pairs.setdefault(_pair_key(data), {})
        if kind in docs:
            raise MentoringDocsError(f"{path}: a second {kind.replace('_', ' ')} of the same pair "
                                     f"(the first is {docs[kind][0]}); give one of each per pair")
        docs[kind] = (str(path), data)
    if not pairs:
        raise MentoringDocsError("no files given")
    built = Built()
    names = []
    for docs in pairs.values():
        agreement, plan = docs.get("agreement"), docs.get("action_plan")
        first = agreement or plan
        assert first is not None  # every pair was made from at least one file
        built.extend(pair_events(agreement[1] if agreement else None, plan[1] if plan else None,
                                 source=first[0], stamp=stamp))
        data = first[1]
        names.append(" & ".join(str(_name(data, role)) for role in ("mentor", "mentee")))
    title = f"Mentoring: {names[0]}" if len(names) == 1 else "Mentoring calendar"
    return CalendarFile(calendar_bytes(built.events, name=title), len(pairs), len(built.events),
                        tuple(warnings + built.warnings))


def _name(data: Mapping[str, Any], role: str) -> str:
    person = data.get(role)
    name = person.get("name") if isinstance(person, Mapping) else None
    return name if isinstance(name, str) and name.strip() else role


def write_calendar(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                   overwrite: bool = False, password: str | None = None) -> CalendarFile:
    """Write :func:`make_calendar`'s calendar to ``out`` (atomically; an existing file only with ``overwrite``)."""
    from ..atomic import atomic_write

    if Path(out).suffix.lower() != ".ics":
        raise MentoringDocsError(f"{out}: a calendar file must end in .ics")
    if Path(out).exists() and not overwrite:
        raise OutputExistsError(f"{out}: already exists; use --force to replace it")
    made = make_calendar(paths, password=password)
    atomic_write(out, made.data, overwrite=overwrite)
    return made
