"""The rule each kind of value follows, written once and without marshmallow.

The marshmallow fields of :mod:`.fields` and the schemas of :mod:`.schema` call
these functions, so what a valid value is stays decided here; the compiled fast
path of :mod:`.fastload` calls the same functions, without loading marshmallow
(a single ``mentoring-docs fill`` would otherwise spend a third of its start
importing it). A rule raises :class:`Invalid` with the message the user sees;
the fields turn it into marshmallow's ``ValidationError``.

The schema-level checks (``dates_in_order`` ...) return marshmallow's error
layout (``{field: [message]}``) or None; :data:`CHECKS` names them for the plan.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import os
import re
from typing import Any, Callable, Mapping

from . import currencies, text_values
from .limits import MAX_LONG_TEXT_CHARS, MAX_TEXT_CHARS, too_long


class FieldKind(str, enum.Enum):
    """How a value is shown and entered on a form."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHECKBOX = "checkbox"
    CHOICE = "choice"
    NUMBER = "number"

    def __str__(self) -> str:  # so that f-strings print "date", not "FieldKind.DATE"
        return self.value


class Invalid(ValueError):
    """A value breaks its rule; the message is the one the user sees."""


# --- values ----------------------------------------------------------------------


def text(value: Any, multiline: bool = False) -> str:
    """A text kept as given, line endings made ``\\n``; refused when too long, holding
    characters XML cannot, or (one-line text) holding a line break."""
    if not isinstance(value, str):
        raise Invalid("must be text")
    # Checked first, so that a value of millions of characters is refused at once.
    limit = MAX_LONG_TEXT_CHARS if multiline else MAX_TEXT_CHARS
    if len(value) > limit:
        raise Invalid(too_long(len(value), limit))
    # Every record loaded runs this for each text; most hold no "\r" to normalise.
    out = text_values.normalise_newlines(value) if "\r" in value else value
    bad = text_values.illegal_character(out)
    if bad is not None:
        raise Invalid(text_values.illegal_character_message(bad))
    if not multiline and "\n" in out:
        raise Invalid("must be one line (this field cannot hold line breaks)")
    return out


def date(value: Any) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) or a :class:`datetime.date` (not a datetime)."""
    if type(value) is dt.date:  # what typed records and parse_flat give; checked first for speed
        return value
    if isinstance(value, dt.datetime):
        raise Invalid("must be a date without a time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise Invalid("must be a date as YYYY-MM-DD")
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise Invalid(f"not a date as YYYY-MM-DD: {value!r}")


def choice_type(value: Any, names: tuple[str, ...] = ()) -> str:
    """A choice must be text before it is looked up among ``names``."""
    if not isinstance(value, str):
        raise Invalid("must be one of: " + ", ".join(names))
    return value


def choice_set_order(items: list[Any], names: tuple[str, ...]) -> list[Any]:
    """Chosen values in the order of the choices, each once (a row of checkboxes has no other order)."""
    chosen = set(items)
    return [v for v in names if v in chosen]


def flag(value: Any) -> bool | None:
    """A ticked box is ``True``; an unticked one None, so that pruning drops it like an empty text."""
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return True if value else None


def whole_number(value: Any) -> int:
    """A whole number; booleans and fractions refused, ``3.0`` taken as 3."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid("must be a whole number")
    return int(value)  # an int subclass (a bool is refused above) becomes a plain int, as marshmallow makes it


def number(value: Any) -> int | float:
    """A number; booleans and text refused (finite: the field itself refuses NaN and infinities)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid("must be a number")
    return value


def valid_time_zone(value: str) -> None:
    """An IANA time zone name, as the system's zone database (or tzdata) lists it."""
    if not _is_listed_zone(value) and value not in _time_zones():
        raise Invalid(f"not an IANA time zone name such as 'Europe/Paris': {value!r}")


