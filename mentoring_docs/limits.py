"""Every limit on the size of input, in one place (the README's "Limits" section lists them).

Files nobody on the team wrote may be built to exhaust memory or time: a
form whose value inflates to gigabytes, a roster of a hundred thousand columns,
a JSON document nested a hundred thousand deep. Each input is measured against
these numbers *before* it is parsed or inflated, so a hostile file is refused
quickly with a message instead of being read. They are far above anything a
mentoring form or an HR roster holds.
"""

from __future__ import annotations

from typing import Iterable

_MiB = 1024 * 1024

#: A completed form (Word or PDF) read by ``read`` and ``track``.
MAX_FORM_BYTES = 64 * _MiB
#: A JSON data file (``fill``, ``validate``, ``--defaults``) or JSON on standard input.
MAX_DATA_BYTES = 8 * _MiB
#: A roster file (CSV, JSON Lines or XLSX) and a manifest read back by ``track --manifest``.
MAX_ROSTER_BYTES = 256 * _MiB
#: An XLSX part (a worksheet, the shared strings) once inflated, and the ratio it may inflate by.
MAX_XLSX_PART_BYTES = 128 * _MiB
MAX_XLSX_RATIO = 200
#: Rows and columns of a roster (rows: the number the spreadsheet shows, header included).
MAX_ROSTER_ROWS = 100_000
MAX_COLUMNS = 1_000
#: A column header longer than this names no field (the longest full label is under 100).
MAX_HEADER_CHARS = 200
#: One roster cell (Excel's own limit is 32,767 characters), one JSON Lines line.
MAX_CELL_CHARS = 32_767
MAX_LINE_BYTES = 4 * _MiB
#: Nesting of JSON objects and lists; a record of ours is five levels deep.
MAX_JSON_DEPTH = 64
#: Digits of a JSON integer; the data model's numbers have at most a few.
MAX_INTEGER_DIGITS = 30
#: Characters of one value, by how the form shows it.
MAX_TEXT_CHARS = 5_000
MAX_LONG_TEXT_CHARS = 20_000
#: Characters of a field name read from a PDF form (ours are under 40).
MAX_FIELD_NAME_CHARS = 512
#: A key, certificate, trust root or password file (``sign``, ``--trust-root``, ``--password-file``).
MAX_KEY_BYTES = 1 * _MiB
#: A font file given with ``--font`` (Noto CJK's collection is about 20 MiB).
MAX_FONT_BYTES = 128 * _MiB
#: A field extension file (``--fields``); a few dozen questions take a few kilobytes.
MAX_EXTENSION_BYTES = 1 * _MiB
#: An extension's definition as a form keeps it (canonical JSON, in characters): an
#: extension whose definition is longer is refused when loaded, and a form that says
#: it keeps a longer one is not believed (its program questions are read as text).
MAX_EXTENSION_DEFINITION_CHARS = 100_000
#: Problems printed on the terminal before "... and N more" (every one still goes to errors.csv).
MAX_PRINTED_PROBLEMS = 50


def max_chars(kind: str | None) -> int:
    """The longest value a field of ``kind`` (a :class:`~mentoring_docs.fields.FieldKind`) may hold, in characters."""
    return MAX_LONG_TEXT_CHARS if kind == "long_text" else MAX_TEXT_CHARS


def too_long(length: int, limit: int) -> str:
    """The message for a value of ``length`` characters over ``limit``."""
    return f"is {length:,} characters long; at most {limit:,} are allowed"


def capped(lines: Iterable[str], limit: int = MAX_PRINTED_PROBLEMS) -> list[str]:
    """The first ``limit`` of ``lines``, then one line saying how many more there were."""
    out: list[str] = []
    extra = 0
    for line in lines:
        if len(out) < limit:
            out.append(line)
        else:
            extra += 1
    if extra:
        out.append(f"... and {extra:,} more")
    return out
