"""A pair's calendar as batch generation writes it (``batch --formats ics``): ``calendar.ics`` in each pair folder.

The calendar is made from the same validated records as the pair's forms. A file
already there is left alone when it holds the same events (only the DTSTAMP, the
moment of making, may differ); one that differs is replaced only with ``force``,
like the forms.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping

from ..limits import MAX_DATA_BYTES
from ..safe_read import FileRefused, read_regular
from .build import calendar_bytes, pair_events

__all__ = ["CALENDAR_NAME", "pair_calendar", "same_calendar", "verdict"]

#: The calendar's file name in each pair folder.
CALENDAR_NAME = "calendar.ics"
_STAMP = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r?\n", re.MULTILINE)


def pair_calendar(agreement: Mapping[str, Any] | None, plan: Mapping[str, Any] | None, *,
                  source: str = "", stamp: dt.datetime | None = None) -> tuple[bytes, list[str]]:
    """One pair's calendar bytes and the warnings met while making it."""
    built = pair_events(agreement, plan, source=source, stamp=stamp)
    names = [str(_get_name(agreement or plan, role)) for role in ("mentor", "mentee")]
    return calendar_bytes(built.events, name=f"Mentoring: {names[0]} & {names[1]}"), built.warnings


def _get_name(data: Mapping[str, Any] | None, role: str) -> str:
    person = data.get(role) if data else None
    name = person.get("name") if isinstance(person, Mapping) else None
    return name if isinstance(name, str) and name else role


def same_calendar(a: bytes, b: bytes) -> bool:
    """True when two calendars differ at most in their DTSTAMP lines."""
    return _STAMP.sub(b"", a) == _STAMP.sub(b"", b)


def verdict(target: Path, data: bytes, *, force: bool) -> str:
    """What to do with ``target``: ``write``, ``kept`` (same events already there) or ``differs``
    (another calendar is there and ``force`` is off), or ``not_a_file``."""
    if not target.exists() and not target.is_symlink():
        return "write"
    if target.is_symlink() or not target.is_file():
        return "not_a_file"
    if force:
        return "write"
    try:
        existing = read_regular(target, MAX_DATA_BYTES)
    except FileRefused:
        return "differs"  # not ours to replace without force (too large to be one of ours)
    return "kept" if same_calendar(existing, data) else "differs"
