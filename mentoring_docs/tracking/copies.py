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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .collect import Returned

__all__ = ["Choice", "choose"]


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
    ordered = sorted(copies, key=lambda d: (d.modified, d.file), reverse=True)
    for position, doc in enumerate(ordered):
        if not doc.problems:
            return Choice(doc, tuple(ordered[:position]), tuple(ordered[position + 1:]))
    return Choice(ordered[0], (), tuple(ordered[1:]))
