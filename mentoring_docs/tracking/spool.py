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

__all__ = ["BLOCK", "RUN", "RUN_BLOCK", "Disk", "Mapped", "Sorter", "Spool"]

T = TypeVar("T")
U = TypeVar("U")

#: Rows per pickled block: the most rows of one spool in memory at a time while reading or writing.
BLOCK = 512
#: Items per sorted run of a :class:`Sorter` (the most items it holds in memory while taking them in).
RUN = 8192
#: Rows per block of a sorted run: merging holds one block of every run, so these are small.
RUN_BLOCK = 64


class Disk:
    """A nameless temporary file that several spools append their blocks to (one file
    descriptor for all the runs of a :class:`Sorter`, however many there are)."""

    def __init__(self) -> None:
        self.file: Any = tempfile.TemporaryFile(prefix="mentoring-docs-")
        self.end = 0

    def write(self, data: bytes) -> int:
        """Append ``data``; where it starts."""
        at = self.end
        os.pwrite(self.file.fileno(), data, at)
        self.end += len(data)
        return at

    def read(self, at: int, size: int) -> bytes:
        """``size`` bytes from ``at``."""
        return os.pread(self.file.fileno(), size, at)

    def close(self) -> None:
        """Drop the file."""
        self.file.close()


class Spool(Sequence[T]):
    """Rows appended one at a time and kept in a temporary file; read back as a sequence.

    Memory: the block being filled, and an offset and size per block of
    :data:`BLOCK` rows (16 bytes per 512 rows; ``block`` rows if given). The file is the spool's own, or
    ``disk`` shared with other spools (then closed by its owner).
    """

    def __init__(self, rows: Iterable[T] = (), *, disk: Disk | None = None, block: int | None = None) -> None:
        # Opened on the first full block: a small table never touches the disk.
        self._block_size = block  # None: BLOCK
        self._disk: Disk | None = disk
        self._owns = disk is None
        self._offsets = array("q")
        self._sizes = array("q")
        self._stored = 0  # rows in the file
        self._pending: list[T] = []
        self.extend(rows)

    @property
    def _file(self) -> Any:
        """The temporary file, once there is one."""
        return self._disk.file if self._disk is not None else None

    def append(self, row: T) -> None:
        """Add ``row`` at the end."""
        self._pending.append(row)
        if len(self._pending) >= (self._block_size or BLOCK):
            self._spill()

    def extend(self, rows: Iterable[T]) -> None:
        """Add each of ``rows`` at the end."""
        for row in rows:
            self.append(row)

    def _spill(self) -> None:
        if self._disk is None:
            self._disk = Disk()
        data = pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL)
        self._offsets.append(self._disk.write(data))
        self._sizes.append(len(data))
        self._stored += len(self._pending)
        self._pending = []

    def _block(self, index: int) -> list[T]:
        assert self._disk is not None  # there are blocks
        return pickle.loads(self._disk.read(self._offsets[index], self._sizes[index]))  # type: ignore[no-any-return]

    def close(self) -> None:
        """Drop the temporary file if it is the spool's own (the spool is empty afterwards)."""
        if self._disk is not None and self._owns:
            self._disk.close()
        self._disk = None
        self._offsets, self._sizes, self._stored, self._pending = array("q"), array("q"), 0, []

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
        size = self._block_size or BLOCK
        return self._block(index // size)[index % size]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Spool({len(self)} rows)"

    def __del__(self) -> None:
        if self._disk is not None and self._owns:
            self._disk.close()


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
        self._disk: Disk | None = None  # every run in one file
        self._runs: list[Spool[T]] = []
        self._current: list[T] = []

    def add(self, item: T) -> None:
        """Take ``item`` in."""
        self._current.append(item)
        if len(self._current) >= RUN:
            self._current.sort(key=self._key)
            if self._disk is None:
                self._disk = Disk()
            self._runs.append(Spool(self._current, disk=self._disk, block=RUN_BLOCK))
            self._current = []

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs) + len(self._current)

    def sorted(self) -> Iterator[T]:
        """Every item added, sorted by ``key``; items with equal keys in the order they were added.

        The sorter is emptied as it is read.
        """
        self._current.sort(key=self._key)
        runs: list[Iterable[T]] = [*self._runs, self._current]
        disk, self._disk, self._runs, self._current = self._disk, None, [], []
        # heapq.merge takes equal keys from earlier runs first, and runs are in the order items came.
        yield from heapq.merge(*runs, key=self._key)
        if disk is not None:
            disk.close()
