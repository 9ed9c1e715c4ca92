"""Pair identity: when two spellings of a name mean the same person.

One rule, used by batch generation (``agreement_id``) and by tracking (matching a
returned form without an ID to its pair): Unicode NFKC normalisation (full-width
letters, ligatures and composed or decomposed accents become one form), case
folding, and runs of white space collapsed to one space, trimmed at both ends.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["identity_text", "pair_names_key"]


def identity_text(text: str) -> str:
    """``text`` as pair identity compares it (NFKC, case folded, white space collapsed)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def pair_names_key(mentor: Any, mentee: Any) -> tuple[str, str] | None:
    """The identity of a pair by names, or None when either name is missing."""
    keys = []
    for name in (mentor, mentee):
        if not isinstance(name, str):
            return None
        key = identity_text(name)
        if not key:
            return None
        keys.append(key)
    return keys[0], keys[1]
