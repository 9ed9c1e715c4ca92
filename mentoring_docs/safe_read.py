"""Reading input files safely: regular files only, never more than a limit.

Every file the user names or that a folder holds (forms, rosters, JSON data,
``--defaults``, a manifest) is opened here. Links are followed (a link to a
form is a form), but what they lead to must be a regular file: a FIFO would
block for ever, and ``/dev/zero`` or ``/dev/urandom`` never end. The size a
file reports is not trusted either: at most ``limit + 1`` bytes are read.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO

from .errors import MentoringDocsError

__all__ = ["FileRefused", "check_regular", "open_regular", "open_text", "read_limited", "read_regular"]


class FileRefused(MentoringDocsError):
    """A file that is not read: missing, not a regular file, too large, unreadable.

    ``reason`` is the message without the file name, for callers that name the
    file their own way (a problem row, a usage error).
    """

    def __init__(self, label: str, reason: str, *, missing: bool = False) -> None:
        self.label = label
        self.reason = reason
        self.missing = missing
        super().__init__(f"{label}: {reason}")


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a pipe (FIFO), not a regular file; refused"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file; refused"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file; refused"
    return "is not a regular file; refused"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def check_regular(path: str | os.PathLike[str], *, label: str | None = None, limit: int | None = None) -> None:
    """Refuse ``path`` (:class:`FileRefused`) unless it is, or links to, a regular file of at most ``limit`` bytes.

    For files another library opens by name (a font HarfBuzz maps): the same
    refusals as :func:`open_regular`, without opening the file.
    """
    name = label if label is not None else str(path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise FileRefused(name, "no such file", missing=True) from None
    except OSError as exc:
        raise FileRefused(name, f"cannot read the file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(before.st_mode):
        raise FileRefused(name, _kind_of(before.st_mode))
    if limit is not None and before.st_size > limit:
        raise FileRefused(name, f"too large ({_mib(before.st_size)}; the limit is {_mib(limit)})")


def open_regular(path: str | os.PathLike[str], *, label: str | None = None,
                 limit: int | None = None) -> BinaryIO:
    """Open ``path`` for reading if it is (or links to) a regular file of at most ``limit`` bytes.

    Raises :class:`FileRefused` otherwise. The file is checked before it is
    opened (opening some devices does something) and again through the open
    handle (the name may have been swapped in between); the open itself never
    blocks, even on a FIFO.
    """
    name = label if label is not None else str(path)
    check_regular(path, label=name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileRefused(name, "no such file", missing=True) from None
    except OSError as exc:
        raise FileRefused(name, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode):
            raise FileRefused(name, _kind_of(after.st_mode))
        if limit is not None and after.st_size > limit:
            raise FileRefused(name, f"too large ({_mib(after.st_size)}; the limit is {_mib(limit)})")
        if getattr(os, "O_NONBLOCK", 0):  # opened non-blocking only where the flag exists (POSIX)
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(handle: BinaryIO, limit: int, label: str) -> bytes:
    """All of ``handle`` (a file or standard input), refusing it past ``limit`` bytes."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(label, f"too large (more than {_mib(limit)}; the limit is {_mib(limit)})")
    return data


def read_regular(path: str | os.PathLike[str], limit: int, *, label: str | None = None) -> bytes:
    """The bytes of the regular file ``path``; :class:`FileRefused` past ``limit`` bytes or for anything else."""
    name = label if label is not None else str(path)
    with open_regular(path, label=name, limit=limit) as handle:
        try:
            return read_limited(handle, limit, name)
        except OSError as exc:
            raise FileRefused(name, f"cannot read the file: {exc.strerror or exc}") from None


def open_text(path: str | os.PathLike[str], *, label: str | None = None, limit: int | None = None,
              encoding: str = "utf-8-sig", newline: str | None = "", errors: str = "strict") -> io.TextIOWrapper:
    """:func:`open_regular` as text."""
    return io.TextIOWrapper(open_regular(path, label=label, limit=limit), encoding=encoding,
                            newline=newline, errors=errors)