@functools.lru_cache(maxsize=1024)  # a batch or a tracker meets the same few zones again and again
def _is_listed_zone(value: str) -> bool:
    """True only for a name ``zoneinfo.available_timezones()`` is sure to list: a zone file with the
    ``TZif`` magic reached through real directories of a zone root, by a plain relative path.

    Listing every zone walks and opens the whole database (~15 ms); a single fill needs
    only its few names. Any doubt (a link, an odd path) is settled by the full list.
    """
    import zoneinfo

    parts = value.split("/")
    if (not value or value == "posixrules" or parts[0] in ("right", "posix")
            or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts)):
        return False
    for root in zoneinfo.TZPATH:
        path = root
        for part in parts[:-1]:
            path = os.path.join(path, part)
            if os.path.islink(path) or not os.path.isdir(path):
                break
        else:
            path = os.path.join(path, parts[-1])
            if os.path.isfile(path):  # os.walk lists links to files too, as files
                try:
                    with open(path, "rb") as f:
                        if f.read(4) == b"TZif":
                            return True
                except OSError:
                    pass
    return False


@functools.lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    # Reading the zone database takes a while; it does not change during a run.
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def valid_currency(value: str) -> None:
    """An ISO 4217 currency code such as ``EUR``."""
    if value not in currencies.CODES:
        raise Invalid(f"not an ISO 4217 currency code such as 'EUR' or 'USD': {value!r}")


def at_most(items: list[Any], max_items: int | None) -> None:
    """A list of at most ``max_items`` entries."""
    if max_items is not None and len(items) > max_items:
        raise Invalid(f"at most {max_items} entries allowed, got {len(items)}")


# An address marshmallow's ``validate.Email`` surely accepts: a plain ASCII dot-atom, '@',
# and ASCII host labels ending in a top-level label of two or more letters, digits or
# hyphens (or "localhost"). This is
# a subset of what it accepts, never more: anything else is left to it (tests/test_snapshot.py).
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:localhost|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,})"
)


def plainly_email(value: str) -> bool:
    """Whether ``value`` is an e-mail address of the plain form the fast path vouches for."""
    return _PLAIN_EMAIL.fullmatch(value) is not None


def finite(value: float) -> bool:
    """Whether a float is neither NaN nor an infinity."""
    return not (math.isnan(value) or math.isinf(value))


# --- whole objects ----------------------------------------------------------------


Errors = dict[str, Any]


def dates_in_order(data: Mapping[str, Any]) -> Errors | None:
    """A timeframe: the end after the start, the midpoint check between them."""
    start, end, mid = data.get("start_date"), data.get("end_date"), data.get("midpoint_check")
    if start and end and end <= start:
        return {"end_date": [f"must be after the start date ({start.isoformat()})"]}
    if start and end and mid and not (start < mid < end):
        return {"midpoint_check": [
            f"must fall between the start date ({start.isoformat()}) and the end date ({end.isoformat()})"
        ]}
    return None


def review_in_timeframe(data: Mapping[str, Any]) -> Errors | None:
    """An agreement: the review date after the start and on or before the end."""
    review = (data.get("ending") or {}).get("review_date")
    frame = data.get("timeframe") or {}
    start, end = frame.get("start_date"), frame.get("end_date")
    if review is None or start is None or end is None or end <= start:
        return None  # nothing to compare with, or the timeframe's own rule already reports the dates
    if not (start < review <= end):
        return {"ending": {"review_date": [
            f"must be after the start date ({start.isoformat()}) and on or before the end date ({end.isoformat()})"
        ]}}
    return None


def completion(data: Mapping[str, Any]) -> Errors | None:
    """An activity: a completion date only when its status is completed."""
    if data.get("completed_on") and data.get("status", "not_started") != "completed":
        return {"completed_on": ["allowed only when the status is 'completed'"]}
    return None


#: The schema-level checks by name: the name is what a compiled plan stores.
CHECKS: dict[str, Callable[[Mapping[str, Any]], Errors | None]] = {
    "dates_in_order": dates_in_order, "review_in_timeframe": review_in_timeframe, "completion": completion,
}
