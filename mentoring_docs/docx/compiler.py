"""Compile a Word template once, then render any number of filled documents from it.

Compiling parses the template, finds every field (see :mod:`.structure`), checks
that the template has each field of the catalogue exactly once and nothing else,
and turns ``word/document.xml`` into a *program*: literal XML text, slots for the
controls, and loops for list rows and goal blocks. Every other part of the
package is compressed once. Rendering a record then only joins strings, deflates
one part and writes a ZIP directory: no XML parsing, no template engine.

Values never pass through a template language: text is XML-escaped into the
content of its control, so ``{{ 7*7 }}`` or ``<b>`` arrive as typed.

Each rendered document gets fresh ``w:id`` numbers for its controls and bookmarks
(a copied row must not share them) and a bookmark per control named after its
concrete path. A filled control loses ``w:showingPlcHdr``, otherwise Word would
show the value in grey and treat it as a prompt; an empty one keeps its prompt.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from lxml import etree

from ..catalogue import Field, FieldKind, catalogue, flatten
from ..errors import DataError, FormError, Problem, TemplateError
from ..kinds import KINDS
from ..values import illegal_character, illegal_character_message
from . import controls as ctl
from .controls import ControlKind
from .naming import bookmark_name, names
from .ooxml import (
    CT_CUSTOM_XML_PROPS, CT_NS, PKG_REL_NS, REL_CUSTOM_XML, REL_CUSTOM_XML_PROPS, W_NS, XML_HEADER, qn,
    text_runs_content,
)
from .package import Member, Package, read_all, write_zip
from .record import free_item_number, is_item, item_props_xml, parse_record, record_xml
from .structure import Located, Marks, Structure, leaf_controls

#: zlib level for the document body: level 1 is several times faster than the
#: default and the files are only a little larger.
BODY_LEVEL = 1

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)

_W_SDT_PR = qn("w:sdtPr")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_ID = qn("w:id")
_W_VAL = qn("w:val")
_W_TAG = qn("w:tag")
_W_ALIAS = qn("w:alias")
_W_RPR = qn("w:rPr")
_W_R = qn("w:r")
_W_T = qn("w:t")
_W_P = qn("w:p")
_W_RSTYLE = qn("w:rStyle")
_W_SHOWING = qn("w:showingPlcHdr")
_W_DATE = qn("w:date")
_W_FULL_DATE = qn("w:fullDate")
_BM_START = qn("w:bookmarkStart")
_BM_END = qn("w:bookmarkEnd")
_W_NAME = qn("w:name")
_W14_CHECKBOX = qn("w14:checkbox")
_W14_CHECKED = qn("w14:checked")
_W14_VAL = qn("w14:val")
_W14_CHECKED_STATE = qn("w14:checkedState")
_W14_UNCHECKED_STATE = qn("w14:uncheckedState")
_W14_PARA_ID = qn("w14:paraId")
_W14_TEXT_ID = qn("w14:textId")
_W15_ITEM = qn("w15:repeatingSectionItem")
_WP_DOC_PR = qn("wp:docPr")

# Markers put into the XML before it is serialised, found again when splitting it.
_SID = "@@md:sid@@"      # a control's w:id
_DID = "@@md:did@@"      # a drawing's id
_TAG = "@@md:tag@@"      # a control's w:tag (its concrete path)
_DATE = "@@md:date@@"    # a date picker's w:fullDate
_SPLIT = re.compile(r"(@@md:(?:sid|did|tag|date)@@|<\?md-[a-z]+(?: \d+)? ?\?>)")

# Operations of a compiled program.
OP_SID, OP_DID, OP_TAG, OP_DATE, OP_MARK, OP_VALUE = range(6)
_OPS = {_SID: OP_SID, _DID: OP_DID, _TAG: OP_TAG, _DATE: OP_DATE, "mark": OP_MARK, "value": OP_VALUE}

_SETTINGS_AFTER_PROTECTION = (
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength",
    "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
    "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
    "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields",
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


@dataclass
class Slot:
    """One control of the program: its field and the XML of each state it can be in."""

    field: Field
    kind: ControlKind
    path_format: str                 # "goals.{}.activities.{}.status"
    empty: list[Any]                 # program pieces when the field has no value (or a box is unticked)
    filled: list[Any]                # pieces with a value (or a ticked box)
    run_props: str                   # w:rPr of a typed value
    date_format: str
    display: dict[str, str]          # choice value -> text shown by the drop-down


@dataclass
class Loop:
    """A list of the program: its body repeats once per item (at least ``minimum`` times)."""

    pattern: str
    keys: tuple[str, ...]            # path segments from the enclosing item to the list
    minimum: int
    body: list[Any]
    separator: list[Any]


class Compiled:
    """A template ready to render records of one kind. Immutable; safe to share."""

    def __init__(self, kind: str, program: list[Any], members: list[Member | None], body_index: int,
                 placeholders: dict[str, str], first_bookmark: int = 1) -> None:
        self.kind = kind
        self._first_bookmark = first_bookmark
        self._program = program
        self._members = members
        self._body_index = body_index
        self.placeholders = placeholders

    def render(self, data: Mapping[str, Any]) -> bytes:
        """The DOCX bytes of a form filled with ``data`` (validated, typed data)."""
        return write_zip(self._with_body(self.render_body(data)))

    def render_body(self, data: Mapping[str, Any]) -> bytes:
        """Only ``word/document.xml`` of the filled form (for tests and benchmarks)."""
        out: list[str] = []
        state = _RenderState(flatten(self.kind, data), self._first_bookmark)
        _run(self._program, data, (), out, state)
        if state.problems:
            raise DataError(state.problems)
        return "".join(out).encode("utf-8")

    def _with_body(self, body: bytes) -> list[Member]:
        members = list(self._members)
        members[self._body_index] = Member.pack("word/document.xml", body, BODY_LEVEL)
        return members  # type: ignore[return-value]


class _RenderState:
    __slots__ = ("flat", "sid", "bid", "did", "problems")

    def __init__(self, flat: dict[str, Any], first_bookmark: int) -> None:
        self.flat = flat
        self.sid = 100
        self.bid = first_bookmark - 1  # our bookmarks follow the template's own
        self.did = 1
        self.problems: list[Problem] = []


def _run(program: list[Any], item: Any, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    append = out.append
    for piece in program:
        if piece.__class__ is str:
            append(piece)
        elif piece.__class__ is int:
            if piece == OP_SID:
                state.sid += 1
                append(str(state.sid))
            else:  # OP_DID
                state.did += 1
                append(str(state.did))
        elif piece.__class__ is Slot:
            _render_slot(piece, indices, out, state)
        else:
            _render_loop(piece, item, indices, out, state)


def _render_loop(loop: Loop, item: Any, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    value: Any = item
    for key in loop.keys:
        value = value.get(key) if value.__class__ is dict or isinstance(value, Mapping) else None
    items = value if isinstance(value, list) else []
    for i in range(max(len(items), loop.minimum)):
        if i:
            _run(loop.separator, None, indices, out, state)
        _run(loop.body, items[i] if i < len(items) else {}, indices + (i,), out, state)


def _render_slot(slot: Slot, indices: tuple[int, ...], out: list[str], state: _RenderState) -> None:
    path = slot.path_format.format(*indices) if indices else slot.path_format
    value = state.flat.get(path)
    text = ""
    full_date = ""
    if slot.kind is ControlKind.CHECKBOX:
        pieces = slot.filled if value else slot.empty
    elif value is None:
        pieces = slot.empty
    else:
        pieces = slot.filled
        fd = slot.field
        if fd.kind is FieldKind.DATE:
            full_date = value.isoformat() + "T00:00:00Z"
            text = ctl.format_date(value, slot.date_format) if slot.kind is ControlKind.DATE else value.isoformat()
        elif fd.kind is FieldKind.CHOICE:
            text = slot.display.get(value) or fd.choice_label(value)
        elif fd.kind is FieldKind.NUMBER:
            text = fd.to_text(value)
        else:
            text = value
            bad = illegal_character(text)
            if bad is not None:
                state.problems.append(Problem(path, illegal_character_message(bad, "Word documents")))
    append = out.append
    for piece in pieces:
        if piece.__class__ is str:
            append(piece)
        elif piece == OP_SID:
            state.sid += 1
            append(str(state.sid))
        elif piece == OP_TAG:
            append(path)
        elif piece == OP_MARK:
            name = bookmark_name(path)
            if name is not None:
                state.bid += 1
                append(f'<w:bookmarkStart w:id="{state.bid}" w:name="{name}"/><w:bookmarkEnd w:id="{state.bid}"/>')
        elif piece == OP_VALUE:
            append(f"<w:r>{slot.run_props}{text_runs_content(text)}</w:r>")
        elif piece == OP_DATE:
            append(full_date)
        elif piece == OP_DID:
            state.did += 1
            append(str(state.did))


# -- compiling -------------------------------------------------------------------------------


def compile_docx(kind: str, template: bytes, *, protect: bool = False, name: str = "template") -> Compiled:
    """Compile ``template`` (DOCX bytes) for ``kind``; TemplateError when it does not fit the catalogue."""
    try:
        package = Package(template, name)
        parts = read_all(package)
    except FormError as exc:
        raise TemplateError(f"{name}: cannot use as a Word template: {exc.reason}") from None
    if "word/document.xml" not in parts:
        raise TemplateError(f"{name}: cannot use as a Word template: it has no word/document.xml")
    try:
        root = etree.fromstring(parts["word/document.xml"], parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{name}: word/document.xml is damaged ({exc})") from None
    _check_record(kind, parts, name)
    compiler = _Compiler(kind, root, name)
    program, placeholders = compiler.compile()
    first_bookmark = compiler.first_bookmark_id
    parts = _with_record(parts, kind, placeholders)
    if protect:
        parts["word/settings.xml"] = protected_settings(parts.get("word/settings.xml"))
    members: list[Member | None] = []
    body_index = -1
    for part, content in parts.items():
        if part == "word/document.xml":
            body_index = len(members)
            members.append(None)
        else:
            members.append(Member.pack(part, content, 6))
    return Compiled(kind, program, members, body_index, placeholders, first_bookmark)


def _check_record(kind: str, parts: Mapping[str, bytes], name: str) -> None:
    for part, content in parts.items():
        if is_item(part):
            record = parse_record(content)
            if record and record[0] != kind and record[0] in KINDS:
                raise TemplateError(f"{name}: this is a template for the {catalogue(record[0]).title}, "
                                    f"not the {catalogue(kind).title}")


class _Compiler:
    def __init__(self, kind: str, root: etree._Element, name: str) -> None:
        self.kind = kind
        self.cat = catalogue(kind)
        self.names = names(kind)
        self.structure = Structure(self.cat)
        self.root = root
        self.name = name
        self.loops: list[Loop] = []
        self.slots: list[Slot] = []
        self.placeholders: dict[str, str] = {}
        self.first_bookmark_id = 1
        self._prototype_items: set[tuple[str, tuple[int, ...]]] = set()

    def compile(self) -> tuple[list[Any], dict[str, str]]:
        located = self._locate()
        self._strip_ids()
        self._drop_our_bookmarks()
        self._mark_lists(located)
        for loc in located:
            if self._in_prototype(loc):
                self._mark_slot(loc)
        for sdt_pr in self.root.iter(_W_SDT_PR):
            node = sdt_pr.find(_W_ID)
            if node is not None:
                node.set(_W_VAL, _SID)
        for doc_pr in self.root.iter(_WP_DOC_PR):
            doc_pr.set("id", _DID)
        numbers = [int(n) for n in (m.get(_W_ID) for m in self.root.iter(_BM_START)) if n and n.isdigit()]
        self.first_bookmark_id = max(numbers, default=0) + 1
        text = XML_HEADER + etree.tostring(self.root, encoding="unicode")
        return self._program(text), self.placeholders

    # -- finding and checking the fields ---------------------------------------------------

    def _locate(self) -> list[Located]:
        identified: list[tuple[Marks, str]] = []
        unknown: list[str] = []
        wrong: list[str] = []
        for marks in leaf_controls(self.root):
            pattern = marks.identify(self.names)
            if pattern is None:
                unknown.append(marks.describe())
                continue
            problem = _kind_problem(self.cat.field(pattern), marks)
            if problem:
                wrong.append(f"{pattern}: {problem}")
            identified.append((marks, pattern))
        located = self.structure.assign(identified)
        seen: dict[str, int] = {}
        for loc in located:
            seen[loc.path] = seen.get(loc.path, 0) + 1
        twice = sorted(path for path, count in seen.items() if count > 1)
        found = {loc.pattern for loc in located}
        missing = [fd.path for fd in self.cat.fields if fd.path not in found]
        problems = []
        if missing:
            problems.append("missing fields: " + ", ".join(missing))
        if unknown:
            problems.append("unknown fields: " + ", ".join(unknown))
        if twice:
            problems.append("fields that appear twice: " + ", ".join(twice))
        if wrong:
            problems.append("wrong kind of control: " + "; ".join(wrong))
        if problems:
            raise TemplateError(f"{self.name} does not fit the {self.cat.title}: " + "; ".join(problems))
        for loc in located:
            if not self._row_ok(loc):
                raise TemplateError(f"{self.name}: the fields of one {loc.items[-1][0]} item must share a "
                                    f"table row ({loc.pattern} is outside it)")
        return located

    def _row_ok(self, loc: Located) -> bool:
        if not loc.items or loc.items[-1][0] not in self.structure.row_lists:
            return True
        return loc.marks.row is not None

    def _drop_our_bookmarks(self) -> None:
        """Remove the bookmarks naming fields: each render writes fresh ones."""
        ours = set()
        for start in list(self.root.iter(_BM_START)):
            if self.names.from_bookmark(start.get(_W_NAME, "")) is not None:
                ours.add(start.get(_W_ID))
                _detach(start)
        for end in list(self.root.iter(_BM_END)):
            if end.get(_W_ID) in ours:
                _detach(end)

    def _drop_bookmarks_in(self, node: etree._Element) -> None:
        numbers = {start.get(_W_ID) for start in node.iter(_BM_START)}
        numbers |= {end.get(_W_ID) for end in node.iter(_BM_END)}
        if not numbers:
            return
        for mark in [m for m in self.root.iter(_BM_START, _BM_END) if m.get(_W_ID) in numbers]:
            _detach(mark)

    def _strip_ids(self) -> None:
        # Optional paragraph ids would repeat in copied rows; Word makes new ones.
        for node in self.root.iter():
            if _W14_PARA_ID in node.attrib:
                del node.attrib[_W14_PARA_ID]
            if _W14_TEXT_ID in node.attrib:
                del node.attrib[_W14_TEXT_ID]

    # -- lists -----------------------------------------------------------------------------

    def _mark_lists(self, located: list[Located]) -> None:
        """Keep the first item of every list as its prototype; the others only set how many rows to show."""
        by_item: dict[tuple[str, tuple[int, ...]], list[Located]] = {}
        for loc in located:
            for key in loc.items:
                by_item.setdefault(key, []).append(loc)
        for spec in self.cat.lists:
            if spec.parent is None:
                self._mark_list(spec.path, (), by_item)

    def _mark_list(self, pattern: str, parent: tuple[int, ...],
                   by_item: dict[tuple[str, tuple[int, ...]], list[Located]]) -> None:
        count = 0
        while (pattern, parent + (count,)) in by_item:
            count += 1
        spans = [self._span(pattern, by_item[(pattern, parent + (i,))]) for i in range(count)]
        if count == 0:
            raise TemplateError(f"{self.name}: the first item of {pattern.rsplit('.*.', 1)[0]} has no {pattern} "
                                "rows; every item needs the same fields")
        spans = [self._span(pattern, by_item[(pattern, parent + (i,))]) for i in range(count)]
        first = spans[0]
        separator: list[etree._Element] = []
        if len(spans) > 1 and pattern not in self.structure.row_lists:
            node = first[-1].getnext()
            while node is not None and node is not spans[1][0]:
                separator.append(node)
                node = node.getnext()
        for span in spans[1:]:
            for node in span:
                _detach(node)
        for node in first:
            self._drop_bookmarks_in(node)  # a repeated bookmark would repeat its name
        loop_id = len(self.loops)
        spec = self.cat.lists_by_path[pattern]
        keys = tuple(spec.path.rsplit(".*.", 1)[-1].split(".")) if spec.parent else tuple(spec.path.split("."))
        self.loops.append(Loop(pattern, keys, count, [], []))
        first[0].addprevious(etree.ProcessingInstruction("md-begin", str(loop_id)))
        first[-1].addnext(etree.ProcessingInstruction("md-end", str(loop_id)))
        if separator:
            separator[0].addprevious(etree.ProcessingInstruction("md-sep", str(loop_id)))
            separator[-1].addnext(etree.ProcessingInstruction("md-done"))
        elif pattern not in self.structure.row_lists:
            self.loops[-1].separator.append("<w:p/>")  # two tables side by side would merge into one
        self._prototype_items.add((pattern, parent + (0,)))
        for inner in spec.lists:
            self._mark_list(inner.path, parent + (0,), by_item)

    def _span(self, pattern: str, members: list[Located]) -> list[etree._Element]:
        """The elements that make up one list item."""
        if pattern in self.structure.row_lists:
            rows = {id(loc.marks.row): loc.marks.row for loc in members}
            if len(rows) != 1:
                raise TemplateError(f"{self.name}: the fields of one {pattern} item must share a table row")
            row = next(iter(rows.values()))
            holder = row.getparent()
            if holder is not None and holder.tag == _W_SDT_CONTENT:
                item = holder.getparent()
                pr = item.find(_W_SDT_PR) if item is not None else None
                if pr is not None and pr.find(_W15_ITEM) is not None and len(holder) == 1:
                    return [item]  # a Word repeating-section item: repeat it whole, so "+" keeps working
            return [row]
        # A block: sibling elements from the first to the last that hold the item's controls.
        sdts = [loc.marks.sdt for loc in members]
        ancestors = [list(sdt.iterancestors()) for sdt in sdts]
        common = next(a for a in ancestors[0] if all(a in chain for chain in ancestors[1:]))
        tops = []
        for sdt, chain in zip(sdts, ancestors):
            child = sdt if sdt.getparent() is common else chain[chain.index(common) - 1]
            tops.append(child)
        position = {id(node): i for i, node in enumerate(common)}
        first = min(tops, key=lambda n: position[id(n)])
        last = max(tops, key=lambda n: position[id(n)])
        out = []
        node = first
        while node is not None:
            out.append(node)
            if node is last:
                break
            node = node.getnext()
        return out

    def _in_prototype(self, loc: Located) -> bool:
        return all(key in self._prototype_items for key in loc.items)

    # -- controls --------------------------------------------------------------------------

    def _mark_slot(self, loc: Located) -> None:
        sdt = loc.marks.sdt
        fd = self.cat.field(loc.pattern)
        kind = loc.marks.kind
        sdt_pr = sdt.find(_W_SDT_PR)
        if sdt_pr is None:
            sdt_pr = etree.SubElement(sdt, _W_SDT_PR)
            sdt.insert(0, sdt_pr)
        content = sdt.find(_W_SDT_CONTENT)
        if content is None:
            content = etree.SubElement(sdt, _W_SDT_CONTENT)
        self._set_identity(sdt_pr, fd)
        run_props = _value_run_props(sdt_pr, content)
        prompt = ctl.content_text(content)
        if kind is not ControlKind.CHECKBOX:
            self.placeholders[fd.path] = prompt
        date_format = ctl.DATE_FORMAT
        display: dict[str, str] = {}
        if kind is ControlKind.DATE:
            date_format = ctl.date_state(sdt_pr)[1] or ctl.DATE_FORMAT
        if kind is ControlKind.DROPDOWN:
            display = {value: text for text, value in ctl.list_items(sdt_pr)}
        if kind is ControlKind.CHECKBOX:
            empty = _checkbox_variant(sdt, False)
            filled = _checkbox_variant(sdt, True)
        else:
            empty = _empty_variant(sdt)
            filled = _filled_variant(sdt, kind)
        slot_id = len(self.slots)
        self.slots.append(Slot(
            field=fd, kind=kind, path_format=_path_format(fd.path), empty=[], filled=[],
            run_props=run_props, date_format=date_format, display=display,
        ))
        sdt.addprevious(etree.ProcessingInstruction("md-slot", str(slot_id)))
        sdt.addprevious(empty)
        sdt.addprevious(etree.ProcessingInstruction("md-or"))
        sdt.addprevious(filled)
        sdt.addprevious(etree.ProcessingInstruction("md-done"))
        _detach(sdt)

    def _set_identity(self, sdt_pr: etree._Element, fd: Field) -> None:
        alias = sdt_pr.find(_W_ALIAS)
        if alias is None:
            alias = etree.Element(_W_ALIAS)
            _insert_after(sdt_pr, alias, (qn("w:rPr"),))
            alias.set(_W_VAL, self.names.alias(fd.path))
        tag = sdt_pr.find(_W_TAG)
        if tag is None:
            tag = etree.Element(_W_TAG)
            _insert_after(sdt_pr, tag, (qn("w:rPr"), _W_ALIAS))
        tag.set(_W_VAL, _TAG)
        if sdt_pr.find(_W_ID) is None:
            node = etree.Element(_W_ID)
            _insert_after(sdt_pr, node, (qn("w:rPr"), _W_ALIAS, _W_TAG))
            node.set(_W_VAL, "0")

    # -- the program -----------------------------------------------------------------------

    def _program(self, text: str) -> list[Any]:
        tokens = _SPLIT.split(text)
        root: list[Any] = []
        stack: list[list[Any]] = [root]
        slot_state: list[Any] = []  # [slot, which list we are filling]
        for i, token in enumerate(tokens):
            if i % 2 == 0:
                if token:
                    _append_text(stack[-1], token)
                continue
            if token.startswith("<?md-"):
                name, _, number = token[5:-2].strip().partition(" ")
            else:
                name, number = token, ""
            if name in _OPS:
                stack[-1].append(_OPS[name])
            elif name == "begin":
                loop = self.loops[int(number)]
                stack[-1].append(loop)
                stack.append(loop.body)
            elif name == "end":
                stack.pop()
            elif name == "slot":
                slot = self.slots[int(number)]
                stack[-1].append(slot)
                slot_state = [slot]
                stack.append(slot.empty)
            elif name == "or":
                stack.pop()
                stack.append(slot_state[0].filled)
            elif name == "sep":
                stack.append(self.loops[int(number)].separator)
            elif name == "done":
                stack.pop()
            else:  # pragma: no cover - every marker is ours
                raise AssertionError(token)
        return root


def _append_text(program: list[Any], text: str) -> None:
    if program and program[-1].__class__ is str:
        program[-1] += text
    else:
        program.append(text)


def _path_format(pattern: str) -> str:
    return pattern.replace("{", "{{").replace("}", "}}").replace("*", "{}")


def _kind_problem(fd: Field, marks: Marks) -> str | None:
    kind = marks.kind
    if fd.kind is FieldKind.CHECKBOX:
        return None if kind is ControlKind.CHECKBOX else f"needs a checkbox, found a {kind} control"
    if kind is ControlKind.CHECKBOX:
        return "a checkbox cannot hold this field"
    if kind is ControlKind.DATE and fd.kind is not FieldKind.DATE:
        return "a date picker cannot hold this field"
    if kind is ControlKind.DROPDOWN:
        if fd.kind is not FieldKind.CHOICE:
            return "a drop-down list cannot hold this field"
        sdt_pr = marks.sdt.find(_W_SDT_PR)
        offered = {value for _, value in ctl.list_items(sdt_pr)} if sdt_pr is not None else set()
        absent = [c.value for c in fd.choices if c.value not in offered]
        if absent:
            return "the drop-down list lacks " + ", ".join(absent)
    return None


def _detach(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is not None:
        # Keep the text that follows the node (tail) in place.
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)


def _insert_after(parent: etree._Element, node: etree._Element, before_tags: Sequence[str]) -> None:
    position = 0
    for i, child in enumerate(parent):
        if child.tag in before_tags:
            position = i + 1
    parent.insert(position, node)


def _value_run_props(sdt_pr: etree._Element, content: etree._Element) -> str:
    """The ``w:rPr`` a typed value gets: the control's own, else its prompt's without the grey style."""
    own = sdt_pr.find(_W_RPR)
    source = own
    if source is None:
        for run in content.iter(_W_R):
            if run.find(_W_T) is not None:
                source = run.find(_W_RPR)
                break
    if source is None:
        return ""
    props = copy.deepcopy(source)
    for style in props.findall(_W_RSTYLE):
        if style.get(_W_VAL) == ctl.PLACEHOLDER_STYLE:
            props.remove(style)
    if len(props) == 0:
        return ""
    text = etree.tostring(props, encoding="unicode")
    return re.sub(r' xmlns:\w+="[^"]*"', "", text)


def _empty_variant(sdt: etree._Element) -> etree._Element:
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(_W_SDT_PR)
    if sdt_pr.find(_W_SHOWING) is None:
        node = etree.Element(_W_SHOWING)
        _insert_after(sdt_pr, node, [qn(t) for t in ("w:rPr", "w:alias", "w:tag", "w:id", "w:lock",
                                                      "w:placeholder", "w:temporary")])
    date = sdt_pr.find(_W_DATE)
    if date is not None and _W_FULL_DATE in date.attrib:
        del date.attrib[_W_FULL_DATE]
    content = variant.find(_W_SDT_CONTENT)
    _insert_mark(content)
    return variant


def _filled_variant(sdt: etree._Element, kind: ControlKind) -> etree._Element:
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(_W_SDT_PR)
    for flag in sdt_pr.findall(_W_SHOWING):
        sdt_pr.remove(flag)
    if kind is ControlKind.DATE:
        sdt_pr.find(_W_DATE).set(_W_FULL_DATE, _DATE)
    content = variant.find(_W_SDT_CONTENT)
    # The value replaces the first run that shows text; the rest of the prompt goes.
    runs = [r for r in content.iter(_W_R) if r.find(_W_T) is not None]
    marker = etree.ProcessingInstruction("md-value")
    if runs:
        runs[0].addprevious(marker)
        for run in runs:
            _detach(run)
    else:
        paragraph = next(content.iter(_W_P), None)
        (paragraph if paragraph is not None else content).append(marker)
    # A control grown to several paragraphs keeps only the one holding the value.
    paragraphs = [p for p in content if p.tag == _W_P]
    for paragraph in paragraphs:
        if next(paragraph.iter(etree.ProcessingInstruction), None) is None and len(paragraphs) > 1:
            _detach(paragraph)
    _insert_mark(content)
    return variant


def _checkbox_variant(sdt: etree._Element, checked: bool) -> etree._Element:
    variant = copy.deepcopy(sdt)
    sdt_pr = variant.find(_W_SDT_PR)
    for flag in sdt_pr.findall(_W_SHOWING):
        sdt_pr.remove(flag)
    box = sdt_pr.find(_W14_CHECKBOX)
    state = box.find(_W14_CHECKED)
    if state is None:
        state = etree.Element(_W14_CHECKED)
        box.insert(0, state)
    state.set(_W14_VAL, "1" if checked else "0")
    glyph_node = box.find(_W14_CHECKED_STATE if checked else _W14_UNCHECKED_STATE)
    code = glyph_node.get(_W14_VAL) if glyph_node is not None else None
    glyph = chr(int(code, 16)) if code else ("\u2612" if checked else "\u2610")
    content = variant.find(_W_SDT_CONTENT)
    texts = list(content.iter(_W_T))
    if texts:
        texts[0].text = glyph
        for extra in texts[1:]:
            _detach(extra)
    else:
        run = etree.SubElement(content, _W_R)
        etree.SubElement(run, _W_T).text = glyph
    _insert_mark(content)
    return variant


def _insert_mark(content: etree._Element) -> None:
    mark = etree.ProcessingInstruction("md-mark")
    first = content[0] if len(content) else None
    if first is not None and first.tag == _W_P:
        # Block-level content: the bookmark goes inside the first paragraph, after its properties.
        ppr = first.find(qn("w:pPr"))
        first.insert(1 if ppr is not None else 0, mark)
    else:
        content.insert(0, mark)


# -- the form record and protection -----------------------------------------------------------


def _with_record(parts: dict[str, bytes], kind: str, placeholders: dict[str, str]) -> dict[str, bytes]:
    """``parts`` with our record (kind and prompts) written in, added if the template had none."""
    for part, content in parts.items():
        if is_item(part) and parse_record(content):
            out = dict(parts)
            out[part] = record_xml(kind, placeholders)
            return out
    number = free_item_number(list(parts))
    out = dict(parts)
    out[f"customXml/item{number}.xml"] = record_xml(kind, placeholders)
    out[f"customXml/itemProps{number}.xml"] = item_props_xml()
    out[f"customXml/_rels/item{number}.xml.rels"] = (
        XML_HEADER + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_CUSTOM_XML_PROPS}" Target="itemProps{number}.xml"/></Relationships>').encode("utf-8")
    out["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"], f"/customXml/itemProps{number}.xml",
                                               CT_CUSTOM_XML_PROPS)
    rels_part = "word/_rels/document.xml.rels"
    out[rels_part] = _add_relationship(parts.get(rels_part), REL_CUSTOM_XML, f"../customXml/item{number}.xml")
    return out


def _add_override(content_types: bytes, part: str, content_type: str) -> bytes:
    root = etree.fromstring(content_types, parser=_PARSER)
    node = etree.SubElement(root, f"{{{CT_NS}}}Override")
    node.set("PartName", part)
    node.set("ContentType", content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_relationship(rels: bytes | None, rel_type: str, target: str) -> bytes:
    if rels is None:
        root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    else:
        root = etree.fromstring(rels, parser=_PARSER)
    used = {node.get("Id") for node in root}
    number = 1
    while f"rIdMd{number}" in used:
        number += 1
    node = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship")
    node.set("Id", f"rIdMd{number}")
    node.set("Type", rel_type)
    node.set("Target", target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def protected_settings(settings: bytes | None) -> bytes:
    """``word/settings.xml`` restricting editing to form fields (Word's "Filling in forms")."""
    if settings is None:
        settings = (XML_HEADER + f'<w:settings xmlns:w="{W_NS}"/>').encode("utf-8")
    root = etree.fromstring(settings, parser=_PARSER)
    for old in root.findall(qn("w:documentProtection")):
        root.remove(old)
    protection = etree.Element(qn("w:documentProtection"))
    protection.set(qn("w:edit"), "forms")
    protection.set(qn("w:enforcement"), "1")
    after = {qn(f"w:{name}") for name in _SETTINGS_AFTER_PROTECTION}
    position = len(root)
    for i, child in enumerate(root):
        if child.tag in after:
            position = i
            break
    root.insert(position, protection)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


__all__ = ["BODY_LEVEL", "Compiled", "compile_docx", "protected_settings"]
