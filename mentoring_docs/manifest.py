"""``manifest.csv``: the one list of documents batch generation issued, written and read here only.

- :data:`COLUMNS` and :class:`ManifestWriter`: what batch generation writes, one
  line per document, in row order.
- :func:`read_made_files`: the files an earlier run made (batch resume).
- :func:`read_manifest`: the documents issued to pairs (tracking).

The tracker compares issued documents with the forms that came back, by these rules:

- **agreement_id first.** Batch generation writes the agreement ID into every form
  it issues, and pairs rarely touch it; an issued document has come back when the
  tracker uses a document of the same kind for the pair with that ID (a returned
  action plan whose ID was cleared still counts when its names match the pair's
  agreement, see :mod:`mentoring_docs.tracking.build`).
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
from typing import Iterator

from .atomic import AtomicCsv
from .csv_guard import unguard
from .errors import MentoringDocsError
from .kinds import Kind, parse_kind
from .limits import MAX_ROSTER_BYTES
from .safe_read import FileRefused, read_regular

__all__ = ["COLUMNS", "MANIFEST", "Issued", "ManifestWriter", "is_sha256", "kind_from_name",
           "read_made_files", "read_manifest"]

#: The manifest's file name in a batch's output folder.
MANIFEST = "manifest.csv"

#: The columns batch generation writes, in this order.
COLUMNS = ("row", "folder", "agreement_id", "kind", "format", "file", "sha256", "input_sha256")

# Other spellings tracking accepts for the columns it reads (a manifest made by
# hand or by another tool), compared without case, spaces or punctuation.
_SPELLINGS = {
    "row": {"rownumber", "line"},
    "folder": {"pairfolder", "pair", "directory", "dir"},
    "agreement_id": {"agreement"},
    "file": {"files", "path", "paths", "filename", "filenames"},
    "sha256": {"sha256s", "hash", "hashes", "checksum", "digest"},
    "kind": {"document", "documentkind"},
}


class ManifestWriter:
    """A run's ``manifest.csv``: written as rows finish, put in place by :meth:`commit`.

    Until then the previous manifest stays (see :class:`~mentoring_docs.atomic.AtomicCsv`),
    so the file is always complete or absent.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._csv = AtomicCsv(path, COLUMNS)

    def write(self, row: int, folder: str, agreement_id: str, kind: str, fmt: str, file: str,
              sha256: str, input_sha256: str) -> None:
        """One document made (or kept) for a pair."""
        self._csv.write((row, folder, agreement_id, kind, fmt, file, sha256, input_sha256))

    def commit(self) -> Path:
        """Put the finished manifest in place."""
        return self._csv.commit()

    def discard(self) -> None:
        """Drop the unfinished manifest; the previous one stays."""
        self._csv.discard()


def is_sha256(text: str | None) -> bool:
    """True for a SHA-256 as the manifest writes it (64 lower-case hex digits)."""
    return text is not None and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def read_made_files(outdir: Path) -> Iterator[tuple[str, str, str]]:
    """``(file, sha256, input_sha256)`` of each document the manifest in ``outdir`` lists.

    For a batch resuming in ``outdir``; nothing when there is no manifest, and a
    line without a well-formed SHA-256 is skipped.
    """
    path = outdir / MANIFEST
    if not path.is_file():
        return
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            if record.get("file") and is_sha256(record.get("sha256")):
                # Written through the formula guard (atomic.AtomicCsv); unguard gives the name back.
                yield unguard(record["file"]), record["sha256"], record.get("input_sha256") or ""


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
        for column, spellings in _SPELLINGS.items():
            if _key(name) in spellings | {_key(column)} and column not in index:
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
