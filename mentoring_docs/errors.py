"""Exceptions raised by mentoring-docs.

Every exception a user can cause derives from :class:`MentoringDocsError`, whose
``str()`` is a complete, one-line (or, for :class:`DataError`, one line per problem)
message meant to be shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


class MentoringDocsError(Exception):
    """Base class of every error caused by input: data, files, templates, options."""


#: The ``column`` of a problem with a value that came from a batch's defaults, not a roster cell.
FROM_DEFAULTS = "(defaults)"


@dataclass(frozen=True)
class Problem:
    """One problem: where it is and what is wrong. The one shape every report uses.

    ``path`` is the dotted path of the field (``goals.0.title``); it is empty for
    a problem with the document as a whole. Where it applies: ``row`` is a roster's
    row number as a spreadsheet shows it, ``column`` the header of the cell to blame
    (:data:`FROM_DEFAULTS` for a value from a batch's defaults, empty when no single
    cell is), ``file`` the file concerned, ``category`` a report's kind of problem
    (the tracker's categories: see :mod:`mentoring_docs.tracking.tables`).
    """

    path: str
    message: str
    row: int | None = None
    column: str = ""
    file: str = ""
    category: str = ""

    def __lt__(self, other: "Problem") -> bool:
        return self._key() < other._key()

    def _key(self) -> tuple[int, str, str, str, str]:
        return (self.row or 0, self.file, self.path, self.message, self.column)

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.row is not None:
            where = f"row {self.row}"
            if self.column == FROM_DEFAULTS:
                where += " (from the defaults)"
            elif self.column and self.column != self.path:
                where += f", column {self.column!r}"
            text = f"{where}: {text}"
        return f"{self.file}: {text}" if self.file else text


class DataError(MentoringDocsError):
    """Data that does not satisfy the data model; lists every problem at once."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + str(p) for p in self.problems)


class FormError(MentoringDocsError):
    """A file that cannot be read as one of our forms (damaged, foreign, encrypted...)."""

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        self.reason = message
        super().__init__(f"{file}: {message}")


class TemplateError(MentoringDocsError):
    """A custom template that does not match the field catalogue."""


class OutputExistsError(MentoringDocsError):
    """Refused to replace a file that already exists (it may hold a pair's answers)."""


class MissingGlyphsWarning(UserWarning):
    """A filled PDF draws some characters as boxes: no font available has them.

    The values are still stored exactly; the message names each field path and
    character, and how to get a font (a Debian package, or ``--font``).
    """


#: The category of a batch warning about a document drawn with boxes (a :class:`MissingGlyphsWarning`).
MISSING_GLYPHS = "missing_glyphs"
