"""Documents that were issued to pairs, as batch generation's ``manifest.csv`` lists them.

The tracker compares them with the forms that came back, by these rules:

- **agreement_id first.** Batch generation writes the agreement ID into every form
  it issues, and pairs rarely touch it; an issued document has come back when the
  tracker uses a document of the same kind for the pair with that ID (a returned
  action plan whose ID was cleared still counts when its names match the pair's
  agreement, see :mod:`mentoring_docs.tracker`).
- **Hashes recognise untouched copies.** A found file whose SHA-256 equals an issued
  file's is that issued copy, byte for byte: nobody has filled it in, so it is not
  counted as returned (and its values do not enter the tables). This makes it safe to
  track a folder that holds the issued files next to the returned ones.
- **The pair folder is the fallback** for a manifest row without an agreement ID: a
  returned document of the same kind inside a folder of that name answers it. File
  names are not compared, since returned files are renamed by mail clients and people.

The manifest is read by column name, so its column order does not matter; one row per
issued file (``row, folder, agreement_id, file, sha256``), and a row listing several
files separated by ``;`` (with their hashes in the same order), are both understood.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .csv_guard import unguard
from .errors import MentoringDocsError
from .kinds import Kind, parse_kind
from .limits import MAX_ROSTER_BYTES
from .safe_read import FileRefused, read_regular

__all__ = ["Issued", "read_manifest", "kind_from_name"]

# Accepted spellings of each column, compared without case, spaces or punctuation.
_COLUMNS = {
    "row": {"row", "rownumber", "line"},
    "folder": {"folder", "pairfolder", "pair", "directory", "dir"},
    "agreement_id": {"agreementid", "agreement"},
    "file": {"file", "files", "path", "paths", "filename", "filenames"},
    "sha256": {"sha256", "sha256s", "hash", "hashes", "checksum", "digest"},
    "kind": {"kind", "document", "documentkind"},
}
_SPLIT = re.compile(r"\s*[;|]\s*")


@dataclass(frozen=True)
class Issued:
    """One document issued to a pair."""

    row: int | None
    folder: str
    agreement_id: str | None
    file: str
    sha256: str | None
    kind: Kind | None


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def kind_from_name(name: str) -> Kind | None:
    """The kind of document a file name announces (``…agreement.docx``, ``…action-plan.pdf``), if any."""
    key = _key(Path(name).stem)
    if "actionplan" in key:
        return "action_plan"
    if "agreement" in key:
        return "agreement"
    return None


def read_manifest(path: str | os.PathLike[str]) -> list[Issued]:
    """The issued documents a manifest lists; file paths are resolved next to the manifest."""
    source = Path(path)
    try:
        text = read_regular(source, MAX_ROSTER_BYTES).decode("utf-8-sig")
    except FileRefused as exc:
        if exc.missing:
            raise MentoringDocsError(f"{source}: manifest not found") from None
        raise MentoringDocsError(f"{source}: cannot read the manifest: {exc.reason}") from None
    except UnicodeDecodeError:
        raise MentoringDocsError(f"{source}: the manifest is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise MentoringDocsError(f"{source}: the manifest is empty")
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        for column, spellings in _COLUMNS.items():
            if _key(name) in spellings and column not in index:
                index[column] = position
    if "file" not in index:
        raise MentoringDocsError(
            f"{source}: the manifest has no file column (found: {', '.join(header)}); "
            "expected row, folder, agreement_id, file, sha256"
        )
    base = source.parent
    ours = any(_key(name) == "inputsha256" for name in header)  # a column only batch generation writes
    out: list[Issued] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(column: str) -> str:
            position = index.get(column)
            # Our manifest guards text against spreadsheet formulas; unguard gives it back.
            return unguard(cells[position].strip()) if position is not None and position < len(cells) else ""

        hashes = [h.lower() for h in _SPLIT.split(cell("sha256")) if h]
        # Batch generation's own manifest has one file per line, and a folder name may hold a ";".
        files = [cell("file")] if ours else [f for f in _SPLIT.split(cell("file")) if f]
        if hashes and len(hashes) != len(files):
            raise MentoringDocsError(
                f"{source}: line {line}: {len(files)} files but {len(hashes)} SHA-256 values"
            )
        row_text = cell("row")
        folder = cell("folder")
        for n, name in enumerate(files):
            named_kind = cell("kind")
            try:
                kind = parse_kind(named_kind) if named_kind else kind_from_name(name)
            except MentoringDocsError as exc:
                raise MentoringDocsError(f"{source}: line {line}: {exc}") from None
            relative = Path(name) if len(Path(name).parts) > 1 or not folder else Path(folder) / name
            out.append(Issued(
                row=int(row_text) if row_text.isdigit() else None,
                folder=folder or relative.parent.name,
                agreement_id=cell("agreement_id") or None,
                file=str(base / relative),
                sha256=hashes[n] if hashes else None,
                kind=kind,
            ))
    return out
