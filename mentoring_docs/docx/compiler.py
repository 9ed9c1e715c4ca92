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

Rendering a compiled program is :mod:`.render`; the control variants a program
keeps are made by :mod:`.control_variants`; the form record part and protection
are added by :mod:`.package_edits`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

from lxml import etree

from ..catalogue import Field, FieldKind, catalogue
from ..errors import FormError, TemplateError
from ..kinds import KINDS
from . import controls as ctl
from .control_names import names
from .control_variants import (
    checkbox_variant, detach, empty_variant, filled_variant, holds_only, in_paragraph, insert_after, turn_right_to_left,
    value_run_props,
)
from .controls import ControlKind
from .ooxml import (
    BM_END, BM_START, W14_NS, W15_ITEM, WP_DOC_PR, W_ALIAS, W_ID, W_NAME, W_SDT_CONTENT,
    W_P, W_SDT_PR, W_TAG, W_VAL, XML_HEADER, qn,
)
from .package import Member, Package, read_all
from .package_edits import protected_settings, with_record
from .record import is_item, parse_record
from .render import (
    DATE_MARK, DID_MARK, OP_DATE, OP_DID, OP_MARK, OP_SID, OP_TAG, OP_VALUE, PART_LEVEL, SID_MARK, TAG_MARK,
    Compiled, Loop, Slot,
)
from .scripts import RunProps
from .structure import Located, Marks, Structure, leaf_controls

if TYPE_CHECKING:
    from ..extension import Extension

