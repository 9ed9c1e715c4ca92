"""Safe file output: nothing half-written, nothing overwritten by surprise.

:func:`atomic_write` for one file, :class:`StagedWrites` for many made durable
with one flush, :class:`AtomicCsv` for a report written row by row,
:class:`AtomicFiles` for files streamed in pieces and placed together.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import IO, Callable, Iterable, Sequence

from .csv_guard import GuardedWriter
from .errors import OutputExistsError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Temporary files are created private (0600); the finished file gets the mode a
# plain open() would give it, so that documents can be shared as usual.
FILE_MODE = 0o666 & ~_current_umask()


#: How a private temporary file is opened: created here and now, never through a link.
_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _temporary(folder: str | os.PathLike[str], name: str) -> tuple[int, str]:
    """A new private (0600) file ``.NAME.<random>.tmp`` in ``folder``, open for writing: ``(fd, path)``.

    What ``tempfile.mkstemp`` does, without loading :mod:`tempfile` (it brings random,
    shutil, bz2 and lzma: ~3 ms of every cold ``fill``, which writes one file).
    """
    folder = os.path.abspath(folder)
    for _ in range(100):
        path = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(path, _CREATE, 0o600), path
        except FileExistsError:
            continue  # 48 random bits taken: try others
    raise FileExistsError(f"{folder}: no free temporary name for {name}")


def atomic_write(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` so that readers only ever see the whole file.

    The bytes go to a temporary file in the same folder, are flushed to disk and
    then renamed over ``path``; an interrupted run leaves at most a hidden
    ``.*.tmp`` file, never a truncated document. An existing ``path`` is kept
    (and :class:`OutputExistsError` raised) unless ``overwrite`` is true, because
    a form that was sent out may already hold a pair's answers.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputExistsError(f"{target}: already exists; use --force to replace it")
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(folder, target.name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _place(Path(tmp), target, overwrite)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _place(tmp: Path, target: Path, overwrite: bool) -> None:
    """Give a finished temporary file its name; never clobber a file unless ``overwrite``."""
    if overwrite:
        os.replace(tmp, target)
        return
    # link() fails if the target appeared meanwhile, so a concurrent
    # writer's file is never clobbered between our check and the rename.
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputExistsError(f"{target}: already exists; use --force to replace it") from None
    except OSError:
        # File systems without hard links: fall back to a plain rename.
        if target.exists():
            raise OutputExistsError(f"{target}: already exists; use --force to replace it") from None
        os.replace(tmp, target)
    else:
        tmp.unlink()


class StagedWrites:
    """Many files written atomically, made durable together: one flush to disk for the lot.

    :meth:`stage` writes each file's bytes under a hidden temporary name next to
    it; :meth:`commit` flushes them all to disk at once and then gives each its
    name. Like :func:`atomic_write`, readers only ever see whole files and an
    interrupted run leaves only ``.NAME.*.tmp`` files; but where one flush per
    file makes the file system commit its journal once per file (the slowest
    part of writing a form), a batch of forms pays for one.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path, bool]] = []

    def stage(self, path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
        """Write ``data`` for ``path`` under a temporary name; return that name."""
        target = Path(path)
        if not overwrite and target.exists():
            raise OutputExistsError(f"{target}: already exists; use --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = _temporary(target.parent, target.name)
        tmp = Path(name)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._staged.append((tmp, target, overwrite))
        return tmp

    def discard(self, temporaries: Iterable[Path] | None = None) -> None:
        """Remove staged files (all of them, or those named) without placing them."""
        drop = None if temporaries is None else set(temporaries)
        keep = []
        for tmp, target, overwrite in self._staged:
            if drop is None or tmp in drop:
                tmp.unlink(missing_ok=True)
            else:
                keep.append((tmp, target, overwrite))
        self._staged = keep

    def commit(self) -> dict[Path, Exception | None]:
        """Flush every staged file to disk, then name each; ``{target: None or the error}``."""
        staged, self._staged = self._staged, []
        if not staged:
            return {}
        _flush([tmp for tmp, _, _ in staged])
        outcome: dict[Path, Exception | None] = {}
        for tmp, target, overwrite in staged:
            try:
                _place(tmp, target, overwrite)
                outcome[target] = None
            except (OutputExistsError, OSError) as exc:
                tmp.unlink(missing_ok=True)
                outcome[target] = exc
        return outcome


def _flush(paths: list[Path]) -> None:
    """Make the contents of ``paths`` durable: one syncfs() where there is one, else fsync each."""
    syncfs = _find_syncfs()
    if syncfs is not None:
        folders: dict[int, Path] = {}
        for path in paths:  # one folder per file system (a folder may be a mount point)
            folders.setdefault(os.stat(path).st_dev, path.parent)
        done = True
        for folder in folders.values():
            fd = os.open(folder, os.O_RDONLY)
            try:
                done = syncfs(fd) == 0 and done
            finally:
                os.close(fd)
        if done:
            return
    for path in paths:
        with path.open("rb+") as handle:
            os.fsync(handle.fileno())


@functools.lru_cache(maxsize=1)
def _find_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): flush one file system, all files at once (looked up on first use:
    loading ctypes costs a single ``fill``, which flushes no folder, a millisecond or two)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


class AtomicCsv:
    """A CSV file written row by row under a temporary name, renamed into place on :meth:`commit`.

    Until then readers see the previous version of the file (or none); if the
    process dies, only a hidden ``.NAME.*.tmp`` file is left, which the next run removes.
    """

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary(path.parent, path.name)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        self._tmp = Path(tmp)
        self._handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        # Opened in spreadsheets: every text cell guarded against formulas (manifest.py reads back with unguard).
        self._writer = GuardedWriter(self._handle)
        self._writer.writerow(header)

    def write(self, row: Iterable[object]) -> None:
        """Add one row."""
        self._writer.writerow(row)

    def commit(self) -> Path:
        """Put the finished file in place of ``path``."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Drop the unfinished file; ``path`` stays as it was."""
        if not self._handle.closed:
            self._handle.close()
        self._tmp.unlink(missing_ok=True)



class AtomicFiles:
    """Files written as streams under temporary names, then placed together once all are whole.

    :meth:`open` gives a binary handle on a new hidden ``.NAME.*.tmp`` file next to
    each target; :meth:`commit` flushes every one to disk and gives each its name
    (never replacing a file unless ``overwrite``, as :func:`atomic_write`). Used as a
    context manager, an error before the commit removes every temporary file, so
    readers only ever see whole files and a failed run leaves nothing behind (a
    killed one at most hidden ``.*.tmp`` files). For outputs too large to build in
    memory first: a table of a hundred thousand rows is written as it is read.
    """

    def __init__(self, *, overwrite: bool = False) -> None:
        self.overwrite = overwrite
        self._open: list[tuple[Path, Path, IO[bytes]]] = []

    def open(self, path: str | os.PathLike[str]) -> IO[bytes]:
        """A handle to write ``path``'s bytes to (closed by :meth:`commit` or :meth:`discard`)."""
        target = Path(path)
        if not self.overwrite and target.exists():
            raise OutputExistsError(f"{target}: already exists; use --force to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = _temporary(target.parent, target.name)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)
            handle = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            os.unlink(name)
            raise
        self._open.append((Path(name), target, handle))
        return handle

    def commit(self) -> list[Path]:
        """Flush every file to disk, then name each; the targets, in the order they were opened."""
        for _, _, handle in self._open:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        placed: list[Path] = []
        while self._open:
            tmp, target, _ = self._open[0]
            _place(tmp, target, self.overwrite)
            self._open.pop(0)
            placed.append(target)
        return placed

    def discard(self) -> None:
        """Close and remove every file not yet placed."""
        open_files, self._open = self._open, []
        for tmp, _, handle in open_files:
            handle.close()
            tmp.unlink(missing_ok=True)

    def __enter__(self) -> "AtomicFiles":
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()  # after a commit nothing is left to remove
