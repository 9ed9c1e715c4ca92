"""The body of the built-in Word templates, laid out from the field catalogue alone.

Nothing here lists fields: sections, labels, prompts, kinds, choices and lists all
come from :mod:`mentoring_docs.catalogue`. What this module decides is *how* each
shape of data looks on paper:

- the title, and the program name under it when the document has one;
- sections that hold a single short value (identifiers, a date) gather in a grid
  under the title; every other section gets a numbered heading and its prompt;
- short values sit two to a row in a label/value grid; long text gets a full row;
- a set of choices becomes checkboxes, two to a line;
- a list of plain text is a numbered table; a list of records is a table with one
  row per item (records with many fields stack captioned fields in four columns);
- a list whose items hold lists (the action plan's goals) repeats a block: the
  item's own table, its inner lists of text as rows of that table, then a table
  per inner list of records;
- a group of groups of the same shape (the signatures) becomes side-by-side columns
  with a line to sign on.

Page: US Letter with 0.75" side margins, or A4 (``paper="a4"``) with the side
margins that keep the same 7" of content width; the section sets the size
(``w:pgSz``) so Word and LibreOffice print on the paper asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as _dc_field
from typing import TYPE_CHECKING, Iterator

from ..paper import SIZES, parse_paper
from ..catalogue import Catalogue, Field, FieldKind, ListSpec, Node, catalogue
from .controls import ControlKind, IdSource, Spec, control_xml
from .control_names import names
if TYPE_CHECKING:
    from ..extension import Extension
from .xmlbuild import ACCENT, LABEL_FILL, RULE, cell, field_code, no_borders, numbered, para, row, run, table

PAGE_WIDTH = 12240      # US Letter, twips
PAGE_HEIGHT = 15840
MARGIN_SIDE = 1080      # 0.75 inch
MARGIN_TOP = 1000
MARGIN_BOTTOM = 1000
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE   # 10080 twips = 7 inches

LABEL_WIDTH = 1900
GRID = (LABEL_WIDTH, CONTENT_WIDTH // 2 - LABEL_WIDTH, LABEL_WIDTH, CONTENT_WIDTH // 2 - LABEL_WIDTH)
WIDE = (LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH)

#: Empty rows (or blocks) a blank form offers for each list, unless the list allows fewer.
DEFAULT_ROWS = 3

#: Stacked columns used for list items with more fields than fit side by side.
STACK_COLUMNS = 4

#: The one field shown under the title, when the document has it.
SUBTITLE_FIELD = "program.name"

#: A sentence under the title saying what the form is for (our own words).
INTRO = {
    "agreement": (
        "This agreement records what the mentor and mentee decide together at the start of their "
        "partnership: the roles each of you takes on, the goals you work toward, how long you work together "
        "and how you stay in touch. Complete it at your first meetings, sign it, and come back to it as "
        "your partnership develops."
    ),
    "action_plan": (
        "This plan turns the mentee's goals into learning activities, each with the resources it needs, the "
        "effort it takes and a target date. Write it together at your second meeting, then note your "
        "progress each time you meet."
    ),
}

#: Short prompts for dates, choices and numbers in narrow list cells.
COMPACT_PROMPTS = {FieldKind.DATE: "Pick a date", FieldKind.CHOICE: "Choose one", FieldKind.NUMBER: "Number"}

_CONTROL_KIND = {
    FieldKind.TEXT: ControlKind.TEXT,
    FieldKind.LONG_TEXT: ControlKind.TEXT,
    FieldKind.NUMBER: ControlKind.TEXT,
    FieldKind.DATE: ControlKind.DATE,
    FieldKind.CHOICE: ControlKind.DROPDOWN,
    FieldKind.CHECKBOX: ControlKind.CHECKBOX,
}


def control_kind(fd: Field) -> ControlKind:
    """The kind of content control that holds ``fd``."""
    return _CONTROL_KIND[fd.kind]


@dataclass
class NumberingPlan:
    """The numbered lists a template uses; written out as ``word/numbering.xml``."""

    #: (numId, format name, level text)
    lists: list[tuple[int, str, str]] = _dc_field(default_factory=list)

    def new(self, fmt: str, text: str) -> int:
        """A new list (numbering restarts at 1) and its ``numId``."""
        num_id = len(self.lists) + 1
        self.lists.append((num_id, fmt, text))
        return num_id


def _concrete(pattern: str, indices: tuple[int, ...]) -> str:
    it = iter(indices)
    return ".".join(str(next(it)) if part == "*" else part for part in pattern.split("."))


class Layout:
    """Builds the body XML of one kind's template."""

    def __init__(self, kind: str, extension: Extension | None = None) -> None:
        self.kind = kind
        self.cat: Catalogue = catalogue(kind, extension)
        self.names = names(kind, extension)
        self.sdt_ids = IdSource(1000)
        self.bookmark_ids = IdSource(1)
        self.numbering = NumberingPlan()
        self.section_numbers = self.numbering.new("decimal", "%1.")
        self.placed: set[str] = set()

    # -- controls ------------------------------------------------------------------------

    def control(self, fd: Field, indices: tuple[int, ...], compact: bool = False) -> str:
        """The control for ``fd`` at list ``indices``.

        ``compact`` controls sit in narrow table cells under a caption: dates,
        choices and numbers there show a short prompt instead of the whole question.
        """
        prompt = COMPACT_PROMPTS.get(fd.kind, fd.help) if compact else fd.help
        spec = Spec(
            path=_concrete(fd.path, indices), alias=self.names.alias(fd.path), kind=control_kind(fd),
            prompt=prompt, choices=tuple((c.value, c.label) for c in fd.choices),
        )
        return control_xml(spec, self.sdt_ids, self.bookmark_ids)

    def _label_cell(self, text: str, width: int = LABEL_WIDTH) -> str:
        return cell(width, para(run(text), "Label"), fill=LABEL_FILL)

    def _value_cell(self, fd: Field, indices: tuple[int, ...], width: int, span: int = 1) -> str:
        return cell(width, para(self.control(fd, indices), "Value"), span=span)

    # -- the document --------------------------------------------------------------------

    def body(self) -> str:
        """Every block of the body, without the section properties."""
        return "".join(self._title_block()) + "".join(
            block for section in self.cat.sections for block in self._section(section)
        )

    def _title_block(self) -> Iterator[str]:
        yield para(run(self.cat.title), "Title")
        subtitle = self.cat.by_path.get(SUBTITLE_FIELD)
        if subtitle is not None:
            self.placed.add(subtitle.path)
            yield para(run(f"{subtitle.label}: ") + self.control(subtitle, ()), "Subtitle")
        yield para(run(INTRO[self.kind]), "Intro")
        header = [s.fields[0] for s in self.cat.sections if self._is_header(s.key)]
        if header:
            self.placed.update(fd.path for fd in header)
            yield table(GRID, self._grid_rows([(fd, ()) for fd in header]))

    def _is_header(self, key: str) -> bool:
        node = self._node(key)
        return node.leaf is not None and node.leaf.kind is not FieldKind.LONG_TEXT

    def _node(self, key: str) -> Node:
        return next(child for child in self.cat.root.children if child.key == key)

    def _section(self, section) -> Iterator[str]:
        node = self._node(section.key)
        if self._is_header(section.key):
            return
        blocks = list(self._node_blocks(node, (), top=True))
        if not blocks:
            return
        yield para(run(section.title), "Heading1", numbered(self.section_numbers))
        if node.leaf is None or node.leaf.help != section.help:
            yield para(run(section.help), "Prompt")
        yield from blocks

    def _node_blocks(self, node: Node, indices: tuple[int, ...], top: bool = False) -> Iterator[str]:
        if node.leaf is not None:
            # A section that is one long answer: a box to write in, the heading is its label.
            yield table((CONTENT_WIDTH,), [row([cell(CONTENT_WIDTH, para(self.control(node.leaf, indices), "Value"))],
                                                min_height=1500)])
        elif node.is_list:
            yield from self._list_blocks(node, indices, own_heading=not top)
        elif self._is_columns(node):
            yield self._columns(node, indices)
        else:
            yield from self._group_blocks(node, indices)

    def _group_blocks(self, node: Node, indices: tuple[int, ...]) -> Iterator[str]:
        pending: list[tuple[Field, tuple[int, ...]]] = []
        rows: list[str] = []

        def flush() -> Iterator[str]:
            rows.extend(self._grid_rows(pending))
            pending.clear()
            if rows:
                yield table(GRID, rows)
                rows.clear()

        for child in node.children:
            if child.leaf is not None:
                if child.leaf.path in self.placed:
                    continue
                pending.append((child.leaf, indices))
            elif child.pattern in self.cat.choice_sets:
                rows.extend(self._grid_rows(pending))
                pending.clear()
                rows.append(self._checkbox_row(child, indices))
            elif child.is_list:
                yield from flush()
                yield from self._list_blocks(child, indices, own_heading=True)
            elif self._is_columns(child):
                yield from flush()
                yield self._columns(child, indices)
            else:
                yield from flush()
                group = self.cat.groups[child.pattern]
                yield para(run(group.label), "Heading2")
                yield from self._group_blocks(child, indices)
        yield from flush()

    def _grid_rows(self, fields: list[tuple[Field, tuple[int, ...]]]) -> list[str]:
        """Label/value rows: short values two to a row, long text on a row of its own."""
        rows: list[str] = []
        waiting: tuple[Field, tuple[int, ...]] | None = None
        full = GRID[1] + GRID[2] + GRID[3]
        for fd, idx in fields:
            if fd.kind is FieldKind.LONG_TEXT:
                if waiting:
                    rows.append(row([self._label_cell(waiting[0].label), self._value_cell(*waiting, full, span=3)]))
                    waiting = None
                rows.append(row([self._label_cell(fd.label), self._value_cell(fd, idx, full, span=3)],
                                min_height=1000))
            elif waiting is None:
                waiting = (fd, idx)
            else:
                rows.append(row([
                    self._label_cell(waiting[0].label), self._value_cell(*waiting, GRID[1]),
                    self._label_cell(fd.label), self._value_cell(fd, idx, GRID[3]),
                ]))
                waiting = None
        if waiting:
            rows.append(row([self._label_cell(waiting[0].label), self._value_cell(*waiting, full, span=3)]))
        return rows

    def _checkbox_row(self, node: Node, indices: tuple[int, ...]) -> str:
        group = self.cat.groups[node.pattern]
        width = GRID[1] + GRID[2] + GRID[3]
        half = width // 2
        lines = [para(run(group.help), "Prompt")]
        boxes = [child.leaf for child in node.children if child.leaf is not None]
        for start in range(0, len(boxes), 2):
            pieces: list[str] = []
            for fd in boxes[start:start + 2]:
                if pieces:
                    pieces.append("<w:r><w:tab/></w:r>")
                pieces.append(self.control(fd, indices) + run(f" {fd.label}"))
            lines.append(para("".join(pieces), "Value", f'<w:tabs><w:tab w:val="left" w:pos="{half}"/></w:tabs>'))
        return row([self._label_cell(group.label), cell(width, "".join(lines), span=3)])

    # -- lists ---------------------------------------------------------------------------

    def _rows_for(self, spec: ListSpec) -> int:
        return min(spec.max_items or DEFAULT_ROWS, DEFAULT_ROWS)

    def _list_blocks(self, node: Node, indices: tuple[int, ...], own_heading: bool) -> Iterator[str]:
        spec = self.cat.lists_by_path[node.pattern]
        if own_heading:
            yield para(run(spec.label), "Heading2")
            yield para(run(spec.help), "Prompt")
        item = node.children[0]
        count = self._rows_for(spec)
        if item.leaf is not None:
            num = self.numbering.new("decimal", "%1.")
            rows = [row([cell(CONTENT_WIDTH, para(self.control(item.leaf, indices + (i,)), "Value", numbered(num)))])
                    for i in range(count)]
            yield table((CONTENT_WIDTH,), rows)
        elif spec.lists:
            yield from self._blocks(spec, item, indices, count)
        else:
            yield self._record_table(spec, item, indices, count)

    def _record_table(self, spec: ListSpec, item: Node, indices: tuple[int, ...], count: int) -> str:
        units = _units(item)
        if len(units) <= STACK_COLUMNS:
            widths = _column_widths([u[0] for u in units])
            header = row([cell(w, para(run(_unit_label(self.cat, u)), "TableHeader"), fill=ACCENT)
                          for w, u in zip(widths, units)], header=True)
            body = []
            for i in range(count):
                idx = indices + (i,)
                tall = any(fd.kind is FieldKind.LONG_TEXT for u in units for fd in u)
                body.append(row([cell(w, para("".join(self.control(fd, idx, compact=True) for fd in u), "Value"))
                                 for w, u in zip(widths, units)], min_height=900 if tall else None))
            return table(widths, [header] + body)
        columns = _stack(units, STACK_COLUMNS)
        width = CONTENT_WIDTH // STACK_COLUMNS
        widths = [width] * (STACK_COLUMNS - 1) + [CONTENT_WIDTH - width * (STACK_COLUMNS - 1)]
        body = []
        for i in range(count):
            idx = indices + (i,)
            cells = []
            for w, col in zip(widths, columns):
                content = []
                for unit in col:
                    content.append(para(run(_unit_label(self.cat, unit)), "FieldCaption"))
                    pieces: list[str] = []
                    for fd in unit:
                        if pieces:
                            pieces.append(run(" "))
                        pieces.append(self.control(fd, idx, compact=True))
                    content.append(para("".join(pieces), "Value"))
                cells.append(cell(w, "".join(content)))
            body.append(row(cells))
        return table(widths, body)

    def _blocks(self, spec: ListSpec, item: Node, indices: tuple[int, ...], count: int) -> Iterator[str]:
        heading_num = self.numbering.new("decimal", f"{spec.item_label} %1")
        for i in range(count):
            idx = indices + (i,)
            if i:
                yield para()
            rows = [row([cell(CONTENT_WIDTH, para("", "ItemHeading", numbered(heading_num)), span=2, fill=ACCENT)])]
            later: list[Node] = []
            for child in item.children:
                if child.leaf is not None:
                    tall = child.leaf.kind is FieldKind.LONG_TEXT
                    rows.append(row([self._label_cell(child.leaf.label), self._value_cell(child.leaf, idx, WIDE[1])],
                                    min_height=800 if tall else None))
                elif child.is_list and child.children[0].leaf is not None:
                    inner = self.cat.lists_by_path[child.pattern]
                    leaf = child.children[0].leaf
                    for j in range(self._rows_for(inner)):
                        rows.append(row([self._label_cell(inner.item_label),
                                         self._value_cell(leaf, idx + (j,), WIDE[1])]))
                else:
                    later.append(child)
            yield table(WIDE, [_keep_with_next(r) for r in rows[:-1]] + rows[-1:])
            for child in later:
                inner = self.cat.lists_by_path[child.pattern]
                yield para(run(inner.label), "Heading3")
                yield para(run(inner.help), "Prompt")
                yield self._record_table(inner, child.children[0], idx, self._rows_for(inner))

    # -- side-by-side groups (signatures) ------------------------------------------------

    def _is_columns(self, node: Node) -> bool:
        kids = node.children
        if len(kids) < 2 or any(k.leaf is not None or k.is_list or k.pattern in self.cat.choice_sets for k in kids):
            return False
        shapes = {tuple(g.key for g in k.children) for k in kids}
        return len(shapes) == 1 and all(g.leaf is not None for g in kids[0].children)

    def _columns(self, node: Node, indices: tuple[int, ...]) -> str:
        kids = node.children
        width = CONTENT_WIDTH // len(kids)
        widths = [width] * (len(kids) - 1) + [CONTENT_WIDTH - width * (len(kids) - 1)]
        rows = [row([cell(w, para(run(self.cat.groups[k.pattern].label), "TableHeader"), fill=ACCENT)
                     for w, k in zip(widths, kids)])]
        # A line to sign on in each column: a paragraph border, so the lines stop at the cell margins.
        line = para("", None, f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="{RULE}"/></w:pBdr>'
                    '<w:spacing w:before="600"/>')
        rows.append(row([cell(w, line, borders=no_borders()) for w in widths]))
        rows.append(row([cell(w, para(run("Signature"), "FieldCaption"), borders=no_borders()) for w in widths]))
        for position in range(len(kids[0].children)):
            cells = []
            for w, k in zip(widths, kids):
                fd = k.children[position].leaf
                assert fd is not None
                cells.append(cell(w, para(run(fd.label), "FieldCaption") + para(self.control(fd, indices), "Value"),
                                  borders=no_borders()))
            rows.append(row(cells))
        # Signatures stay on one page: a signature line without its names reads as cut off.
        return table(widths, [_keep_with_next(r) for r in rows[:-1]] + rows[-1:], style="PlainTable")

    # -- page ----------------------------------------------------------------------------

    def footer(self) -> str:
        """The footer paragraph: the form's title, and page X of Y at the right margin."""
        tabs = f'<w:tabs><w:tab w:val="right" w:pos="{CONTENT_WIDTH}"/></w:tabs>'
        return para(run(self.cat.title) + "<w:r><w:tab/></w:r>" + run("Page ")
                    + field_code(" PAGE ", "1") + run(" of ") + field_code(" NUMPAGES ", "1"), "Footer", tabs)

    @staticmethod
    def section_properties(footer_rel: str, paper: str = "letter") -> str:
        """``w:sectPr`` of the only section, for ``paper`` (``letter`` or ``a4``)."""
        width, height = SIZES[parse_paper(paper)].twips
        side = (width - CONTENT_WIDTH) // 2  # every table is CONTENT_WIDTH wide, whatever the paper
        return (f'<w:sectPr><w:footerReference w:type="default" r:id="{footer_rel}"/>'
                f'<w:pgSz w:w="{width}" w:h="{height}"/>'
                f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{side}" w:bottom="{MARGIN_BOTTOM}" '
                f'w:left="{side}" w:header="500" w:footer="500" w:gutter="0"/>'
                '<w:cols w:space="720"/></w:sectPr>')


