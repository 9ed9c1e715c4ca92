"""One table cell as people read it: labels for codes, ISO dates, yes/no, percentages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ...catalogue import catalogue

__all__ = ["display", "text"]


def display(meta: Mapping[str, Any], value: Any) -> Any:
    """``value`` as people should read it: enumeration values and codes become their labels."""
    if not isinstance(value, str):
        return value
    if meta.get("choices"):
        kind, pattern = meta["choices"]
        try:
            return catalogue(kind).field(pattern).choice_label(value)
        except KeyError:
            return value
    titles = meta.get("titles")
    if titles:
        return titles.get(value, value)
    return value


def text(meta: Mapping[str, Any], value: Any) -> str:
    """One cell as text for people: labels, ISO dates, yes/no, percentages."""
    value = display(meta, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if meta.get("percent"):
            return f"{value:.0%}"
        return f"{value:g}"
    return str(value)
