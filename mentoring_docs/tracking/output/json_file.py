"""The tracker as one JSON object: ``as_of`` and each table as a list of row objects."""

from __future__ import annotations

import json
from pathlib import Path


from ..tables import Tables


def render(tracker: Tables, out: Path) -> dict[Path, bytes]:
    """The JSON bytes (UTF-8, ISO dates, values as the data model spells them)."""
    text = json.dumps(tracker.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return {out: text.encode("utf-8")}
