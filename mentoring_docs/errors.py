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


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with one value: where it is (a dotted path) and what is wrong.

    ``path`` is the dotted path of the field (``goals.0.title``); it is empty for
    a problem with the document as a whole.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


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
