"""Stable identifiers for the agreements a batch makes.

The same roster must give the same ``agreement_id`` every time it is run (tracking
matches returned forms to pairs by it), so an identifier is derived from what
identifies a partnership, not drawn at random: the mentee, the mentor, the program
and the start date. Two rows that agree on all four are told apart by their order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..identity import identity_text
from .digests import DigestSet, digest

#: Prefix of generated identifiers (Mentoring Partnership Agreement).
PREFIX = "MPA-"


def _part(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    # Case, full-width letters, accents written as combining marks and stray
    # spaces must not make a new id: the pair identity rule of mentoring_docs.identity.
    return identity_text(str(value))


class AgreementIds:
    """Hands out ``MPA-`` + 12 hexadecimal digits for each partnership, in roster order."""

    def __init__(self) -> None:
        # Every partnership seen so far, as a compact digest; counts only for
        # the few seen more than once. Memory stays flat for a long roster.
        self._seen = DigestSet()
        self._repeats: dict[int, int] = {}

    def assign(self, mentee: Any, mentor: Any, program: Any, start_date: Any) -> str:
        """The identifier of the next row with these values."""
        key = "\x1f".join(_part(v) for v in (mentee, mentor, program, start_date))
        seen = digest(key)
        if not self._seen.add(seen):
            occurrence = self._repeats[seen] = self._repeats.get(seen, 1) + 1
            key += f"\x1f{occurrence}"
        return PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12].upper()
