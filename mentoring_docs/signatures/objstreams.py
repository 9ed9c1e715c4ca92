"""A pyHanko reader that finds objects in object streams through an index.

pyHanko looks an object up in an object stream by reading the stream's header from
the start every time, so reading all of a stream's N objects costs N * N number
parses. Our blank forms keep their ~100 field dictionaries in object streams, and
validating a signature resolves every field (and, for a signature with later
revisions, every object of the signed revision), so that quadratic walk was most of
a signed read. This reader parses each stream's header once.

Only the ordinary case is taken here: anything unusual (strict mode, a header that
is not pairs of numbers, an object that does not parse, a stream replaced by a
later revision) goes to pyHanko's own method, so what is read is always what
pyHanko would read.
"""

from __future__ import annotations

import io
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["IndexedReader"]


class IndexedReader(PdfFileReader):
    """:class:`PdfFileReader` that indexes each object stream's header once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # stream number -> (the stream object indexed, {object number: (index, offset)} or None)
        self._objstm_index: dict[int, tuple[Any, dict[int, tuple[int, int]] | None]] = {}
        super().__init__(*args, **kwargs)

    def _get_object_from_stream(self, idnum: int, stmnum: int, idx: int) -> Any:
        if self.strict:
            return super()._get_object_from_stream(idnum, stmnum, idx)
        stream = generic.Reference(stmnum, 0, self).get_object()
        known = self._objstm_index.get(stmnum)
        if known is None or known[0] is not stream:
            # The first object of a stream goes the usual way: pyHanko decodes the
            # stream then, under its own limits for object streams, and keeps the
            # decoded bytes on the stream object, which the index is built from.
            obj = super()._get_object_from_stream(idnum, stmnum, idx)
            self._objstm_index[stmnum] = (stream, _index(stream))
            return obj
        found = known[1].get(idnum) if known[1] is not None else None
        if found is None or found[0] != idx:
            return super()._get_object_from_stream(idnum, stmnum, idx)
        data = io.BytesIO(stream.data)
        data.seek(found[1])
        try:
            obj = generic.read_object(data, generic.Reference(idnum, 0, self))
        except Exception:  # noqa: BLE001 - pyHanko's method reports it its own way
            return super()._get_object_from_stream(idnum, stmnum, idx)
        if isinstance(obj, (generic.StreamObject, generic.IndirectObject)):
            return super()._get_object_from_stream(idnum, stmnum, idx)
        return obj


def _index(stream: Any) -> dict[int, tuple[int, int]] | None:
    """Object number -> (index, absolute offset) for an object stream, or None if odd."""
    try:
        if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
            return None
        count, first = stream["/N"], stream["/First"]
        if not isinstance(count, int) or not isinstance(first, int) or count < 0 or first < 0:
            return None
        data = stream.data
    except Exception:  # noqa: BLE001 - a stream pyHanko cannot decode: its method says so
        return None
    numbers = data[:first].split()
    if len(numbers) != 2 * count or not all(n.isdigit() for n in numbers):
        return None
    index: dict[int, tuple[int, int]] = {}
    for i in range(count):
        # pyHanko takes the first entry with a number; so does the index.
        index.setdefault(int(numbers[2 * i]), (i, first + int(numbers[2 * i + 1])))
    return index
