"""The PDF backend: fillable AcroForm forms generated from the field catalogue.

- :mod:`.layout`, :mod:`.assemble`, :mod:`.generate`: build the blank forms
  (committed in ``mentoring_docs/templates/``) from the catalogue;
- :mod:`.filler`: compile a blank form once, fill many records fast;
- :mod:`.reader`: read completed forms back, whoever filled them;
- :mod:`.rows`: how many rows each list has on the forms.

The interface :mod:`mentoring_docs.forms` calls is below.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import Problem
from ..extension import Extension
from ..form_format import RawForm
from .filler import CompiledForm, compile_form
from .reader import read_form as _read_form
from .rows import rows
from .templates import blank_template as _blank_template

FORMAT = "pdf"
OPTIONS = frozenset({"password", "flatten"})

__all__ = ["FORMAT", "OPTIONS", "CompiledForm", "blank_template", "compile_template", "list_limits", "read_form", "sniff"]


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file look like a PDF."""
    return head.lstrip(b"\x00\t\n\f\r ")[:5] == b"%PDF-"


def blank_template(kind: str, extension: Extension | None = None) -> bytes:
    """The built-in blank fillable form of ``kind`` (with an extension's Program questions)."""
    return _blank_template(kind, extension)


def compile_template(kind: str, template: bytes | None = None, *, extension: Extension | None = None,
                     **options: Any) -> CompiledForm:
    """Prepare a blank form (ours, or a customised one) to fill many records.

    Options: ``password`` (encrypt each output with AES-256) and ``flatten`` (draw
    the values into the page; the copy is no longer a form).
    """
    if extension is not None and not extension.questions_for(kind):
        extension = None
    return compile_form(kind, template, password=options.get("password"), flatten=bool(options.get("flatten")),
                        extension=extension)


def list_limits(kind: str, extension: Extension | None = None) -> Mapping[str, int]:
    """Rows per list on the built-in PDF form of ``kind`` (see :mod:`.rows`)."""
    return rows(kind, extension if extension is not None and extension.questions_for(kind) else None)


def read_form(source: bytes, *, name: str, password: str | None = None) -> RawForm:
    """The kind, raw field values and problems (none: a PDF field has one name) of a completed PDF form."""
    kind, values, extension, damaged = _read_form(source, name=name, password=password)
    return RawForm(kind, values, [Problem("program_questions", damaged)] if damaged else [], extension)
