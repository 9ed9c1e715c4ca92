"""Reading a returned Word form back into raw field values.

The result is text as the person left it (checkbox states as booleans, a date
picker's stored date as ISO text); :func:`mentoring_docs.catalogue.parse_flat`
turns it into typed data and reports what cannot be read.
"""

from __future__ import annotations

import functools
from typing import cast

from lxml import etree

from ..catalogue import Catalogue, Field, FieldKind, catalogue
from ..errors import FormError, Problem
from ..extension import Extension, stored_extension
from ..kinds import KINDS, Kind
from . import controls as ctl
from . import fastscan
from .controls import ControlKind
from .layout import COMPACT_PROMPTS
from .control_names import Names, names
from .package import Package
from .record import is_item, parse_record
from .structure import Marks, Structure, leaf_controls, recover

#: Largest custom XML part read while looking for our record.
_MAX_RECORD = 1024 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def read_form(source: bytes, *, name: str
              ) -> tuple[Kind, dict[str, str | bool | None], list[Problem], Extension | None]:
    """``(kind, {concrete path: raw value}, problems, extension)`` of a filled Word form; FormError naming ``name`` otherwise.

    ``extension`` is the field extension the form was made with, as its record
    part stores it; its ``program_questions`` controls are read like every other.

    ``problems`` are answers found in the document that have no place in the
    data: a control whose field cannot be told, or a second, different answer
    to a field (a row of single fields copied in Word). They are reported, never
    dropped in silence.
    """
    package = Package(source, name)
    body = package.read("word/document.xml")
    if package.dated_as_ours():
        found = _read_fast(package, body)
        if found is not None:
            return found
    return _read_careful(package, body, name)