__all__ = ["Compiled", "compile_docx"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


_OPS = {SID_MARK: OP_SID, DID_MARK: OP_DID, TAG_MARK: OP_TAG, DATE_MARK: OP_DATE, "mark": OP_MARK, "value": OP_VALUE}
#: The w14:paraId and w14:textId attributes (as smart strings that know their element).
_PARAGRAPH_IDS = etree.XPath("//@w14:paraId | //@w14:textId", namespaces={"w14": W14_NS})
_SPLIT = re.compile(r"(@@md:(?:sid|did|tag|date)@@|<\?md-[a-z]+(?: \d+)? ?\?>)")



# -- compiling -------------------------------------------------------------------------------


def compile_docx(kind: str, template: bytes, *, protect: bool = False, name: str = "template",
                 extension: Extension | None = None) -> Compiled:
    """Compile ``template`` (DOCX bytes) for ``kind`` (and a field extension's questions);
    TemplateError when it does not fit the catalogue."""
    program, parts, placeholders, first_bookmark = compile_parts(kind, template, protect=protect, name=name,
                                                                 extension=extension)
    members: list[Member | None] = []
    body_index = -1
    for part, content in parts:
        if content is None:
            body_index = len(members)
            members.append(None)
        else:
            members.append(Member.pack(part, content, PART_LEVEL))
    return Compiled(kind, program, members, body_index, placeholders, first_bookmark)


def compile_parts(kind: str, template: bytes, *, protect: bool = False, name: str = "template",
                  extension: Extension | None = None
                  ) -> tuple[list[Any], list[tuple[str, bytes | None]], dict[str, str], int]:
    """What :func:`compile_docx` makes a :class:`Compiled` of: the program, the package's parts in
    order (the body's content None: it is rendered), the placeholders and the first free bookmark id.

    :mod:`.prepared` keeps this for the built-in templates, so that a fill need not compile them.
    """
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
    compiler = _Compiler(kind, root, name, extension)
    program, placeholders = compiler.compile()
    parts = with_record(parts, kind, placeholders, compiler.cat.extension)
    if protect:
        parts["word/settings.xml"] = protected_settings(parts.get("word/settings.xml"))
    ordered = [(part, None if part == "word/document.xml" else content) for part, content in parts.items()]
    return program, ordered, placeholders, compiler.first_bookmark_id


def _check_record(kind: str, parts: Mapping[str, bytes], name: str) -> None:
    for part, content in parts.items():
        if is_item(part):
            record = parse_record(content)
            if record and record[0] != kind and record[0] in KINDS:
                raise TemplateError(f"{name}: this is a template for the {catalogue(record[0]).title}, "
                                    f"not the {catalogue(kind).title}")


class _Compiler:
    def __init__(self, kind: str, root: etree._Element, name: str, extension: Extension | None = None) -> None:
        self.kind = kind
        self.cat = catalogue(kind, extension)
        self.names = names(kind, extension)
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
        for sdt_pr in self.root.iter(W_SDT_PR):
            node = sdt_pr.find(W_ID)
            if node is not None:
                node.set(W_VAL, SID_MARK)
        for doc_pr in self.root.iter(WP_DOC_PR):
            doc_pr.set("id", DID_MARK)
        numbers = [int(n) for n in (m.get(W_ID) for m in self.root.iter(BM_START)) if n and n.isdigit()]
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
        for start in list(self.root.iter(BM_START)):
            if self.names.from_bookmark(start.get(W_NAME, "")) is not None:
                ours.add(start.get(W_ID))
                detach(start)
        for end in list(self.root.iter(BM_END)):
            if end.get(W_ID) in ours:
                detach(end)

    def _drop_bookmarks_in(self, node: etree._Element) -> None:
        numbers = {start.get(W_ID) for start in node.iter(BM_START)}
        numbers |= {end.get(W_ID) for end in node.iter(BM_END)}
        if not numbers:
            return
        for mark in [m for m in self.root.iter(BM_START, BM_END) if m.get(W_ID) in numbers]:
            detach(mark)

    def _strip_ids(self) -> None:
        # Optional paragraph ids would repeat in copied rows; Word makes new ones. The
        # XPath finds them in C (~0.2 ms) instead of a Python visit of every element (~1.7 ms).
        for found in _PARAGRAPH_IDS(self.root):
            found.getparent().attrib.pop(found.attrname, None)

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
                detach(node)
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
            if row is None:
                raise TemplateError(f"{self.name}: the fields of a {pattern} item must be in a table row")
            holder = row.getparent()
            if holder is not None and holder.tag == W_SDT_CONTENT:
                item = holder.getparent()
                pr = item.find(W_SDT_PR) if item is not None else None
                if pr is not None and pr.find(W15_ITEM) is not None and len(holder) == 1:
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
        sdt_pr = sdt.find(W_SDT_PR)
        if sdt_pr is None:
            sdt_pr = etree.SubElement(sdt, W_SDT_PR)
            sdt.insert(0, sdt_pr)
        content = sdt.find(W_SDT_CONTENT)
        if content is None:
            content = etree.SubElement(sdt, W_SDT_CONTENT)
        self._set_identity(sdt_pr, fd)
        run_props = value_run_props(sdt_pr, content)
        prompt = ctl.content_text(content)
        if kind is not ControlKind.CHECKBOX:
            self.placeholders[fd.path] = prompt
        date_format = ctl.DATE_FORMAT
        display: dict[str, str] = {}
        if kind is ControlKind.DATE:
            date_format = ctl.date_state(sdt_pr)[1] or ctl.DATE_FORMAT
        if kind is ControlKind.DROPDOWN:
            display = {value: text for text, value in ctl.list_items(sdt_pr)}
        anchor = sdt
        filled_rtl: etree._Element | None = None
        if kind is ControlKind.CHECKBOX:
            empty = checkbox_variant(sdt, False)
            filled = checkbox_variant(sdt, True)
        else:
            empty = empty_variant(sdt)
            filled, _ = filled_variant(sdt, kind, rtl=False)
            turned, has_paragraph = filled_variant(sdt, kind, rtl=True)
            paragraph = sdt.getparent()
            if has_paragraph:  # a control holding paragraphs: the value's own paragraph is inside it
                filled_rtl = turned
            elif paragraph is not None and paragraph.tag == W_P and holds_only(paragraph, sdt):
                # The paragraph is the value's own: it becomes part of the slot, so that
                # a right-to-left value can make it a right-to-left paragraph.
                anchor = paragraph
                empty = in_paragraph(paragraph, sdt, empty)
                filled = in_paragraph(paragraph, sdt, filled)
                filled_rtl = in_paragraph(paragraph, sdt, turned)
                turn_right_to_left(filled_rtl)
        slot_id = len(self.slots)
        self.slots.append(Slot(
            field=fd, kind=kind, path_format=_path_format(fd.path), empty=[], filled=[],
            filled_rtl=None if filled_rtl is None else [],
            run_props=run_props, date_format=date_format, display=display, marked=RunProps(run_props),
        ))
        anchor.addprevious(etree.ProcessingInstruction("md-slot", str(slot_id)))
        anchor.addprevious(empty)
        anchor.addprevious(etree.ProcessingInstruction("md-or"))
        anchor.addprevious(filled)
        if filled_rtl is not None:
            anchor.addprevious(etree.ProcessingInstruction("md-rtl"))
            anchor.addprevious(filled_rtl)
        anchor.addprevious(etree.ProcessingInstruction("md-done"))
        detach(anchor)

    def _set_identity(self, sdt_pr: etree._Element, fd: Field) -> None:
        alias = sdt_pr.find(W_ALIAS)
        if alias is None:
            alias = etree.Element(W_ALIAS)
            insert_after(sdt_pr, alias, (qn("w:rPr"),))
            alias.set(W_VAL, self.names.alias(fd.path))
        tag = sdt_pr.find(W_TAG)
        if tag is None:
            tag = etree.Element(W_TAG)
            insert_after(sdt_pr, tag, (qn("w:rPr"), W_ALIAS))
        tag.set(W_VAL, TAG_MARK)
        if sdt_pr.find(W_ID) is None:
            node = etree.Element(W_ID)
            insert_after(sdt_pr, node, (qn("w:rPr"), W_ALIAS, W_TAG))
            node.set(W_VAL, "0")

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
            elif name == "rtl":
                stack.pop()
                stack.append(slot_state[0].filled_rtl)
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
        sdt_pr = marks.sdt.find(W_SDT_PR)
        offered = {value for _, value in ctl.list_items(sdt_pr)} if sdt_pr is not None else set()
        absent = [c.value for c in fd.choices if c.value not in offered]
        if absent:
            return "the drop-down list lacks " + ", ".join(absent)
    return None


