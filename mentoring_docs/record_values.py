"""Reading values out of a record that may not be valid: what tracking and calendars share.

A form read back keeps its typed values even when some break a rule of the data
model, so code that takes values from it must check each one's type rather than
trust the schema. These helpers do that and answer None for anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

__all__ = ["date_of", "text_of", "value_at"]


def value_at(data: Any, *keys: str) -> Any:
    """The value under ``keys`` (``value_at(record, "mentor", "name")``), or None where a level is missing."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def text_of(value: Any) -> str | None:
    """``value`` without surrounding white space when it is a non-blank string; otherwise None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def date_of(value: Any) -> dt.date | None:
    """``value`` when it is a date (not a date and time); otherwise None."""
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None
