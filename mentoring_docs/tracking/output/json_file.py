"""The tracker as one JSON object: ``as_of`` and each table as a list of row objects.

The file is what ``json.dumps(tracker.to_dict(), ensure_ascii=False, indent=2)``
gives, written a row at a time: the documents and problems tables may have a row
per file read, too many to hold as one text.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from ..tables import Tables, json_value


def streams(tracker: Tables, out: Path) -> dict[Path, Callable[[IO[bytes]], None]]:
    """The JSON file (UTF-8, ISO dates, values as the data model spells them), written as it is read."""
    return {out: functools.partial(_write, tracker)}


def _write(tracker: Tables, handle: IO[bytes]) -> None:
    for piece in chunks(tracker):
        handle.write(piece.encode("utf-8"))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def chunks(tracker: Tables) -> Iterator[str]:
    """The text of ``json.dumps(tracker.to_dict(), ensure_ascii=False, indent=2) + "\\n"``, in pieces.

    With ``indent``, a value nested at a depth is its own dump with every line
    indented by that depth, so each row is dumped alone and indented.
    """
    head = tracker.to_dict(tables=False)
    tables = tracker.tables()
    entries = len(head) + len(tables)
    written = 0
    yield "{"
    for key, value in head.items():
        written += 1
        yield f"\n  {_dumps(key)}: {_dumps(value)}" + ("," if written < entries else "")
    for name, rows in tables.items():
        written += 1
        yield f"\n  {_dumps(name)}: ["
        first = True
        for row in rows:
            text = _dumps({k: json_value(v) for k, v in asdict(row).items()})
            yield ("\n    " if first else ",\n    ") + text.replace("\n", "\n    ")
            first = False
        yield ("]" if first else "\n  ]") + ("," if written < entries else "")
    yield "\n}\n" if entries else "}\n"
