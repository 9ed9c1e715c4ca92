"""Word (DOCX) forms: the backend :mod:`mentoring_docs.forms` calls for ``.docx`` files.

Every field of the catalogue is a Word content control: rich text for text,
drop-down lists for enumerations, date pickers for dates and checkboxes for each
focus area; lists are table rows (goal blocks in the action plan). Each control
names its field in its tag, in a bookmark inside it and in its title, so forms
still read back after LibreOffice re-saves them (see :mod:`.control_names`).

The modules, from the bottom up: :mod:`.ooxml` (names), :mod:`.package` (ZIP in
and out), :mod:`.controls` (one control), :mod:`.control_names` and :mod:`.structure`
(which field, which row), :mod:`.layout`, :mod:`.parts` and :mod:`.template` (the
built-in templates), :mod:`.compiler`, :mod:`.control_variants`, :mod:`.package_edits` and
:mod:`.render` (fill) and :mod:`.reader` (read back). :mod:`.prepared` keeps the built-in
templates compiled, so that a fill of one loads neither the compiler nor lxml.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from ..form_format import RawForm
from ..kinds import Kind, parse_kind
from ..paper import parse_paper
from .render import Compiled
from .template import packaged_template

if TYPE_CHECKING:
    from ..extension import Extension

FORMAT = "docx"

#: Fill options this backend accepts: ``protect`` limits editing to the form fields.
OPTIONS = frozenset({"protect"})

__all__ = ["FORMAT", "OPTIONS", "Compiled", "blank_template", "compile_template", "list_limits", "read_form", "sniff"]


def sniff(head: bytes) -> bool:
    """Whether a file starting with ``head`` may be a DOCX (a ZIP package)."""
    return head[:4] == b"PK\x03\x04"


def blank_template(kind: str, paper: str = "letter", extension: Extension | None = None) -> bytes:
    """The built-in template of ``kind`` for ``paper``: an empty form, ready to restyle or to send out.

    With a field extension that adds questions to ``kind``, the template is
    generated for that paper with its Program questions section (once per
    process, paper and extension).
    """
    kind = parse_kind(kind)
    if extension is not None and extension.questions_for(kind):
        return _extended_template(kind, parse_paper(paper), extension)
    return packaged_template(kind, parse_paper(paper))


@functools.lru_cache(maxsize=16)
def _extended_template(kind: Kind, paper: str, extension: Extension) -> bytes:
    from .template import build_template  # here: generating a template loads the layout and parts

    return build_template(kind, paper, extension)


def compile_template(kind: str, template: bytes | None = None, *, paper: str = "letter",
                     extension: Extension | None = None, **options: Any) -> Compiled:
    """Prepare a template (the built-in one for ``paper`` when ``template`` is None) to render many forms.

    Raises :class:`~mentoring_docs.errors.TemplateError` naming the fields a
    custom template misses or does not know.
    """
    unknown = set(options) - OPTIONS
    if unknown:
        raise TypeError(f"unknown Word fill options: {', '.join(sorted(unknown))}")
    protect = bool(options.get("protect"))
    if extension is not None and not extension.questions_for(kind):
        extension = None
    if template is None:
        return _builtin(parse_kind(kind), protect, parse_paper(paper), extension)
    from .compiler import compile_docx  # here: a built-in template is usually compiled already

    return compile_docx(parse_kind(kind), template, protect=protect, name="the template", extension=extension)


@functools.lru_cache(maxsize=None)
def _builtin(kind: Kind, protect: bool, paper: str, extension: Extension | None = None) -> Compiled:
    if not protect and extension is None:
        from .prepared import load

        prepared = load(kind, paper)  # None when its file is stale: then it is compiled as before
        if prepared is not None:
            return prepared
    from .compiler import compile_docx

    return compile_docx(kind, blank_template(kind, paper, extension), protect=protect,
                        name=f"the built-in {kind} template", extension=extension)


def list_limits(kind: str, extension: Extension | None = None) -> Mapping[str, int]:
    """A Word form's lists grow with the data: no limits."""
    return MappingProxyType({})


def read_form(source: bytes, *, name: str, password: str | None = None) -> RawForm:
    """``(kind, raw values by concrete path, problems)`` of a returned Word form.

    ``problems`` lists answers the document holds that have no place in the data
    (a control that lost its name, a field answered twice), so that nothing is
    dropped in silence. ``password`` is for PDF files and is ignored here. Raises
    :class:`~mentoring_docs.errors.FormError` naming ``name`` for anything that is
    not a readable form of ours.
    """
    from .reader import read_form as _read_form  # here: a fill does not read forms

    kind, values, problems, extension = _read_form(source, name=name)
    return RawForm(kind, values, problems, extension)