def _read_careful(package: Package, body: bytes, name: str
                  ) -> tuple[Kind, dict[str, str | bool | None], list[Problem], Extension | None]:
    """:func:`read_form` from an lxml tree of the document: any Word form, as any editor left it."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormError(name, f"damaged Word document: word/document.xml is not well-formed ({exc})") from None
    record = _record(package)
    marks = list(leaf_controls(root))
    kind = record.kind or _guess_kind(marks, name)
    extension = record.extension if record.kind == kind else None
    field_names = names(kind, extension)
    patterns = recover(marks, _identify(marks, field_names))
    identified = [(m, p) for m, p in zip(marks, patterns) if p is not None]
    if not identified:
        raise FormError(name, f"no fields of a {catalogue(kind).title} found: was it made by mentoring-docs?")
    cat = field_names.catalogue
    problems = list(record.problems) + _lost([m for m, p in zip(marks, patterns) if p is None], cat, record)
    raw: dict[str, str | bool | None] = {}
    fields = cat.by_path
    text_kind = ControlKind.TEXT
    known = record.known_prompts
    for (m, pattern), path in zip(identified, _structure(cat).paths(identified)):
        text = m.text
        if m.kind is text_kind and text and text not in (known.get(pattern) or record.prompts(fields[pattern])):
            value: str | bool | None = text  # what read_value gives, without the call: most fields
        else:
            fd = fields[pattern]
            value = read_value(m, fd, record.prompts(fd),
                               record.choices(fd) if m.kind is ControlKind.DROPDOWN else None)
        before = raw.get(path)
        if before in (None, "", False):
            raw[path] = value
        elif value not in (None, "", False, True) and value != before:
            problems.append(_twice(path, before, value))
    return kind, raw, problems, extension


def _read_fast(package: Package, body: bytes
               ) -> tuple[Kind, dict[str, str | bool | None], list[Problem], Extension | None] | None:
    """:func:`read_form` of a form as our writer left it, from the text (see :mod:`.fastscan`), or None.

    None whenever the text steps outside what the scan reads, or anything would
    need the careful reading's judgement (a control whose tag does not name its
    field, a prompt whose runs must be looked at): the caller then reads it carefully.
    """
    try:
        found = fastscan.scan(body)
    except fastscan.Unsure:
        return None
    record = _record(package)
    kind = record.kind
    if kind is None:
        return None
    field_names = names(kind, record.extension)
    seen = field_names.tag_patterns
    other = ControlKind.OTHER
    identified: list[tuple[fastscan.Control, str]] = []
    for control in found:
        if control.kind is other:
            continue
        tag = control.tag
        if not tag:
            return None
        pattern = seen.get(tag) or field_names.from_tag(tag)
        if pattern is None:
            return None
        identified.append((control, pattern))
    if not identified:
        return None
    cat = field_names.catalogue
    fields = cat.by_path
    known = record.known_prompts
    text_kind = ControlKind.TEXT
    # Structure reads only .row and .table, which a scanned control has too.
    placed = cast("list[tuple[Marks, str]]", identified)
    problems = list(record.problems)
    raw: dict[str, str | bool | None] = {}
    for (control, pattern), path in zip(identified, _structure(cat).paths(placed)):
        text = control.text
        if control.kind is text_kind and text and text not in (known.get(pattern) or record.prompts(fields[pattern])):
            value: str | bool | None = text
        else:
            fd = fields[pattern]
            value = _scanned_value(control, fd, record.prompts(fd))
        before = raw.get(path)
        if before in (None, "", False):
            raw[path] = value
        elif value not in (None, "", False, True) and value != before:
            problems.append(_twice(path, before, value))
    return kind, raw, problems, record.extension


def _scanned_value(control: fastscan.Control, fd: Field, prompts: frozenset[str]) -> str | bool | None:
    """:func:`read_value` for a scanned control."""
    text = control.text
    kind = control.kind
    if kind is ControlKind.CHECKBOX:
        if control.checked is not None:
            return control.checked in ("1", "true", "on")
        return ctl.box_state(None, text)
    if text == "" or (text in prompts and (control.showing or fastscan.all_placeholder(control)
                                           or fd.kind is FieldKind.CHECKBOX)):
        return None
    if kind is ControlKind.DATE:
        stored = ctl.stored_date(control.full_date)
        fmt = control.date_format
        if stored is not None and (not text.strip() or ctl.format_date(stored, fmt or ctl.DATE_FORMAT) == text.strip()):
            return stored.isoformat()
        return text
    if kind is ControlKind.DROPDOWN:
        for display, value in control.items:
            if display == text:
                return value
    return text


def _twice(path: str, before: str | bool | None, value: str | bool | None) -> Problem:
    return Problem(path, f"the form holds this field twice (a copied row?): {before!r} was read, {value!r} was not")


@functools.lru_cache(maxsize=None)
def _structure(cat: Catalogue) -> Structure:
    return Structure(cat)


class _Record:
    """What a form's record part says (its kind, its template's prompts), worked out once per template.

    Every form filled from one template carries the same record part, so the
    prompt sets the reader compares each control's text with are built once,
    and the places of drop-down items are remembered (and checked) across forms.
    """

    def __init__(self, kind: Kind | None, placeholders: dict[str, str], extension: Extension | None = None,
                 problems: tuple[Problem, ...] = ()) -> None:
        self.kind = kind
        self.placeholders = placeholders
        #: The field extension the form was made with, rebuilt from the definition the record keeps.
        self.extension = extension
        #: What is wrong with the record itself (a damaged extension definition).
        self.problems = problems
        #: The prompt sets worked out so far, by field pattern (see :meth:`prompts`).
        self.known_prompts: dict[str, frozenset[str]] = {}
        self._choices: dict[str, dict[str, int]] = {}
        self._all: frozenset[str] | None = None

    def choices(self, fd: Field) -> dict[str, int]:
        """Where the items of ``fd``'s drop-down list sat in forms read before (a hint, checked on use)."""
        found = self._choices.get(fd.path)
        if found is None:
            found = self._choices[fd.path] = {}
        return found

    def prompts(self, fd: Field) -> frozenset[str]:
        """The texts that are ``fd``'s prompt rather than an answer."""
        found = self.known_prompts.get(fd.path)
        if found is None:
            known = {fd.help, self.placeholders.get(fd.path), COMPACT_PROMPTS.get(fd.kind)}
            found = frozenset(text for text in known if text is not None) | ctl.WORD_DEFAULT_PLACEHOLDERS
            self.known_prompts[fd.path] = found
        return found

    def all_prompts(self, cat: Catalogue) -> frozenset[str]:
        """Every prompt of the document, for controls whose field is unknown."""
        if self._all is None:
            self._all = frozenset({fd.help for fd in cat.fields} | set(self.placeholders.values())
                                  | set(COMPACT_PROMPTS.values()) | ctl.WORD_DEFAULT_PLACEHOLDERS)
        return self._all


_NO_RECORD = _Record(None, {})


#: Record parts up to this size are remembered (a template's record is a few kilobytes).
_CACHED_RECORD = 64 * 1024


def _parse_record(blob: bytes) -> _Record | None:
    found = parse_record(blob)
    if found and found[0] in KINDS:
        extension: Extension | None = None
        problems: tuple[Problem, ...] = ()
        if found[2] is not None:
            extension, problem = stored_extension(*found[2])  # bounded: over-long or malformed is a problem
            problems = (problem,) if problem is not None else ()
        return _Record(found[0], found[1], extension, problems)  # type: ignore[arg-type]
    return None


