"""Collecting returned forms: find the files under the given paths and read each one.

- **Discovery.** Every ``.docx`` and ``.pdf`` under a folder, recursively (suffix in
  any case). Hidden files and folders (``.name``), Office lock files (``~$name``) and
  macOS resource forks (``._name``) are skipped; a file named on its own is always read.
- **One bad file never stops the rest.** Anything that cannot be read becomes a row
  of the problems table.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .. import forms
from ..errors import FormError, MentoringDocsError, Problem
from ..extension import SECTION, Extension
from ..kinds import Kind
from ..safe_read import FileRefused, open_regular, read_limited

__all__ = ["Kept", "SUFFIXES", "Returned", "Seen", "collect", "discover", "needed", "read_document", "walk",
           "walk_names"]

#: File suffixes read when a folder is searched.
SUFFIXES = (".docx", ".pdf")


@dataclass(frozen=True, slots=True)
class Returned:
    """One form read back from a file, with what the tracker needs to place it."""

    file: str
    format: str
    kind: Kind
    data: Mapping[str, Any]
    problems: tuple[Problem, ...]
    modified: dt.datetime
    sha256: str
    #: Agreements: :class:`~mentoring_docs.signatures.PartySignature` by party.
    signatures: Mapping[str, Any] = field(default_factory=dict)
    #: Set when a Word file carries a digital signature this library does not verify.
    signature_note: str | None = None
    #: The field extension its program questions were read (typed and checked) with, if any.
    extension: Extension | None = None

    @property
    def folder(self) -> str:
        """The name of the folder the file is in."""
        return Path(self.file).parent.name


# The parts of a record the tracker's tables read (see :mod:`.build`), and nothing else: a
# tracker of many forms keeps these for each pair, not the whole record. A dict gives
# the keys kept of a mapping ("*": of every key), a one-item list the shape of every
# item of a list, None the whole value.
_SHAPE: dict[str, Any] = {
    "agreement_id": None,
    "mentor": {"name": None},
    "mentee": {"name": None},
    "program": {"name": None, "coordinator": {"name": None}},
    "confidentiality": {"level": None},
    "timeframe": {"start_date": None, "end_date": None, "midpoint_check": None},
    "signatures": {"*": {"name": None}},
    "goals": [{"title": None, "target_date": None, "activities": [
        {"description": None, "kind": None, "effort": None, "target_date": None, "status": None,
         "completed_on": None}]}],
    "reviews": [{"date": None, "objective": None, "progress": None, "next_steps": None}],
    "competencies": [{"name": None, "baseline_rating": None, "target_rating": None, "final_rating": None}],
    SECTION: None,  # program questions: their paths come from the form or its extension
}


def needed(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The part of a form's ``data`` the tracker's tables use (names, dates, program,
    signatures' typed names, goals and activities, reviews, competencies, program
    questions); purposes, notes, meetings and the like are left out."""
    return _cut(data, _SHAPE)  # type: ignore[no-any-return]


class _Absent:
    """Marks a key the record does not have (None is a value a record may hold)."""

    __slots__ = ()


_ABSENT = _Absent()


class NotKept(LookupError):
    """A tracker table asked a cut record for a field :data:`_SHAPE` does not keep (a bug here, not in the data)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key!r} is not kept for the tracker's tables: add it to tracking.collect._SHAPE")


class Kept(Mapping[str, Any]):
    """A mapping of a record cut to a fixed set of keys: its values in a tuple.

    A dict holds a hash table per object; a tracker keeps one such mapping per
    activity, review and competency of every pair until every form is read, so a
    tuple of values beside the shape's shared tuple of keys is what is kept.
    """

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._keys = keys
        self._values = values

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` when the record has none."""
        try:
            value = self._values[self._keys.index(key)]
        except ValueError:
            # Not a key of the shape: a table reads a field the cut drops. Said loudly, so a
            # new field the tables read cannot pass as empty in every tracker.
            raise NotKept(key) from None
        return default if value is _ABSENT else value

    def __iter__(self) -> Iterator[str]:
        return (key for key, value in zip(self._keys, self._values) if value is not _ABSENT)

    def __len__(self) -> int:
        return sum(value is not _ABSENT for value in self._values)

    def __repr__(self) -> str:
        return f"Kept({dict(self)!r})"


def _cut(value: Any, shape: Any) -> Any:
    # A value of another type than the data model's (read with a problem) is kept as it
    # is: the tables check every value's type themselves.
    if shape is None:
        return value
    if isinstance(shape, list):
        return [_cut(item, shape[0]) for item in value] if isinstance(value, list) else value
    if not isinstance(value, Mapping):
        return value
    every = shape.get("*", False)
    if every is not False:
        return {key: _cut(inner, every) for key, inner in value.items()}
    keys = _KEYS.get(id(shape))
    if keys is None:
        keys = _KEYS[id(shape)] = tuple(shape)
    return Kept(keys, tuple(_cut(value[key], shape[key]) if key in value else _ABSENT for key in keys))


# Each shape's keys, as one tuple every Kept of that shape shares (the shapes live as long as the module).
_KEYS: dict[int, tuple[str, ...]] = {}


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$"))


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Problem]]:
    """The files to read under ``paths``, in a stable order, and a problem for each missing path.

    Folders are searched recursively for ``.docx`` and ``.pdf`` files; a file given
    by name is read whatever its name.
    """
    problems: list[Problem] = []
    return list(walk(paths, problems)), problems


