"""Keeping a batch's output folder: the error report, the journals, the lock, leftovers.

- ``manifest.csv`` (one line per document made) is :mod:`mentoring_docs.manifest`'s;
  it is read back here, with the journals, to recognise files an earlier run made.
- ``errors.csv``: one line per problem (row, column, dotted path, message).
- ``.mentoring-docs/journal-*.csv``: each process notes every file it is about to
  put in place (and ``.mentoring-docs/lock`` keeps a second batch out meanwhile). After an interrupted run (Ctrl-C, kill -9) the next run reads the
  manifest and the journals to recognise the files it made itself, untouched, and
  keeps them, instead of mistaking them for forms a pair has filled in.

CSV files are UTF-8 with a byte order mark, which is what makes Excel show accents
and non-Latin names correctly.
"""

from __future__ import annotations

import csv
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterable

from ..errors import MentoringDocsError
from ..manifest import MANIFEST, is_sha256, read_made_files

ERRORS = "errors.csv"
STATE_DIR = ".mentoring-docs"
LOCK = "lock"

ERRORS_HEADER = ("row", "column", "path", "message")

#: Names a pair's folder may not take in the output folder.
RESERVED = (MANIFEST, ERRORS, STATE_DIR)

#: A record of one file a batch made: its SHA-256 and the SHA-256 of what it was made from.
Known = dict[str, list[tuple[str, str]]]


def state_dir(outdir: Path) -> Path:
    """``OUTDIR/.mentoring-docs``, made if missing; refused if it is a link or not a plain folder.

    A link planted there would send our lock and journals (and their removal at
    the end) into a folder the run does not own.
    """
    folder = outdir / STATE_DIR
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise MentoringDocsError(f"{folder}: cannot make the batch's state folder: {exc.strerror}") from None
    if not _is_plain_folder(folder):
        raise MentoringDocsError(
            f"{folder}: is a link or not a plain folder; refused (remove it: the batch keeps its journals there)"
        )
    return folder


def _is_plain_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


class Journal:
    """A process's own append-only note of the files it puts in place.

    A line is written and flushed *before* the file is renamed into place, so a
    file that exists is always in the journal; a journal line whose file never
    appeared is harmless (the next run makes that file).
    """

    def __init__(self, outdir: Path) -> None:
        folder = state_dir(outdir)
        fd, name = tempfile.mkstemp(prefix=f"journal-{os.getpid()}-", suffix=".csv", dir=folder)
        self.path = Path(name)
        self._handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)

    def record(self, file: str, sha256: str, input_sha256: str) -> None:
        """Note that ``file`` (relative to the output folder) is about to hold these bytes."""
        self._writer.writerow((file, sha256, input_sha256))
        # A process killed with SIGKILL loses what is in Python's buffer, not what
        # the kernel has: flushing is enough for kill -9 (a power cut may lose both
        # the line and the rename, which is consistent).
        self._handle.flush()

    def close(self) -> None:
        """Close the journal file."""
        self._handle.close()


def known_files(outdir: Path) -> Known:
    """What earlier runs recorded in ``outdir``: file -> ``[(sha256, input_sha256), ...]``.

    Reads the manifest, then every journal left by an interrupted run. A line cut
    short by a kill is skipped.
    """
    known: Known = {}

    def add(file: str, sha: str, source: str) -> None:
        entries = known.setdefault(file, [])
        if (sha, source) not in entries:
            entries.append((sha, source))

    for file, sha, source in read_made_files(outdir):
        add(file, sha, source)
    folder = outdir / STATE_DIR
    if _is_plain_folder(folder):  # a link is refused when the run takes its lock; never read through one
        for journal in sorted(folder.glob("journal-*.csv"), key=lambda p: p.stat().st_mtime):
            with journal.open("r", encoding="utf-8", newline="", errors="replace") as handle:
                for record in csv.reader(handle):
                    if len(record) == 3 and is_sha256(record[1]) and is_sha256(record[2]):
                        add(*record)
    return known


def clear_journals(outdir: Path) -> None:
    """Remove the journals once a finished manifest holds everything they knew."""
    folder = outdir / STATE_DIR
    if not _is_plain_folder(folder):
        return
    for journal in folder.glob("journal-*.csv"):
        if journal.is_file() and not journal.is_symlink():
            journal.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass  # something else is in it; leave it


_LOCK_MARK = b"mentoring-docs batch lock\n"


class RunLock:
    """Makes sure only one batch writes to an output folder at a time.

    An advisory lock (``flock``) on ``OUTDIR/.mentoring-docs/lock``. The kernel
    releases it when the process ends, however it ends, so a killed run never
    leaves a stale lock behind. Where ``fcntl`` is missing (Windows) it does nothing.
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self._fd: int | None = None
        self._created: Path | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`MentoringDocsError` if another batch holds it."""
        try:
            import fcntl
        except ImportError:
            return
        folder = state_dir(self.outdir)
        path = folder / LOCK
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        created = False
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | nofollow, 0o644)
            created = True
        except FileExistsError:
            try:
                fd = os.open(path, os.O_RDWR | nofollow)
            except OSError as exc:
                raise MentoringDocsError(f"{path}: cannot open the batch's lock file: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = os.fstat(fd)
            now = os.lstat(path)
        except OSError:
            os.close(fd)
            raise MentoringDocsError(
                f"{self.outdir}: another batch is writing to this folder; wait for it to finish"
            ) from None
        if (held.st_ino, held.st_dev) != (now.st_ino, now.st_dev):  # removed by a run that just ended
            os.close(fd)
            raise MentoringDocsError(f"{self.outdir}: another batch just finished here; run the command again")
        ours = created or (stat.S_ISREG(held.st_mode) and os.pread(fd, len(_LOCK_MARK) + 1, 0) == _LOCK_MARK)
        if created:
            os.write(fd, _LOCK_MARK)
        self._fd = fd
        # Removed at the end only if it is ours: made now, or left by a killed run (it says so).
        # Anything else found under that name is kept as it is.
        self._created = path if ours else None

    def release(self) -> None:
        """Let go of the lock; the lock file goes too if this run made it (and the folder, if then empty)."""
        if self._fd is None:
            return
        if self._created is not None:
            self._created.unlink(missing_ok=True)  # while still held: no other run can be using it
            try:
                self._created.parent.rmdir()
            except OSError:
                pass  # journals of an unfinished run, or something of the user's: leave it
            self._created = None
        os.close(self._fd)
        self._fd = None


def remove_stale_temporaries(folder: Path, names: Iterable[str]) -> None:
    """Delete temporary files an interrupted run left for ``names`` in ``folder``.

    :func:`mentoring_docs.atomic.atomic_write` and :class:`~mentoring_docs.atomic.AtomicCsv` name them
    ``.NAME.<random>.tmp``; a killed process cannot remove its own.
    """
    if not folder.is_dir():
        return
    for name in names:
        for tmp in folder.glob(f".{_glob_escape(name)}.*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)