def _identify(marks: list[Marks], field_names: Names) -> list[str | None]:
    """:meth:`Marks.identify` of each control; a tag seen before is one dictionary look-up."""
    seen = field_names.tag_patterns
    out: list[str | None] = []
    for m in marks:
        tag = m.tag
        pattern = seen.get(tag) if tag else None
        out.append(pattern if pattern is not None else m.identify(field_names))
    return out


def _lost(marks: list[Marks], cat: Catalogue, record: _Record) -> list[Problem]:
    """A problem for each row (or lone control) of controls whose fields cannot be told, if they hold answers."""
    groups: dict[int, list[Marks]] = {}
    for m in marks:
        groups.setdefault(id(m.row if m.row is not None else m.sdt), []).append(m)
    prompts = record.all_prompts(cat)
    out = []
    for group in groups.values():
        answers = []
        for m in group:
            if m.kind is ControlKind.CHECKBOX:
                if m.pr is not None and ctl.box_state(m.state, m.text):
                    answers.append("a ticked box")
            elif m.text.strip() and m.text not in prompts:
                answers.append(repr(m.text))
        if answers:
            what = ("a table row whose fields have lost their names cannot be placed (was it pasted where no "
                    "row like it is left?)" if group[0].row is not None
                    else "a field that has lost its name cannot be placed")
            out.append(Problem("", f"{what}; not read: {', '.join(answers)}"))
    return out


def _record(package: Package) -> _Record:
    for part in package.names():
        if is_item(part):
            # Forms filled from one template carry the same record: known by its
            # directory entry (name, CRC-32, size), it is neither inflated nor parsed again.
            key = package.fingerprint(part)
            found = _RECORDS.get(key) if key is not None else None
            if found is None:
                try:
                    found = _parse_record(package.read(part, limit=_MAX_RECORD))
                except FormError:
                    continue
                if found is not None and key is not None and key[2] <= _CACHED_RECORD:
                    if len(_RECORDS) >= 64:
                        _RECORDS.pop(next(iter(_RECORDS)))
                    _RECORDS[key] = found
            if found is not None:
                return found
    return _NO_RECORD


_RECORDS: dict[tuple[str, int, int], _Record] = {}


def _guess_kind(marks: list[Marks], name: str) -> Kind:
    """The kind whose fields the controls name; for forms whose record was lost."""
    scores = {kind: sum(1 for m in marks if m.identify(names(kind)) is not None) for kind in KINDS}
    # Fields both documents share (mentor, mentee) do not tell them apart.
    exclusive = {
        kind: sum(1 for m in marks if m.identify(names(kind)) is not None
                  and all(m.identify(names(other)) is None for other in KINDS if other != kind))
        for kind in KINDS
    }
    best = max(KINDS, key=lambda k: (exclusive[k], scores[k]))
    if scores[best] == 0:
        raise FormError(name, "no mentoring-docs form fields found (no content controls named after our fields)")
    if sum(1 for k in KINDS if (exclusive[k], scores[k]) == (exclusive[best], scores[best])) > 1:
        raise FormError(name, "cannot tell whether this is an agreement or an action plan")
    return best


def read_value(marks: Marks, fd: Field, prompts: frozenset[str],
               hint: dict[str, int] | None = None) -> str | bool | None:
    """The raw value one control holds, or None when it shows one of its ``prompts``.

    ``hint`` remembers where a drop-down's items sit (see :func:`.controls.chosen_value`).
    """
    text = marks.text
    kind = marks.kind
    if kind is ControlKind.CHECKBOX:
        return ctl.box_state(marks.state, text) if marks.pr is not None else False
    if text == "" or (text in prompts and _shows_prompt(marks, fd)):
        return None
    if kind is ControlKind.DATE:
        stored, fmt = ctl.picker_state(marks.state)
        if stored is not None and (not text.strip() or ctl.format_date(stored, fmt or ctl.DATE_FORMAT) == text.strip()):
            return stored.isoformat()
        return text
    if kind is ControlKind.DROPDOWN and marks.state is not None:
        value = ctl.chosen_value(marks.state, text, hint if hint is not None else {})
        if value is not None:
            return value
    return text


def _shows_prompt(marks: Marks, fd: Field) -> bool:
    """Whether a control whose text is a known prompt shows it as a prompt, not as an answer.

    Only a known prompt counts: LibreOffice leaves the placeholder flag (and the
    grey style) on text typed over a prompt, so neither alone proves emptiness.
    """
    return marks.showing or ctl.runs_all_placeholder(marks.content) or fd.kind is FieldKind.CHECKBOX
