"""Conversions between typed values and the text people type into forms and spreadsheets.

Forms and rosters hold text; the data model holds dates, numbers and enum values.
Every reader and writer converts through these functions so that a value reads back
exactly as it was written.
"""

from __future__ import annotations

import datetime as _dt
import re

# XML 1.0 (and so DOCX, and the XML inside PDF forms) cannot carry these code points.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_TRUE = {"true", "yes", "y", "x", "1", "on", "checked", "✓", "✔", "☒"}
_FALSE = {"false", "no", "n", "0", "off", "unchecked", "☐"}

_MONTHS = {
    name.lower(): number
    for number, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
            ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
            ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}


def illegal_character(text: str) -> str | None:
    """Return the first character XML cannot hold, or None when the text is safe."""
    match = _XML_ILLEGAL.search(text)
    return match.group() if match else None


def illegal_character_message(bad: str, holder: str = "forms") -> str:
    """Why ``bad`` (found by :func:`illegal_character`) cannot be in a value ``holder`` keeps."""
    code = f"U+{ord(bad):04X}"
    if "\ud800" <= bad <= "\udfff":
        # Half of a UTF-16 pair without its other half: broken text, not a control character.
        return f"contains a lone surrogate {code} (half of a character pair), which is not valid text"
    if bad in "\ufffe\uffff":
        return f"contains the noncharacter {code}, which {holder} cannot hold"
    return f"contains the control character {code}, which {holder} cannot hold"


def normalise_newlines(text: str) -> str:
    """Turn Windows and old-Mac line endings into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def format_date(value: _dt.date) -> str:
    """ISO 8601, the one spelling the data model uses."""
    return value.isoformat()


def parse_date(text: str) -> _dt.date:
    """Read a date as people type it.

    Accepts ISO ``2026-03-04`` (also with ``/`` or ``.`` and a leading year),
    ``4 March 2026``, ``March 4, 2026``, ``4.3.2026`` (day first, as in much of
    Europe) and ``3/4/2026`` only when the order is unambiguous (one part above 12);
    an ambiguous slashed date is refused rather than guessed.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("empty date")
    # A date picker may store a full timestamp (2026-03-04T00:00:00Z).
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.]+Z?)?", raw)
    try:
        if iso:
            return _dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        words = re.fullmatch(r"(\d{1,2})\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})", raw)
        if words and words[2].lower() in _MONTHS:
            return _dt.date(int(words[3]), _MONTHS[words[2].lower()], int(words[1]))
        words = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", raw)
        if words and words[1].lower() in _MONTHS:
            return _dt.date(int(words[3]), _MONTHS[words[1].lower()], int(words[2]))
        dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
        if dotted:
            return _dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
        slashed = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", raw)
        if slashed:
            first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
            if first > 12 >= second:
                return _dt.date(year, second, first)
            if second > 12 >= first:
                return _dt.date(year, first, second)
            if first == second:
                return _dt.date(year, first, second)
            raise ValueError(f"ambiguous date {raw!r}: write it as YYYY-MM-DD")
    except ValueError as exc:
        if "ambiguous" in str(exc):
            raise
        raise ValueError(f"not a real date: {raw!r}") from None
    raise ValueError(f"not a date: {raw!r} (write it as YYYY-MM-DD)")


def format_number(value: int | float) -> str:
    """Shortest text that reads back as the same number (``2`` not ``2.0``)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_number(text: str, *, integer: bool) -> int | float:
    """Read a number typed in a form or a spreadsheet cell."""
    raw = text.strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {raw!r}")
    if integer:
        if not number.is_integer():
            raise ValueError(f"not a whole number: {raw!r}")
        return int(number)
    return number


def parse_flag(value: str | bool) -> bool:
    """Read a checkbox state given as a boolean or as text (``yes``, ``x``, ``Off``...)."""
    if isinstance(value, bool):
        return value
    raw = value.strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE or raw == "":
        return False
    raise ValueError(f"not a yes/no value: {value!r}")
