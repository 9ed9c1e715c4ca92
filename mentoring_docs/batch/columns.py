"""Roster columns: which field of which document a column header names, and its cells' values.

A header is a dotted path (``mentee.name``, ``goals.top.0``), a field's label
(``Start date``) or full label (``Timeframe: Start date``), matched without regard to
case, spaces, ``_`` and ``-``; outside lists, a space may stand for the dot
(``Mentee Name``). Everything comes from the field catalogue.

One roster row makes both documents of a pair. A path both documents have
(``mentor.*``, ``mentee.*``, ``agreement_id``) fills both; a path only one has fills
that one (``purpose`` the agreement, ``created_on`` or ``goals.0.title`` the action
plan). A ``agreement.`` or ``action_plan.`` prefix names one document explicitly,
and such a column wins over a shared one for its document. A column naming a
checkbox group (``focus.areas``) takes several values separated by ``,`` ``;`` or
line breaks.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from .. import text_values
from ..catalogue import Field, FieldKind, catalogue
from ..errors import MentoringDocsError
from ..extension import Extension
from ..kinds import KINDS, Kind
from ..limits import MAX_COLUMNS, MAX_HEADER_CHARS

__all__ = [
    "Column", "ColumnError", "Target", "flat_items", "resolve", "resolve_all",
]

_SPLIT_SET = re.compile(r"[,;\n]")
_NUMBER = re.compile(r"^\d+$")


class ColumnError(MentoringDocsError):
    """A column header (or a key of a defaults file) that names no field."""


def norm(text: str) -> str:
    """A header as it is compared: case, spaces, ``_`` and ``-`` do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if not (ch.isspace() or ch in "_-"))