def walk(paths: Iterable[str | os.PathLike[str]], problems: list[Problem]) -> Iterator[Path]:
    """The files :func:`discover` finds, one at a time (a folder of a hundred thousand forms is
    not listed up front); a problem for each missing path is appended to ``problems``."""
    return map(Path, walk_names(paths, problems))


def walk_names(paths: Iterable[str | os.PathLike[str]], problems: list[Problem]) -> Iterator[str]:
    """:func:`walk`'s files as the text ``str(path)`` gives, without making a :class:`~pathlib.Path` of each.

    A Path interns every part of its name for the life of the process, which would make
    each file of a large folder cost memory after it is read.
    """
    seen = Seen()  # a file reached twice (two paths given, a link) is read once

    def new(path: str) -> bool:
        return seen.add(os.fsencode(os.path.normcase(os.path.realpath(path))))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            here = os.curdir + os.sep
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skipped(d))
                # What Path(folder) / name gives: folder is os.walk's join of a Path's text and
                # plain names, so only the folder given as "." differs (Path drops a leading "./").
                prefix = folder
                if str(path) == os.curdir:
                    prefix = "" if folder == os.curdir else folder.removeprefix(here)
                for name in sorted(files):
                    if not _skipped(name) and name.lower().endswith(SUFFIXES):
                        found = os.path.join(prefix, name)
                        if new(found):
                            yield found
        elif path.exists():
            if new(str(path)):
                yield str(path)
        else:
            problems.append(_unreadable(str(path), "no such file or folder"))


class Seen:
    """A set of names that costs eight bytes per name: each is kept as a 64-bit digest.

    Names go to a small set first; when it fills, it is sorted into runs of 64-bit
    integers (:class:`array.array`), and runs of like size are merged, so a
    membership test is a binary search in a few runs. Two different names share a
    digest with a chance of about one in 10^10 for a hundred thousand files, and then
    the second is taken for the first (it is not read).
    """

    BUFFER = 4096

    def __init__(self) -> None:
        self._recent: set[int] = set()
        self._runs: list[array] = []

    def add(self, name: bytes) -> bool:
        """Add ``name``; true if it was not there yet."""
        key = int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "little")
        if key in self._recent or any(_contains(run, key) for run in self._runs):
            return False
        self._recent.add(key)
        if len(self._recent) >= self.BUFFER:
            run = array("Q", sorted(self._recent))
            self._recent = set()
            while self._runs and len(self._runs[-1]) <= 2 * len(run):
                run = array("Q", heapq.merge(self._runs.pop(), run))
            self._runs.append(run)
        return True

    def __len__(self) -> int:
        return len(self._recent) + sum(len(run) for run in self._runs)


def _contains(run: array, key: int) -> bool:
    at = bisect.bisect_left(run, key)
    return at < len(run) and run[at] == key


def read_document(path: str | os.PathLike[str], *, password: str | None = None,
                  trust_roots: Sequence[Any] = (), extension: Extension | None = None) -> Returned | Problem:
    """Read one file: the form it holds, or the problem that stops it being read.

    ``password`` opens encrypted PDFs; ``trust_roots`` are the certificates a digital
    signature must chain to to be ``trusted``. Never raises for a bad file: a damaged
    document can trip any reader, and one such file must not stop a
    coordinator's whole run.
    """
    label = str(path)
    try:
        # Regular files only, bounded: a FIFO or a link to /dev/zero is a problem row.
        with open_regular(path, label=label, limit=forms.MAX_FORM_BYTES) as handle:
            stat = os.fstat(handle.fileno())
            blob = read_limited(handle, forms.MAX_FORM_BYTES, label)
        result = forms.read(blob, name=label, password=password, trust_roots=trust_roots, extension=extension)
    except FileRefused as exc:  # gone since it was found, a FIFO, a device, too large
        return _unreadable(label, f"cannot read the file: {exc.reason}" if exc.missing else exc.reason)
    except FormError as exc:
        return _unreadable(label, exc.reason)
    except MentoringDocsError as exc:
        return _unreadable(label, str(exc))
    except OSError as exc:
        return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - see docstring
        return _unreadable(label, f"could not be read ({type(exc).__name__}: {exc})")
    return Returned(
        file=label, format=result.format, kind=result.kind, data=result.data,
        problems=tuple(result.problems), modified=dt.datetime.fromtimestamp(stat.st_mtime),
        sha256=hashlib.sha256(blob).hexdigest(), signatures=result.signatures,
        signature_note=result.signature_note, extension=result.extension,
    )


def _unreadable(file: str, message: str) -> Problem:
    return Problem("", message, file=file, category="unreadable")


def collect(paths: Iterable[str | os.PathLike[str]], *, password: str | None = None,
            trust_roots: Sequence[Any] = (),
            extension: Extension | None = None) -> tuple[list[Returned], list[Problem]]:
    """Read every form under ``paths``: the documents read, and a problem for each file that was not."""
    files, problems = discover(paths)
    documents: list[Returned] = []
    for path in files:
        outcome = read_document(path, password=password, trust_roots=trust_roots, extension=extension)
        if isinstance(outcome, Returned):
            documents.append(outcome)
        else:
            problems.append(outcome)
    return documents, problems
