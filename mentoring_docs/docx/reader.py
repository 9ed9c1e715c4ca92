"""Reading a returned Word form back into raw field values.

The result is text as the person left it (checkbox states as booleans, a date
picker's stored date as ISO text); :func:`mentoring_docs.catalogue.parse_flat`
turns it into typed data and reports what cannot be read.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..catalogue import Catalogue, Field, FieldKind, catalogue
from ..errors import FormError, Problem
from ..kinds import KINDS, Kind
from . import controls as ctl
from .controls import ControlKind
from .layout import COMPACT_PROMPTS
from .naming import names
from .package import Package
from .record import is_item, parse_record
from .structure import Marks, Structure, leaf_controls, recover

#: Largest custom XML part read while looking for our record.
_MAX_RECORD = 1024 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_W_SDT_PR = ctl.qn("w:sdtPr")
_W_SDT_CONTENT = ctl.qn("w:sdtContent")


def read_form(source: bytes, *, name: str) -> tuple[Kind, dict[str, str | bool | None], list[Problem]]:
    """``(kind, {concrete path: raw value}, problems)`` of a filled Word form; FormError naming ``name`` otherwise.

    ``problems`` are answers found in the document that have no place in the
    data: a control whose field cannot be told, or a second, different answer
    to a field (a row of single fields copied in Word). They are reported, never
    dropped in silence.
    """
    package = Package(source, name)
    body = package.read("word/document.xml")
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormError(name, f"damaged Word document: word/document.xml is not well-formed ({exc})") from None
    kind, placeholders = _record(package)
    marks = list(leaf_controls(root))
    if kind is None:
        kind = _guess_kind(marks, name)
    field_names = names(kind)
    patterns = recover(marks, [m.identify(field_names) for m in marks])
    identified = [(m, p) for m, p in zip(marks, patterns) if p is not None]
    if not identified:
        raise FormError(name, f"no fields of a {catalogue(kind).title} found: was it made by mentoring-docs?")
    cat = catalogue(kind)
    problems = _lost([m for m, p in zip(marks, patterns) if p is None], cat, placeholders)
    raw: dict[str, str | bool | None] = {}
    for loc in Structure(cat).assign(identified):
        value = read_value(loc.marks, cat.field(loc.pattern), placeholders)
        before = raw.get(loc.path)
        if before in (None, "", False):
            raw[loc.path] = value
        elif value not in (None, "", False, True) and value != before:
            problems.append(Problem(loc.path, f"the form holds this field twice (a copied row?): "
                                              f"{before!r} was read, {value!r} was not"))
    return kind, raw, problems


def _lost(marks: list[Marks], cat: Catalogue, placeholders: dict[str, str]) -> list[Problem]:
    """A problem for each row (or lone control) of controls whose fields cannot be told, if they hold answers."""
    groups: dict[int, list[Marks]] = {}
    for m in marks:
        groups.setdefault(id(m.row if m.row is not None else m.sdt), []).append(m)
    prompts = _prompts(cat, placeholders)
    out = []
    for group in groups.values():
        answers = []
        for m in group:
            sdt_pr = m.sdt.find(_W_SDT_PR)
            text = ctl.content_text(m.sdt.find(_W_SDT_CONTENT))
            if m.kind is ControlKind.CHECKBOX:
                if sdt_pr is not None and ctl.checkbox_state(sdt_pr, text):
                    answers.append("a ticked box")
            elif text.strip() and text not in prompts:
                answers.append(repr(text))
        if answers:
            what = ("a table row whose fields have lost their names cannot be placed (was it pasted where no "
                    "row like it is left?)" if group[0].row is not None
                    else "a field that has lost its name cannot be placed")
            out.append(Problem("", f"{what}; not read: {', '.join(answers)}"))
    return out


def _prompts(cat: Catalogue, placeholders: dict[str, str]) -> set[str]:
    return ({fd.help for fd in cat.fields} | set(placeholders.values()) | set(COMPACT_PROMPTS.values())
            | ctl.WORD_DEFAULT_PLACEHOLDERS)


def _record(package: Package) -> tuple[Kind | None, dict[str, str]]:
    for part in package.names():
        if is_item(part):
            try:
                found = parse_record(package.read(part, limit=_MAX_RECORD))
            except FormError:
                continue
            if found and found[0] in KINDS:
                return found[0], found[1]  # type: ignore[return-value]
    return None, {}


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


def read_value(marks: Marks, fd: Field, placeholders: dict[str, str]) -> str | bool | None:
    """The raw value one control holds, or None when it shows its prompt."""
    sdt_pr = marks.sdt.find(_W_SDT_PR)
    content = marks.sdt.find(_W_SDT_CONTENT)
    text = ctl.content_text(content)
    if marks.kind is ControlKind.CHECKBOX:
        return ctl.checkbox_state(sdt_pr, text) if sdt_pr is not None else False
    if _is_prompt(text, fd, placeholders, sdt_pr, content):
        return None
    if marks.kind is ControlKind.DATE and sdt_pr is not None:
        stored, fmt = ctl.date_state(sdt_pr)
        if stored is not None and (not text.strip() or ctl.format_date(stored, fmt or ctl.DATE_FORMAT) == text.strip()):
            return stored.isoformat()
        return text
    if marks.kind is ControlKind.DROPDOWN and sdt_pr is not None:
        for display, value in ctl.list_items(sdt_pr):
            if text == display:
                return value
    return text


def _is_prompt(text: str, fd: Field, placeholders: dict[str, str], sdt_pr: Any, content: Any) -> bool:
    """Whether ``text`` is the control's prompt rather than an answer.

    Only a known prompt counts: LibreOffice leaves the placeholder flag (and the
    grey style) on text typed over a prompt, so neither alone proves emptiness.
    """
    if text == "":
        return True
    known = {fd.help, placeholders.get(fd.path), COMPACT_PROMPTS.get(fd.kind)} | ctl.WORD_DEFAULT_PLACEHOLDERS
    if text not in known:
        return False
    return ctl.showing_placeholder(sdt_pr) or ctl.runs_all_placeholder(content) or fd.kind is FieldKind.CHECKBOX
