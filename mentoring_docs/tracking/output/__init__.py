"""Saving a :class:`~mentoring_docs.tracker.Tracker`: XLSX, CSV, JSON or a page to look at.

The format follows the output's extension. Every file is written atomically
(:func:`mentoring_docs.io.atomic_write`), and nothing is replaced unless asked:
when any target exists and ``overwrite`` is false, nothing at all is written.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..catalogue import catalogue
from ..errors import MentoringDocsError, OutputExistsError
from ..io import atomic_write

if TYPE_CHECKING:
    from ..tracker import Tracker

#: Output formats by file extension.
FORMATS = (".xlsx", ".csv", ".json", ".html")


def plan(out: str | os.PathLike[str]) -> list[Path]:
    """The files writing to ``out`` produces (CSV: one per table), in writing order."""
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise MentoringDocsError(
            f"{out}: cannot tell the tracker format from the extension; use {', '.join(FORMATS)}"
        )
    if suffix == ".csv":
        from .csv_files import csv_paths

        return list(csv_paths(target).values())
    return [target]


def check(out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """The files writing to ``out`` will produce; raises if the format is unknown or,
    unless ``overwrite``, if any of them exists (so a long run can fail before it starts)."""
    targets = plan(out)
    if not overwrite:
        for path in targets:
            if path.exists():
                raise OutputExistsError(f"{path}: already exists; use --force to replace it")
    return targets


def write(tracker: "Tracker", out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write ``tracker`` to ``out`` (.xlsx, .csv, .json or .html); returns the files written."""
    check(out, overwrite=overwrite)
    suffix = Path(out).suffix.lower()
    render: Callable[["Tracker", Path], Mapping[Path, bytes]]
    if suffix == ".xlsx":
        from .xlsx import render
    elif suffix == ".csv":
        from .csv_files import render
    elif suffix == ".json":
        from .json_file import render
    else:
        from .html import render
    files = render(tracker, Path(out))
    return [atomic_write(path, data, overwrite=overwrite) for path, data in files.items()]


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
