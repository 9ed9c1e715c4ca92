"""Files shipped inside the package (templates, fonts), read through the package's own loader.

``importlib.resources`` would do the same, but it loads :mod:`tempfile` (and with it
random, shutil, bz2, lzma): ~4 ms of a cold ``fill``, which reads one template. The
loader's ``get_data`` is what :func:`pkgutil.get_data` uses: it reads a regular
install's files and a zip import's members alike.
"""

from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def shipped_bytes(*parts: str) -> bytes:
    """The bytes of the file at ``parts`` (e.g. ``"templates", "agreement.docx"``) inside the package."""
    loader = __spec__.loader if __spec__ is not None else None
    get_data = getattr(loader, "get_data", None)
    path = os.path.join(_PACKAGE, *parts)
    if get_data is None:  # a loader without get_data: an ordinary file
        with open(path, "rb") as handle:
            return handle.read()
    data: bytes = get_data(path)
    return data
