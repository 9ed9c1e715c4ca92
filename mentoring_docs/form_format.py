"""The contract of a form format backend (Word, PDF): what :mod:`mentoring_docs.forms` may call.

A backend is a module (``mentoring_docs.docx``, ``mentoring_docs.pdf``) that
satisfies :class:`FormFormat`; :data:`mentoring_docs.forms.BACKENDS` maps each
format name to it. mypy checks each backend module against the protocol where
the registry names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Protocol

from .errors import Problem
from .kinds import Kind
from .validation import Record

if TYPE_CHECKING:
    from .extension import Extension

__all__ = ["CompiledForm", "FormFormat", "RawForm"]


class _RawValues(NamedTuple):
    kind: Kind
    values: dict[str, str | bool | None]
    problems: list[Problem]


class RawForm(_RawValues):
    """What a backend reads from a returned form, the same shape for every format.

    ``values`` maps concrete dotted paths to the text (or checkbox state) found;
    ``problems`` lists what the document holds that has no place in the data (a
    control that lost its name, a field answered twice), so nothing is dropped
    in silence. It unpacks as ``(kind, values, problems)``; :attr:`extension` is
    the field extension the form says it was made with (its ``program_questions``
    are among ``values``), or None.
    """

    extension: Extension | None

    def __new__(cls, kind: Kind, values: dict[str, str | bool | None], problems: list[Problem],
                extension: Extension | None = None) -> "RawForm":
        form = super().__new__(cls, kind, values, problems)
        form.extension = extension
        return form


class CompiledForm(Protocol):
    """A template prepared once, rendering any number of records of its kind."""

    @property
    def list_limits(self) -> Mapping[str, int]:
        """Rows per list pattern (``goals.*.activities``) this form holds; empty when lists grow."""

    def render(self, record: Record) -> bytes:
        """The filled document's bytes."""


class FormFormat(Protocol):
    """One form format: recognise it, give its blank template, compile templates, read forms back."""

    #: The format's name and file extension (``docx``, ``pdf``).
    FORMAT: str
    #: The fill options :meth:`compile_template` accepts.
    OPTIONS: frozenset[str]

    def sniff(self, head: bytes) -> bool:
        """Whether a file starting with ``head`` is of this format."""

    def blank_template(self, kind: str, paper: str = "letter", extension: Extension | None = None) -> bytes:
        """The built-in template (or blank form) of ``kind`` for ``paper`` (``letter`` or ``a4``), with an
        extension's questions when given."""

    def list_limits(self, kind: str, extension: Extension | None = None) -> Mapping[str, int]:
        """Rows per list pattern on the built-in form of ``kind``; empty when lists grow."""

    def compile_template(self, kind: str, template: bytes | None = None, *, paper: str = "letter",
                         extension: Extension | None = None, **options: Any) -> CompiledForm:
        """Prepare ``template`` (the built-in one for ``paper`` when None) to render many records (of an
        extension's catalogue when given)."""

    def read_form(self, source: bytes, *, name: str, password: str | None = None) -> RawForm:
        """The kind, raw values and problems of a returned form; FormError naming ``name`` otherwise."""
