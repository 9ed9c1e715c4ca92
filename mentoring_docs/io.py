"""Safe file output: nothing half-written, nothing overwritten by surprise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputExistsError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Temporary files are created private (0600); the finished file gets the mode a
# plain open() would give it, so that documents can be shared as usual.
FILE_MODE = 0o666 & ~_current_umask()


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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            # link() fails if the target appeared meanwhile, so a concurrent
            # writer's file is never clobbered between our check and the rename.
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise OutputExistsError(
                    f"{target}: already exists; use --force to replace it"
                ) from None
            except OSError:
                # File systems without hard links: fall back to a plain rename.
                if target.exists():
                    raise OutputExistsError(
                        f"{target}: already exists; use --force to replace it"
                    ) from None
                os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