@dataclass(frozen=True)
class Target:
    """One field of one document that a column fills.

    ``path`` is concrete (``goals.top.0``); for a checkbox group (``focus.areas``)
    ``options`` holds its checkbox fields and ``field`` is None.
    """

    kind: Kind
    path: str
    field: Field | None
    options: tuple[Field, ...] = ()

    def convert(self, value: Any) -> list[tuple[str, Any]]:
        """The ``(concrete path, typed value)`` pairs a cell gives; empty for an empty cell.

        Raises :class:`ValueError` with a message for the user when the cell does
        not hold a value of this field's kind.
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        if self.field is None:
            return [(f"{self.path}.{fd.name}", True) for fd in self._ticked(value)]
        typed = _typed(self.field, value)
        return [] if typed is None else [(self.path, typed)]

    def _ticked(self, value: Any) -> list[Field]:
        items = value if isinstance(value, (list, tuple)) else _SPLIT_SET.split(str(value))
        out: list[Field] = []
        for item in items:
            if not isinstance(item, str):
                raise ValueError(f"expected choices as text, got {item!r}")
            wanted = item.strip().casefold()
            if not wanted:
                continue
            match = [fd for fd in self.options if wanted in (fd.name.casefold(), fd.label.casefold())]
            if not match:
                raise ValueError(
                    f"{item.strip()!r} is not one of: " + ", ".join(fd.name for fd in self.options)
                )
            if match[0] not in out:
                out.append(match[0])
        return out


def _typed(field: Field, value: Any) -> Any:
    """A cell's value as the field's type: text goes through ``Field.from_text``."""
    if isinstance(value, str) or (isinstance(value, bool) and field.kind is FieldKind.CHECKBOX):
        return field.from_text(value)
    if isinstance(value, (list, tuple, dict)):
        raise ValueError("expected a single value, got a list or an object")
    if isinstance(value, bool):
        raise ValueError(f"expected {field.kind} text, got {value}")
    if isinstance(value, dt.datetime):
        if field.kind is FieldKind.DATE:
            if value.time() != dt.time(0):
                raise ValueError(f"expected a date, got a date and time {value.isoformat(' ')}")
            return value.date()
        return field.from_text(value.isoformat(" "))
    if isinstance(value, dt.date):
        return value if field.kind is FieldKind.DATE else field.from_text(text_values.format_date(value))
    if isinstance(value, (int, float)):
        return value if field.kind is FieldKind.NUMBER else field.from_text(text_values.format_number(value))
    return field.from_text(str(value))


@dataclass(frozen=True)
class Column:
    """A roster column: its header as written and the fields it fills.

    ``specific`` columns name one document explicitly (``action_plan.mentee.email``)
    and take precedence over shared ones (``mentee.email``) for that document.
    """

    header: str
    targets: tuple[Target, ...]
    specific: bool = False


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    pattern: str
    field: Field | None
    options: tuple[Field, ...] = ()


_PREFIXES: dict[str, Kind] = {norm(kind) + ".": kind for kind in KINDS}


class _Index:
    """Every name a column may have, for both documents (with a field extension's questions)."""

    def __init__(self, extension: Extension | None = None) -> None:
        self.paths: dict[str, list[_Entry]] = {}
        self.labels: dict[str, list[_Entry]] = {}
        self.display: dict[str, str] = {}  # normalised name -> how to write it, for suggestions
        for kind in KINDS:
            cat = catalogue(kind, extension)
            for fd in cat.fields:
                if fd.set_path is not None:
                    continue
                entry = _Entry(kind, fd.path, fd)
                self._add(self.paths, fd.path, entry)
                if "*" not in fd.path:
                    self._add(self.labels, fd.full_label, entry)
                    self._add(self.labels, fd.label, entry)
                    # "Mentee Name" for mentee.name: a dot written as a space.
                    self._add(self.labels, fd.path.replace(".", " "), entry)
            for set_path, options in cat.choice_sets.items():
                entry = _Entry(kind, set_path, None, options)
                self._add(self.paths, set_path, entry)
                group_label = options[0].full_label.rsplit(": ", 1)[0]
                self._add(self.labels, group_label, entry)
                self._add(self.labels, cat.groups[set_path].label, entry)
                for fd in options:
                    leaf = _Entry(kind, fd.path, fd)
                    self._add(self.paths, fd.path, leaf)
                    self._add(self.labels, fd.full_label, leaf)
                    self._add(self.labels, fd.label, leaf)

    def _add(self, table: dict[str, list[_Entry]], name: str, entry: _Entry) -> None:
        key = norm(name)
        entries = table.setdefault(key, [])
        if entry not in entries:
            entries.append(entry)
        shown = name.replace("*", "0")
        self.display.setdefault(norm(shown), shown)

    def lookup(self, header: str) -> tuple[list[_Entry], list[str], bool]:
        """Entries a header names, the list indices it gives, and whether it named a document."""
        key = norm(header)
        restrict: Kind | None = None
        for prefix, kind in _PREFIXES.items():
            if key.startswith(prefix):
                restrict, key = kind, key[len(prefix):]
                break
        parts = key.split(".")
        indices = [p for p in parts if _NUMBER.match(p)]
        pattern = ".".join("*" if _NUMBER.match(p) else p for p in parts)
        found = self.paths.get(pattern)
        if found is None and not indices:
            found = self.labels.get(key)
        entries = [e for e in found or () if restrict is None or e.kind == restrict]
        return entries, indices, restrict is not None

    def suggest(self, header: str) -> str | None:
        key = norm(header)
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                key = key[len(prefix):]
        key = ".".join("0" if _NUMBER.match(p) else p for p in key.split("."))
        match = difflib.get_close_matches(key, list(self.display), n=1, cutoff=0.6)
        return self.display[match[0]] if match else None


@functools.lru_cache(maxsize=4)
def _index(extension: Extension | None = None) -> _Index:
    return _Index(extension)


def resolve(header: str, extension: Extension | None = None) -> Column:
    """The :class:`Column` a header names (a field extension's questions included).
    Raises :class:`ColumnError` naming the closest known column."""
    index = _index(extension)
    entries, indices, specific = index.lookup(header)
    if not entries:
        hint = index.suggest(header)
        raise ColumnError(f"unknown column {header!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    paths = sorted({e.pattern for e in entries})
    if len(paths) > 1:
        raise ColumnError(
            f"column {header!r} could be any of {', '.join(paths)}; use the dotted path as the header"
        )
    targets = []
    for entry in entries:
        numbers = iter(str(int(i)) for i in indices)
        concrete = ".".join(next(numbers) if part == "*" else part for part in entry.pattern.split("."))
        targets.append(Target(entry.kind, concrete, entry.field, entry.options))
    return Column(header, tuple(targets), specific)


def resolve_all(headers: Sequence[str], *, where: str = "", skip_blank: bool = False,
                extension: Extension | None = None) -> list[Column]:
    """Columns for every header, checking them all before anything is done.

    Raises one :class:`ColumnError` listing every unknown or ambiguous header, every
    header written twice and every field given by two columns. ``where`` (a file
    name) prefixes each line. With ``skip_blank``, columns without a header are
    left out (a spreadsheet's unused columns); their cells are checked row by row.
    """
    prefix = f"{where}: " if where else ""
    if len(headers) > MAX_COLUMNS:  # refused before each is matched (and a close one suggested)
        raise ColumnError(f"{prefix}{len(headers):,} columns; a roster may have at most {MAX_COLUMNS:,}")
    problems: list[str] = []
    columns: list[Column] = []
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        if skip_blank and not header.strip():
            continue
        if len(header) > MAX_HEADER_CHARS:
            problems.append(f"{prefix}column {column_letter(position)}: a header {len(header):,} characters long "
                            f"is not a field (at most {MAX_HEADER_CHARS})")
            continue
        if header in positions:
            problems.append(
                f"{prefix}column {header!r} appears twice "
                f"(columns {column_letter(positions[header])} and {column_letter(position)})"
            )
            continue
        positions[header] = position
        try:
            columns.append(resolve(header, extension))
        except ColumnError as exc:
            problems.append(f"{prefix}column {column_letter(position)}: {exc}")
    seen: dict[tuple[str, str, bool], str] = {}
    for column in columns:
        for target in column.targets:
            key = (target.kind, target.path, column.specific)
            if key in seen:
                problems.append(
                    f"{prefix}columns {seen[key]!r} and {column.header!r} both give {target.path}"
                )
            seen.setdefault(key, column.header)
    if problems:
        raise ColumnError("\n".join(dict.fromkeys(problems)))
    return columns


def column_letter(position: int) -> str:
    """The spreadsheet letter of a zero-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_choice_set(key: str, extension: Extension | None = None) -> bool:
    """Whether ``key`` names a checkbox group, whose value is a list of choices."""
    entries, _, _ = _index(extension).lookup(key)
    return bool(entries) and all(e.field is None for e in entries)


def flat_items(data: Mapping[str, Any], prefix: str = "",
               extension: Extension | None = None) -> Iterator[tuple[str, Any]]:
    """``(dotted key, value)`` for every value in nested ``data``; lists become indices.

    A defaults file, a JSON Lines record or a row handed to the Python API may be
    nested in the shape of the data model (``{"mentee": {"name": ...}}``) or flat
    with dotted keys; both come out flat. A checkbox group keeps its list of choices.
    """
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flat_items(value, name + ".", extension)
        elif isinstance(value, list) and not is_choice_set(name, extension):
            for position, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from flat_items(item, f"{name}.{position}.", extension)
                else:
                    yield f"{name}.{position}", item
        else:
            yield name, value


