"""Filling and reading forms, whatever their format.

This module speaks only data and file names; the format backends
(:mod:`mentoring_docs.docx`, :mod:`mentoring_docs.pdf`) know OOXML and PDF. Their
contract is :class:`~mentoring_docs.form_format.FormFormat`, and :data:`BACKENDS`
is where each format is registered.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from . import limits, validation
from .atomic import atomic_write
from .catalogue import catalogue, parse_flat
from .errors import DataError, FormError, MentoringDocsError, Problem
from .flat_paths import pattern_of
from .kinds import FORMATS, Kind, parse_kind
from .paper import PaperName, parse_paper
from .safe_read import FileRefused, read_regular
from .validation import Record

if TYPE_CHECKING:
    from .extension import Extension, FormExtension
    from .form_format import CompiledForm, FormFormat


def extension_of(extension: Extension | str | os.PathLike[str] | None) -> Extension | None:
    """:func:`.extension.extension_of`, loading that module only when there is an extension to look at."""
    if extension is None:
        return None
    from .extension import extension_of as load

    return load(extension)


#: Largest file :func:`read` accepts; a returned form is a few hundred kilobytes.
MAX_FORM_BYTES = limits.MAX_FORM_BYTES


def _docx() -> FormFormat:
    from . import docx

    return docx


def _pdf() -> FormFormat:
    # Imported on first use: pikepdf and reportlab are heavy, and a program that
    # fills only Word forms never needs them.
    from . import pdf

    return pdf


#: The form formats: name -> the function that imports its backend.
BACKENDS: Mapping[str, Callable[[], FormFormat]] = {"docx": _docx, "pdf": _pdf}


def backend(fmt: str) -> FormFormat:
    """The backend of ``fmt`` (``docx`` or ``pdf``)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in BACKENDS:
        raise MentoringDocsError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return BACKENDS[fmt]()


