"""Compact sets of 64-bit digests, for remembering every row of a long roster cheaply.

A batch must know which folder names and which partnerships it has already seen,
for every row, to keep names and identifiers unique. A Python ``set`` of ints
costs about 70 bytes an entry; :class:`DigestSet` keeps 64-bit digests in an
open-addressing table of 8-byte slots, about 16 bytes an entry, so that memory
stays flat however long the roster is.
"""

from __future__ import annotations

import hashlib
from array import array


def digest(text: str) -> int:
    """A 64-bit digest of ``text``, never 0 (0 marks an empty slot)."""
    value = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")
    return value or 1


class DigestSet:
    """A set of non-zero 64-bit integers in a flat table (linear probing, at most half full).

    Two different texts share a digest with a chance of about n²/2⁶⁵: one in
    ten thousand million for 20,000 rows.
    """

    def __init__(self, capacity: int = 1024) -> None:
        size = 1
        while size < 2 * capacity:
            size *= 2
        self._slots = array("Q", bytes(8 * size))
        self._mask = size - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _find(self, value: int) -> int:
        slots, mask = self._slots, self._mask
        index = value & mask
        while slots[index] not in (0, value):
            index = (index + 1) & mask
        return index

    def __contains__(self, value: int) -> bool:
        return self._slots[self._find(value)] == value

    def add(self, value: int) -> bool:
        """Add ``value``; True if it was not there yet."""
        index = self._find(value)
        if self._slots[index] == value:
            return False
        self._slots[index] = value
        self._count += 1
        if 2 * self._count > self._mask + 1:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._mask = 2 * len(old) - 1
        for value in old:
            if value:
                self._slots[self._find(value)] = value
