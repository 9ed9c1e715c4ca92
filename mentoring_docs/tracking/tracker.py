"""The :class:`Tracker` a program gets from :func:`~mentoring_docs.track`: the tables, and saving them."""

from __future__ import annotations

import os
from pathlib import Path

from .audience import for_audience
from .output import write
from .tables import Tables

__all__ = ["Tracker"]


class Tracker(Tables):
    """Every pair of a program as of one day: the tables a coordinator reads, and :meth:`write`.

    Each table is a list of frozen dataclass rows with typed values (dates as
    :class:`datetime.date`, counts as ``int``, flags as ``bool``, enumerations as
    their data-model values, absent values as ``None``).
    """

    def write(self, out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
        """Save the tracker; the format follows ``out``'s extension (.xlsx, .csv, .json, .html).

        Returns the files written (CSV writes one per table). Nothing is replaced
        unless ``overwrite``.
        """
        return write(self, out, overwrite=overwrite)

    def for_audience(self, audience: str) -> "Tracker":
        """The same tables for ``audience``: ``coordinator`` (this tracker) or ``manager``
        (no free text; pairs that chose ``private`` confidentiality show counts only)."""
        return for_audience(self, audience)
