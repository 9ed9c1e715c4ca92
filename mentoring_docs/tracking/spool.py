"""Rows kept on disk rather than in memory: the tables that grow with the number of files.

A tracker keeps what it needs per *pair* in memory; what it has per *file* (a row
of the documents table for every copy read, a problem row for every unreadable
file) goes to a :class:`Spool`: an unnamed temporary file holding the rows in
pickled blocks, read back a block at a time. A spool is a read-only
:class:`~collections.abc.Sequence` once filled, so the tables' users iterate,
index and measure it as they would a list, and writers stream it.

:class:`Sorter` orders rows by a key without holding them all: sorted runs of a
bounded size are spooled and merged (a stable external merge sort), as the
documents table is sorted by file while files come in folder-walk order.

The temporary files are made with :func:`tempfile.TemporaryFile` (in the system's
temporary folder, ``TMPDIR``): on POSIX systems they have no name from the start,
so nothing is left behind however the process ends, even killed.
"""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from array import array
from typing import Any, Callable, Generic, Iterable, Iterator, Sequence, TypeVar, overload

__all__ = ["BLOCK", "RUN", "Mapped", "Sorter", "Spool"]

T = TypeVar("T")
U = TypeVar("U")

#: Rows per pickled block: the most rows of one spool in memory at a time while reading or writing.
BLOCK = 512
#: Items per sorted run of a :class:`Sorter` (the most items it holds in memory).
RUN = 8192


class Spool(Sequence[T]):
    """Rows appended one at a time and kept in a temporary file; read back as a sequence.

    Memory: the block being filled, and an offset and size per block of
    :data:`BLOCK` rows (16 bytes per 512 rows).
    """

    def __init__(self, rows: Iterable[T] = ()) -> None:
        self._file: Any = None  # opened on the first full block: a small table never touches the disk
        self._offsets = array("q")
        self._sizes = array("q")
        self._end = 0
        self._stored = 0  # rows in the file
        self._pending: list[T] = []
        self.extend(rows)

    def append(self, row: T) -> None:
        """Add ``row`` at the end."""
        self._pending.append(row)
        if len(self._pending) >= BLOCK:
            self._spill()

    def extend(self, rows: Iterable[T]) -> None:
        """Add each of ``rows`` at the end."""
        for row in rows:
            self.append(row)

    def _spill(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="mentoring-docs-")
        data = pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._file.fileno(), data, self._end)
        self._offsets.append(self._end)
        self._sizes.append(len(data))
        self._end += len(data)
        self._stored += len(self._pending)
        self._pending = []

    def _block(self, index: int) -> list[T]:
        data = os.pread(self._file.fileno(), self._sizes[index], self._offsets[index])
        return pickle.loads(data)  # type: ignore[no-any-return]  # our own file, written above

    def close(self) -> None:
        """Drop the temporary file (the spool is empty afterwards)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._offsets, self._sizes, self._end, self._stored, self._pending = array("q"), array("q"), 0, 0, []

    def __len__(self) -> int:
        return self._stored + len(self._pending)

    def __iter__(self) -> Iterator[T]:
        # Blocks are read by position (pread), so several iterations may run at once.
        for index in range(len(self._offsets)):
            yield from self._block(index)
        yield from list(self._pending)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("spool index out of range")
        if index >= self._stored:
            return self._pending[index - self._stored]
        return self._block(index // BLOCK)[index % BLOCK]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Spool({len(self)} rows)"

    def __del__(self) -> None:
        if self._file is not None:
            self._file.close()


class Mapped(Sequence[U], Generic[T, U]):
    """``source`` with ``func`` applied to each row as it is read (a view: nothing is copied)."""

    def __init__(self, source: Sequence[T], func: Callable[[T], U]) -> None:
        self._source = source
        self._func = func

    def __len__(self) -> int:
        return len(self._source)

    def __iter__(self) -> Iterator[U]:
        return map(self._func, self._source)

    @overload
    def __getitem__(self, index: int) -> U: ...

    @overload
    def __getitem__(self, index: slice) -> list[U]: ...

    def __getitem__(self, index: int | slice) -> U | list[U]:
        if isinstance(index, slice):
            return [self._func(row) for row in self._source[index]]
        return self._func(self._source[index])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Mapped({len(self)} rows)"


class Sorter(Generic[T]):
    """Items added in any order, given back sorted by ``key`` (stable), holding at most :data:`RUN` in memory."""

    def __init__(self, key: Callable[[T], Any]) -> None:
        self._key = key
        self._runs: list[Spool[T]] = []
        self._current: list[T] = []

    def add(self, item: T) -> None:
        """Take ``item`` in."""
        self._current.append(item)
        if len(self._current) >= RUN:
            self._current.sort(key=self._key)
            self._runs.append(Spool(self._current))
            self._current = []

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs) + len(self._current)

    def sorted(self) -> Iterator[T]:
        """Every item added, sorted by ``key``; items with equal keys in the order they were added.

        The sorter is emptied as it is read.
        """
        self._current.sort(key=self._key)
        runs: list[Iterable[T]] = [*self._runs, self._current]
        self._runs, self._current = [], []
        # heapq.merge takes equal keys from earlier runs first, and runs are in the order items came.
        yield from heapq.merge(*runs, key=self._key)
        for run in runs:
            if isinstance(run, Spool):
                run.close()
