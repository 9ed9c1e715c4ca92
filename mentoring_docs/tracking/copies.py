"""Which of a pair's copies of one document the tracker uses: the newest valid one.

Pairs send a document more than once: a first draft, a signed copy, a re-save by
another word processor. The newest copy usually says most, but a re-save can also
break a form (a lost name, a date turned into text). So:

- copies are ordered newest first by file modification time (ties: the later path);
- the newest copy without problems is used;
- copies newer than it that have problems are *rejected*: listed, with their
  problems, but their values are not used;
- older copies are *superseded*;
- when no copy is free of problems, the newest one is used (its problems are listed).

:func:`choose` applies the rule to a list of copies. :class:`Copies` applies it to
copies as they are read, one at a time, and keeps the values of one of them (the
newest valid copy; while none is valid, the newest copy): every other copy is kept
only as what its documents-table row and problem rows need, so a pair that sent a
hundred copies costs little more than one that sent one. Given a ``spill``
function, it does not even keep that for the copies that can only be superseded
(older than a valid copy): each is handed to ``spill`` as soon as that is known
(the tracker writes its documents-table row to disk, see :mod:`.spool`), so a
pair's copies cost no memory at all once superseded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

from .collect import Returned

__all__ = ["Choice", "Copies", "choose", "stripped"]

#: An empty mapping shared by every stripped copy (nothing can change it).
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Choice:
    """The copy used, the newer invalid copies passed over, and the older copies."""

    used: Returned
    rejected: tuple[Returned, ...]
    superseded: tuple[Returned, ...]


def choose(copies: Sequence[Returned]) -> Choice:
    """Pick the copy to use among ``copies`` (one pair, one kind of document; at least one copy)."""
    if not copies:
        raise ValueError("choose() needs at least one copy")
    ordered = sorted(copies, key=_age, reverse=True)
    for position, doc in enumerate(ordered):
        if not doc.problems:
            return Choice(doc, tuple(ordered[:position]), tuple(ordered[position + 1:]))
    return Choice(ordered[0], (), tuple(ordered[1:]))


def _age(doc: Returned) -> tuple[dt.datetime, str]:
    return doc.modified, doc.file


def stripped(doc: Returned) -> Returned:
    """``doc`` without its values and signatures: what a copy not used needs for its rows
    (file, format, kind, time, digest, problems)."""
    if not doc.data and not doc.signatures and doc.extension is None:
        return doc
    return dataclasses.replace(doc, data=_EMPTY, signatures=_EMPTY, signature_note=None, extension=None)


class Copies:
    """The copies of one document of one pair, added one at a time; :meth:`choice` is
    what :func:`choose` would pick among all of them, whatever the order they came in.

    Only the copy that would be used now keeps its values; the others are
    :func:`stripped` as soon as they cannot be used. With ``spill``, a copy that
    turns out superseded while a valid copy is known is passed to it (stripped, with
    this group of copies) and not kept: :meth:`choice` then lists only the
    superseded copies it still holds.
    """

    __slots__ = ("_valid", "_newer_invalid", "_superseded", "_spill")

    def __init__(self, spill: Callable[[Returned, "Copies"], None] | None = None) -> None:
        self._valid: Returned | None = None
        #: Invalid copies newer than ``_valid`` (every invalid copy while there is none), newest first.
        self._newer_invalid: list[Returned] = []
        self._superseded: list[Returned] = []
        self._spill = spill

    def _supersede(self, doc: Returned) -> None:
        # Called only once a valid copy newer than ``doc`` is known: ``doc`` is superseded for good.
        if self._spill is not None:
            self._spill(stripped(doc), self)
        else:
            self._superseded.append(stripped(doc))

    def add(self, doc: Returned) -> None:
        """Take one more copy into account."""
        age, valid = _age(doc), self._valid
        if valid is not None and age < _age(valid):
            self._supersede(doc)  # older than a valid copy: never used
            return
        if not doc.problems:  # the newest valid copy so far
            if valid is not None:
                self._supersede(valid)
            self._valid = doc
            newer = [stripped(bad) for bad in self._newer_invalid if _age(bad) > age]
            for bad in self._newer_invalid[len(newer):]:
                self._supersede(bad)
            self._newer_invalid = newer  # rejected: their problems are listed, their values never used
            return
        # Newer than any valid copy, with problems: rejected, or used if no copy turns out valid.
        # Only the newest such copy can be used, so only it keeps its values, and only while none is valid.
        ordered = self._newer_invalid
        position = 0
        while position < len(ordered) and _age(ordered[position]) > age:
            position += 1
        if position == 0 and valid is None:
            if ordered:
                ordered[0] = stripped(ordered[0])
            ordered.insert(0, doc)
        else:
            ordered.insert(position, stripped(doc))

    def merge(self, other: "Copies") -> None:
        """Take every copy ``other`` holds into account too (those ``other`` spilled stay spilled)."""
        for doc in ([other._valid] if other._valid is not None else []) + other._newer_invalid:
            self.add(doc)
        for doc in other._superseded:  # older than a copy just added: superseded here too
            self._supersede(doc)

    def choice(self) -> Choice:
        """The copy used, the rejected copies (newest first) and the superseded ones (stripped, in no order)."""
        if self._valid is not None:
            return Choice(self._valid, tuple(self._newer_invalid), tuple(self._superseded))
        if not self._newer_invalid:
            raise ValueError("no copy was added")
        return Choice(self._newer_invalid[0], (), tuple(self._newer_invalid[1:]) + tuple(self._superseded))