def format_of(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for, from its extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise MentoringDocsError(
            f"{path}: cannot tell the format from the extension; use .docx or .pdf"
        )
    return suffix


class Filler:
    """A template compiled once, filling any number of records of one kind.

    >>> filler = Filler("agreement", "docx")      # doctest: +SKIP
    >>> pdf_bytes = filler.render(record)         # doctest: +SKIP
    """

    def __init__(self, kind: str, fmt: str, *, template: str | os.PathLike[str] | bytes | None = None,
                 paper: str | None = None, extension: Extension | str | os.PathLike[str] | None = None,
                 **options: Any) -> None:
        self.kind: Kind = parse_kind(kind)
        self.format = fmt.lower().lstrip(".")
        #: The paper the built-in form is laid out for (``letter`` or ``a4``).
        self.paper: PaperName = parse_paper(paper)
        if template is not None and paper is not None:
            raise MentoringDocsError("--paper chooses a built-in form; a customised template keeps its own page size")
        found = extension_of(extension)
        #: The field extension whose questions this form carries (None when it adds none to this kind).
        self.extension: Extension | None = found if found is not None and found.questions_for(self.kind) else None
        module = backend(self.format)
        unknown = sorted(k for k, v in options.items() if v and k not in module.OPTIONS)  # unset: None, False, ()
        if unknown:
            flags = {"fonts": "font"}  # the command line's names where they differ
            raise MentoringDocsError(
                f"option {', '.join('--' + flags.get(u, u) for u in unknown)} does not apply to "
                f"{self.format.upper()} output"
            )
        options = {k: v for k, v in options.items() if k in module.OPTIONS}
        source = _template_bytes(template)
        if source is not None:
            from .signatures.hooks import refuse_signed_template

            refuse_signed_template(source, _label(template), options)
        self._compiled: CompiledForm = module.compile_template(self.kind, source, paper=self.paper,
                                                               extension=self.extension, **options)

    def record(self, data: Mapping[str, Any]) -> Record:
        """``data`` as a :class:`Record` of this filler's kind: a record as it is, anything else validated."""
        if isinstance(data, Record) and data.kind == self.kind and not data.changed and data.extension == self.extension:
            return data
        return validation.load(self.kind, data, extension=self.extension)

    def limit_problems(self, record: Record) -> list[Problem]:
        """A problem for each list of ``record`` with more items than this form has rows."""
        limits = self._compiled.list_limits
        return validation.list_limit_problems(record, limits, f"{self.format.upper()} form") if limits else []

    def render(self, data: Mapping[str, Any]) -> bytes:
        """The filled document as bytes; ``data`` that is not yet a :class:`Record` is validated once, here."""
        record = self.record(data)
        problems = self.limit_problems(record)
        if problems:
            raise DataError(problems)
        return self._compiled.render(record)

    def fill(self, data: Mapping[str, Any], out: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Render ``data`` and write it to ``out`` atomically; a digitally signed ``out`` is never replaced."""
        if overwrite and os.path.lexists(out):  # only a file we would replace can carry a signature
            from .signatures.hooks import refuse_signed_output

            refuse_signed_output(out, overwrite)
        return atomic_write(out, self.render(data), overwrite=overwrite)


def _label(template: str | os.PathLike[str] | bytes | None) -> str:
    return "the template" if template is None or isinstance(template, bytes) else str(template)


def _template_bytes(template: str | os.PathLike[str] | bytes | None) -> bytes | None:
    if template is None or isinstance(template, bytes):
        return template
    try:
        return read_regular(template, MAX_FORM_BYTES)
    except FileRefused as exc:
        if exc.missing:
            raise MentoringDocsError(f"{template}: template file not found") from None
        raise MentoringDocsError(f"{template}: cannot read template: {exc.reason}") from None


def fill(kind: str, data: Mapping[str, Any], out: str | os.PathLike[str], *,
         template: str | os.PathLike[str] | bytes | None = None, overwrite: bool = False,
         paper: str | None = None, extension: Extension | str | os.PathLike[str] | None = None,
         **options: Any) -> Path:
    """Fill one form of ``kind`` with ``data`` and write it to ``out``.

    The format follows ``out``'s extension (``.docx`` or ``.pdf``). An existing
    ``out`` is kept unless ``overwrite``. ``paper`` is ``letter`` (the default) or
    ``a4``, for the built-in forms. ``extension`` (a field extension or its file)
    adds its Program questions. Options: ``protect`` (Word), ``password``,
    ``flatten`` and ``fonts`` (font files for characters the built-in font lacks) (PDF).
    """
    return Filler(kind, format_of(out), template=template, paper=paper, extension=extension,
                  **options).fill(data, out, overwrite=overwrite)


@dataclass
class ReadResult:
    """What a returned form holds.

    ``data`` has every value that could be read, in the shape :func:`fill` accepts;
    ``problems`` lists each value that could not be read or breaks a rule of the
    data model, with its path (a date typed as "next Tuesday" is reported here,
    with the text found, rather than dropped in silence).

    ``made_with`` is the field extension the form says it was made with;
    ``extension`` the one its ``program_questions`` were read and checked with.
    When they differ (none was given, or another one), the program questions are
    in ``data`` as text and ``notes`` (or ``problems``, for a wrong extension) say so.
    """

    file: str
    format: str
    kind: Kind
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    made_with: FormExtension | None = None
    extension: Extension | None = None
    #: Agreements: each party's signature (:class:`~mentoring_docs.signatures.PartySignature`) by party.
    signatures: dict[str, Any] = field(default_factory=dict)
    #: Set when the file carries a digital signature this library does not verify (Word).
    signature_note: str | None = None

    @property
    def ok(self) -> bool:
        """True when every value was read and the record is valid."""
        return not self.problems

    def to_json(self) -> str:
        """The data as JSON text, ready for :func:`fill` (with the extension it was read with)."""
        from .extension import SECTION

        if self.extension is None and SECTION in self.data:
            out = validation.dump(self.kind, self.data)
            out[SECTION] = self.data[SECTION]  # read as text: no schema of ours to dump it with
            return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
        return validation.to_json(self.kind, self.data, extension=self.extension)


def detect_format(head: bytes) -> str | None:
    """The format whose backend recognises these first bytes, or None."""
    for fmt in FORMATS:
        if backend(fmt).sniff(head):
            return fmt
    return None


def read(source: str | os.PathLike[str] | bytes, *, name: str | None = None,
         password: str | None = None, trust_roots: Sequence[Any] = (),
         extension: Extension | str | os.PathLike[str] | None = None) -> ReadResult:
    """Read a completed form (Word or PDF) back into data.

    The format and the kind of document are recognised from the content, not the
    file name. Raises :class:`FormError` (naming the file) for anything that is not
    a readable form of ours. An agreement's ``signatures`` say, per party, whether
    it was typed, digitally signed, trusted (its certificate chains to one of
    ``trust_roots``: certificate files, or certificates from
    :func:`mentoring_docs.signatures.status.load_trust_roots`) or changed after signing.
    A form made with a field extension is read with ``extension`` when it is the
    same one (same digest); otherwise its program questions are read as text, with
    a note (none given) or a problem (another one).
    """
    if isinstance(source, bytes):
        blob, label = source, name or "<bytes>"
    else:
        label = name or str(source)
        blob = _read_file(Path(source), label)
    fmt = detect_format(blob[:8])
    if fmt is None:
        raise FormError(label, "not a Word (.docx) or PDF file")
    form = backend(fmt).read_form(blob, name=label, password=password)
    result = interpret(label, fmt, form.kind, form.values, form.problems, form.extension, extension_of(extension))
    from .signatures.hooks import attach

    attach(result, blob, trust_roots=trust_roots, password=password)
    return result


def interpret(label: str, fmt: str, kind: Kind, raw: Mapping[str, str | bool | None],
              found: Iterable[Problem] = (), made_with: Extension | None = None,
              given: Extension | None = None) -> ReadResult:
    """Turn a backend's raw field values (and the problems it ``found``) into a :class:`ReadResult`.

    ``made_with`` is the field extension the form was made with, ``given`` the one
    the caller reads with (see :func:`read`). A value longer than its field may
    hold is a problem with its path, not data: it is left out of the record (see
    :mod:`mentoring_docs.limits`).
    """
    from .extension import SECTION

    notes: list[str] = []
    use = made_with if made_with is not None and made_with == given else None
    raw, overlong = _drop_overlong(kind, raw, use)
    problems = list(found) + overlong
    extras: dict[str, str | bool | None] = {}
    prefix = SECTION + "."
    if use is None and any(path.startswith(prefix) for path in raw):
        # No built-in field lives under the section: without the extension that typed
        # them, its values are kept as text rather than dropped as unknown fields.
        extras = {path: value for path, value in raw.items() if path.startswith(SECTION + ".")}
        raw = {path: value for path, value in raw.items() if not path.startswith(SECTION + ".")}
    if made_with is None and extras and not any(p.path == SECTION for p in problems):
        notes.append("holds program questions but no record of the field extension it was made with: "
                     "they are read as text")
    if made_with is not None and use is None:
        made = made_with.identity.describe()
        if given is None:
            notes.append(f"made with the field extension {made}: its program questions are read as text; "
                         "give that extension (--fields) to read and check them")
        else:
            problems.append(Problem(SECTION, f"this form was made with the field extension {made}, not with "
                                             f"{given.identity.describe()}; its program questions are read as text"))
    elif made_with is None and given is not None and given.questions_for(kind):
        notes.append(f"made without a field extension: it has none of the program questions of {given.id!r}")
    data, more = parse_flat(kind, raw, use)
    problems += more
    try:
        data = validation.load_parsed(kind, data, use)
    except DataError as exc:
        known = {(p.path, p.message) for p in problems}
        problems += [p for p in exc.problems if (p.path, p.message) not in known]
    text, clashes = _as_text(extras)
    problems += clashes
    if text:
        data = dict(data)
        data[SECTION] = text
    return ReadResult(label, fmt, kind, data, problems, notes,
                      made_with.identity if made_with is not None else None, use)


def _as_text(raw: Mapping[str, str | bool | None]) -> tuple[dict[str, Any], list[Problem]]:
    """Raw ``program_questions.*`` values nested by path, each as the text the form shows
    (a ticked box as ``yes``; list rows as lists), and a problem for each path that
    clashes with another (a value where another path needs a group: not our form's names)."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for path, value in raw.items():
        if value is None or value is False or value == "":
            continue
        parts = path.split(".")[1:]
        node: Any = out
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict) or isinstance(node.get(parts[-1]), dict) or not parts[-1]:
            problems.append(Problem(path, "a program question's field name clashes with another one; not read"))
            continue
        node[parts[-1]] = "yes" if value is True else str(value)
    return _lists(out), problems


def _lists(node: Any) -> Any:
    """Objects keyed by row numbers become lists, in row order."""
    if not isinstance(node, dict):
        return node
    inner = {key: _lists(value) for key, value in node.items()}
    if inner and all(key.isdigit() for key in inner):
        return [inner[key] for key in sorted(inner, key=int)]
    return inner


def _drop_overlong(kind: Kind, raw: Mapping[str, str | bool | None], extension: Extension | None = None
                   ) -> tuple[Mapping[str, str | bool | None], list[Problem]]:
    longest = limits.MAX_LONG_TEXT_CHARS
    if not any(isinstance(v, str) and len(v) > limits.MAX_TEXT_CHARS for v in raw.values()):
        return raw, []  # the usual case: nothing near a limit, no lookups
    # Program questions read as text (no extension to type them) are held to the longest limit.
    by_path = catalogue(kind, extension).by_path
    kept: dict[str, str | bool | None] = {}
    problems: list[Problem] = []
    for path, value in raw.items():
        if isinstance(value, str) and len(value) > limits.MAX_TEXT_CHARS:
            fd = by_path.get(pattern_of(path))
            limit = limits.max_chars(fd.kind) if fd is not None else longest
            if len(value) > limit:
                problems.append(Problem(path, limits.too_long(len(value), limit) + "; not read"))
                continue
        kept[path] = value
    return kept, problems


def _read_file(path: Path, label: str) -> bytes:
    # Regular files only, bounded: a link to /dev/zero or a FIFO named x.pdf is refused.
    try:
        return read_regular(path, MAX_FORM_BYTES, label=label)
    except FileRefused as exc:
        raise FormError(label, exc.reason) from None


def blank_template(kind: str, fmt: str, paper: str | None = None, *,
                   extension: Extension | str | os.PathLike[str] | None = None) -> bytes:
    """The built-in template (Word) or blank form (PDF) of ``kind`` for ``paper`` (``letter`` or ``a4``),
    with an extension's Program questions (generated on demand, for either paper)."""
    return backend(fmt).blank_template(parse_kind(kind), parse_paper(paper), extension_of(extension))


def export_template(kind: str, fmt: str, out: str | os.PathLike[str], *, overwrite: bool = False,
                    paper: str | None = None, extension: Extension | str | os.PathLike[str] | None = None) -> Path:
    """Write the built-in template of ``kind`` in ``fmt`` for ``paper`` to ``out``, for restyling."""
    return atomic_write(out, blank_template(kind, fmt, paper, extension=extension), overwrite=overwrite)