def _keep_with_next(row_xml: str) -> str:
    """The row with every paragraph kept on the page of the next one (keeps a block together)."""
    with_style = re.sub(r'(<w:pStyle w:val="[^"]*"/>)', r"\1<w:keepNext/>", row_xml)
    return with_style.replace("<w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr>")


def _units(item: Node) -> list[tuple[Field, ...]]:
    """The fields of a list item, a nested group's fields kept together (amount and unit)."""
    out: list[tuple[Field, ...]] = []
    for child in item.children:
        if child.leaf is not None:
            out.append((child.leaf,))
        else:
            out.append(tuple(g.leaf for g in child.children if g.leaf is not None))
    return out


def _unit_label(cat: Catalogue, unit: tuple[Field, ...]) -> str:
    if len(unit) == 1:
        return unit[0].label
    return cat.groups[unit[0].group_path].label


def _weight(unit: tuple[Field, ...]) -> int:
    return 2 if any(fd.kind is FieldKind.LONG_TEXT for fd in unit) else 1


def _stack(units: list[tuple[Field, ...]], columns: int) -> list[list[tuple[Field, ...]]]:
    """Split ``units`` in order into ``columns`` groups of about equal weight."""
    total = sum(_weight(u) for u in units)
    out: list[list[tuple[Field, ...]]] = [[]]
    done = 0
    for position, unit in enumerate(units):
        remaining_units = len(units) - position
        remaining_columns = columns - len(out)
        target = total * len(out) / columns
        if out[-1] and remaining_columns and (done >= target or remaining_units <= remaining_columns):
            out.append([])
        out[-1].append(unit)
        done += _weight(unit)
    return out


def _column_widths(fields: list[Field]) -> list[int]:
    fixed = {FieldKind.DATE: 1700, FieldKind.NUMBER: 1300, FieldKind.CHOICE: 1900, FieldKind.CHECKBOX: 900}
    widths: list[int | None] = [fixed.get(fd.kind) for fd in fields]
    flexible = [i for i, w in enumerate(widths) if w is None]
    spare = CONTENT_WIDTH - sum(w for w in widths if w is not None)
    if flexible:
        weights = [2 if fields[i].kind is FieldKind.LONG_TEXT else 1 for i in flexible]
        for i, weight in zip(flexible, weights):
            widths[i] = spare * weight // sum(weights)
    out = [int(w or 0) for w in widths]
    out[-1] += CONTENT_WIDTH - sum(out)
    return out
