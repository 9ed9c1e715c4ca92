"""How a content control says which field it is, in ways that survive other editors.

A control carries its field three times, because each editor drops something:

- ``w:tag`` holds the concrete dotted path (``goals.0.activities.1.status``).
  Word keeps it (and copies it when a row is copied); LibreOffice 7.4 drops it.
- a bookmark inside the control's content is named after the path with ``_`` for
  ``.`` (``goals_0_activities_1_status``). LibreOffice keeps it (renaming a
  duplicate to ``..._Copy_1``); Word drops the copy's bookmark when a row is
  duplicated (names are unique). A copied row re-saved by LibreOffice thus has no
  marks at all: :func:`.structure.recover` places it from the layout.
- ``w:alias`` (the title Word shows on the control) is the field's full label.
  LibreOffice keeps it only on plain-text controls, so it is the last resort.

Only the field *pattern* is taken from these marks. List indices always come
from the document's structure (which table row, which goal block), so copied and
deleted rows read back right even though their marks say otherwise.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..catalogue import Catalogue, catalogue
from ..flat_paths import pattern_of
from ..kinds import KINDS

if TYPE_CHECKING:
    from ..extension import Extension

#: Word refuses longer bookmark names.
BOOKMARK_MAX = 40

#: Tags a :class:`Names` remembers (documents with huge lists must not grow it for ever).
_MAX_REMEMBERED = 50000

_INDEX_SEGMENT = re.compile(r"(?<=_)\d+(?=_|$)")


def bookmark_name(path: str) -> str | None:
    """The bookmark naming the concrete ``path``, or None if Word could not hold it.

    Every path starts with a letter and has only letters, digits, ``_`` and ``.``,
    so the result is a valid Word bookmark name whenever it is short enough.
    """
    name = path.replace(".", "_")
    return name if len(name) <= BOOKMARK_MAX else None


class Names:
    """Decodes tags, bookmark names and aliases into field patterns of one kind."""

    def __init__(self, cat: Catalogue) -> None:
        self.catalogue = cat
        self.patterns: frozenset[str] = frozenset(fd.path for fd in cat.fields)
        self._by_bookmark: dict[str, str] = {}
        for pattern in self.patterns:
            key = pattern.replace(".", "_")
            if key in self._by_bookmark:  # pragma: no cover - guarded by a test on the catalogue
                raise AssertionError(f"bookmark form of {pattern} is ambiguous")
            self._by_bookmark[key] = pattern
        self._by_alias: dict[str, str] = {fd.full_label: fd.path for fd in cat.fields}
        #: Patterns of the tags decoded so far (None: a tag that names no field).
        self.tag_patterns: dict[str, str | None] = {}

    def from_tag(self, tag: str) -> str | None:
        """The pattern a ``w:tag`` names (a concrete path or a pattern), or None."""
        # Remembered: every form repeats the same few hundred tags.
        try:
            return self.tag_patterns[tag]
        except KeyError:
            pass
        pattern: str | None = pattern_of(tag.strip())
        if pattern not in self.patterns:
            pattern = None
        if len(self.tag_patterns) < _MAX_REMEMBERED:
            self.tag_patterns[tag] = pattern
        return pattern

    def from_bookmark(self, name: str) -> str | None:
        """The pattern a bookmark name encodes, or None for any other bookmark."""
        return self._by_bookmark.get(_INDEX_SEGMENT.sub("*", name))

    def from_alias(self, alias: str) -> str | None:
        """The pattern whose full label is ``alias``, or None."""
        return self._by_alias.get(alias.strip())

    def alias(self, pattern: str) -> str:
        """The control title shown in Word for ``pattern``."""
        return self.catalogue.field(pattern).full_label


def names(kind: str, extension: Extension | None = None) -> Names:
    """The :class:`Names` of ``kind`` (with an extension's fields), built once."""
    return _names(catalogue(kind, extension))


@functools.lru_cache(maxsize=None)
def _names(cat: Catalogue) -> Names:
    return Names(cat)


def all_names() -> tuple[Names, ...]:
    """The :class:`Names` of every kind, in :data:`KINDS` order."""
    return tuple(names(kind) for kind in KINDS)
