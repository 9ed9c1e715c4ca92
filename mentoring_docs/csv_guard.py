"""CSV cells that a spreadsheet never runs as a formula, whatever separator it assumes.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some versions, tab or carriage return) as a formula. A file we write
with ``,`` may be opened with ``;`` (the default in much of Europe) or tab as
the separator, and then a value like ``x;=4+4`` becomes two cells, the second a
formula. So, as OWASP's CSV injection guidance says: a cell holding any
separator is quoted, and a ``'`` is put before a formula character at the start
of the cell *and* after every separator or line break inside it. Apostrophes
already standing before a formula character get one more, so :func:`unguard`
gives back exactly the text that was guarded (our own manifest is read back that way).
"""

from __future__ import annotations

import re
from typing import IO, Iterable

__all__ = ["GuardedWriter", "format_row", "guard", "unguard"]

# A place where a spreadsheet may start a cell: the start, or just after a separator or line break.
# A run of apostrophes before a formula character gets one more, so unguard can tell ours apart.
_GUARD = re.compile(r"(^|[,;\t\r\n])(?='*[=+\-@\t\r])")
_UNGUARD = re.compile(r"(^|[,;\t\r\n])'(?='*[=+\-@\t\r])")
_QUOTE = re.compile(r"[,;\t\r\n\"]|^\s|\s$")


def guard(text: str) -> str:
    """``text`` with a ``'`` before every character that could start a formula."""
    if not text:
        return text
    return _GUARD.sub(r"\1'", text)


def unguard(text: str) -> str:
    """The text :func:`guard` was given (``unguard(guard(t)) == t`` for every ``t``)."""
    if "'" not in text:
        return text
    return _UNGUARD.sub(r"\1", text)


def _field(value: object) -> str:
    text = guard(value) if isinstance(value, str) else "" if value is None else str(value)
    if _QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def format_row(cells: Iterable[object]) -> str:
    """One CSV line (``\\r\\n``-terminated, as Excel writes it): text guarded, any cell with a separator quoted."""
    return ",".join(_field(cell) for cell in cells) + "\r\n"


class GuardedWriter:
    """A ``csv.writer`` look-alike for reports opened in spreadsheets: every text cell guarded."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def writerow(self, cells: Iterable[object]) -> None:
        """Write one row."""
        self._handle.write(format_row(cells))
