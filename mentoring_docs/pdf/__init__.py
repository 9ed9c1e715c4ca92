"""The PDF backend: fillable AcroForm forms generated from the field catalogue.

- :mod:`.layout`, :mod:`.assemble`, :mod:`.generate`: build the blank forms
  (committed in ``mentoring_docs/templates/``) from the catalogue;
- :mod:`.filler`: compile a blank form once, fill many records fast;
- :mod:`.prepared`: the built-in blanks kept compiled, so a fill without options needs no pikepdf;
- :mod:`.fontset`, :mod:`.shaping`, :mod:`.textlayout`, :mod:`.docfonts`: values in
  any script (fallback fonts, HarfBuzz shaping, bidi, wrapping, per-document subsets);
- :mod:`.reader`: read completed forms back, whoever filled them;
- :mod:`.rows`: how many rows each list has on the forms.

The interface :mod:`mentoring_docs.forms` calls is below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..form_format import RawForm
from ..paper import parse_paper
from .filler import CompiledForm, compile_form
from .rows import rows
from .templates import blank_template as _blank_template

if TYPE_CHECKING:
    from ..extension import Extension

FORMAT = "pdf"
OPTIONS = frozenset({"password", "flatten", "fonts"})

__all__ = ["FORMAT", "OPTIONS", "CompiledForm", "blank_template", "compile_template", "list_limits", "read_form", "sniff"]


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file look like a PDF."""
    return head.lstrip(b"\x00\t\n\f\r ")[:5] == b"%PDF-"


def blank_template(kind: str, paper: str = "letter", extension: Extension | None = None) -> bytes:
    """The built-in blank fillable form of ``kind`` for ``paper`` (with an extension's Program questions)."""
    return _blank_template(kind, parse_paper(paper), extension)


def compile_template(kind: str, template: bytes | None = None, *, paper: str = "letter",
                     extension: Extension | None = None, **options: Any) -> CompiledForm:
    """Prepare a blank form (ours for ``paper``, or a customised one) to fill many records.

    Options: ``password`` (encrypt each output with AES-256), ``flatten`` (draw
    the values into the page; the copy is no longer a form) and ``fonts`` (font
    files to draw characters the bundled font lacks, tried before system fonts).
    """
    if extension is not None and not extension.questions_for(kind):
        extension = None
    return compile_form(kind, template, password=options.get("password"), flatten=bool(options.get("flatten")),
                        paper=parse_paper(paper), fonts=tuple(options.get("fonts") or ()), extension=extension)


def list_limits(kind: str, extension: Extension | None = None) -> Mapping[str, int]:
    """Rows per list on the built-in PDF form of ``kind`` (see :mod:`.rows`)."""
    return rows(kind, extension if extension is not None and extension.questions_for(kind) else None)


def read_form(source: bytes, *, name: str, password: str | None = None) -> RawForm:
    """The kind, raw field values and problems (values not read: over-long, not text; a damaged
    record of the field extension) of a completed PDF form, and the extension it was made with."""
    from .reader import read_form as _read_form  # here: a fill does not read forms

    return _read_form(source, name=name, password=password)
