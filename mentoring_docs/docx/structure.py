"""Finding our fields in a Word document, and which list row each one belongs to.

Used both on templates (to compile them) and on returned forms (to read them), so
the two always agree on what the document means.

Which field a control is comes from its marks (see :mod:`.naming`). Which *list
item* it belongs to comes from the document's structure, never from the marks,
because people copy and delete rows:

- an item of a list without inner lists (milestones, objectives, activities,
  reviews, the agreement's goal lists) is a table row: a control in another row
  starts another item;
- an item of a list with inner lists (the action plan's goals) is a block of
  tables and paragraphs: it ends when one of its own fields repeats in another
  table (a copied goal block), or when one of its inner lists continues in a
  different table. A field repeated inside the item's own table (a copied row)
  is the same field twice, not a new item.

A control can also lose every mark: a row copied in Word keeps only the tags
(bookmark names must be unique), and LibreOffice then drops the tags too, or
renames duplicated bookmarks (``..._Copy_1``). Such a control takes its field
from the layout instead (:func:`recover`): a row of the same table laid out the
same way (the same text outside the controls, the same kinds of control in the
same cells) whose controls are still named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree

from ..catalogue import Catalogue
from .controls import ControlKind, bookmark_names, kind_of
from .naming import Names
from .ooxml import qn

_W_SDT = qn("w:sdt")
_W_SDT_PR = qn("w:sdtPr")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_TAG = qn("w:tag")
_W_ALIAS = qn("w:alias")
_W_VAL = qn("w:val")
_W_TR = qn("w:tr")
_W_TBL = qn("w:tbl")
_BM_START = qn("w:bookmarkStart")
_W_ID = qn("w:id")
_W_NAME = qn("w:name")
_W_TC = qn("w:tc")
_W_T = qn("w:t")


@dataclass
class Marks:
    """What a control says about itself, before we know the kind of document."""

    sdt: etree._Element
    kind: ControlKind
    tag: str | None
    alias: str | None
    bookmarks: list[str]
    row: etree._Element | None
    table: etree._Element | None

    def describe(self) -> str:
        """A short human description, for error messages."""
        if self.tag:
            return f"tag {self.tag!r}"
        if self.alias:
            return f"title {self.alias!r}"
        if self.bookmarks:
            return f"bookmark {self.bookmarks[0]!r}"
        return "a control with no tag, title or bookmark"

    def identify(self, names: Names) -> str | None:
        """The field pattern of this control in a document of ``names``' kind."""
        if self.tag:
            pattern = names.from_tag(self.tag)
            if pattern:
                return pattern
        for name in self.bookmarks:
            pattern = names.from_bookmark(name)
            if pattern:
                return pattern
        if self.alias:
            return names.from_alias(self.alias)
        return None


def _val(parent: etree._Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    node = parent.find(tag)
    return node.get(_W_VAL) if node is not None else None


def _ancestor(node: etree._Element, tag: str) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return parent
        parent = parent.getparent()
    return None


def leaf_controls(root: etree._Element) -> Iterator[Marks]:
    """Every content control that holds a value, in document order, with its marks.

    Controls that contain other controls (repeating sections, and the paragraph
    wrappers LibreOffice adds around some controls) are containers, not fields.
    """
    end_names: dict[str, str] = {}
    for start in root.iter(_BM_START):
        number = start.get(_W_ID)
        if number is not None and start.get(_W_NAME):
            end_names[number] = start.get(_W_NAME)  # type: ignore[assignment]
    for sdt in root.iter(_W_SDT):
        content = sdt.find(_W_SDT_CONTENT)
        if content is not None and next(content.iter(_W_SDT), None) is not None:
            continue
        sdt_pr = sdt.find(_W_SDT_PR)
        kind = kind_of(sdt_pr)
        if kind is ControlKind.OTHER:
            continue
        yield Marks(
            sdt=sdt, kind=kind, tag=_val(sdt_pr, _W_TAG), alias=_val(sdt_pr, _W_ALIAS),
            bookmarks=bookmark_names(sdt, end_names), row=_ancestor(sdt, _W_TR), table=_ancestor(sdt, _W_TBL),
        )


def recover(marks: list[Marks], patterns: list[str | None]) -> list[str | None]:
    """``patterns`` with those of unnamed controls filled in from the layout, where it tells.

    An unnamed control in a table row takes the field of the control in the same
    position of the nearest row of the same table that has the same layout and
    whose controls are all named; failing that, of any such row in the document,
    as long as they all agree. Controls it cannot place stay None.
    """
    if None not in patterns:
        return patterns
    out = list(patterns)
    rows: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        if m.row is not None:
            rows.setdefault(id(m.row), []).append(i)
    named = [positions for positions in rows.values() if all(patterns[i] is not None for i in positions)]
    order = {key: number for number, key in enumerate(rows)}
    layouts: dict[int, tuple] = {}

    def layout(positions: list[int]) -> tuple:
        row = marks[positions[0]].row
        key = id(row)
        if key not in layouts:
            layouts[key] = row_layout(row)  # type: ignore[arg-type]
        return layouts[key]

    for key, positions in rows.items():
        if all(patterns[i] is not None for i in positions):
            continue
        first = marks[positions[0]]
        kinds = [marks[i].kind for i in positions]
        alike = [p for p in named if len(p) == len(positions) and [marks[i].kind for i in p] == kinds
                 and layout(p) == layout(positions)]
        same_table = [p for p in alike if marks[p[0]].table is first.table]
        if same_table:
            model = min(same_table, key=lambda p: (abs(order[id(marks[p[0]].row)] - order[key]),
                                                  order[id(marks[p[0]].row)] > order[key]))
        elif alike and len({tuple(patterns[i] for i in p) for p in alike}) == 1:
            model = alike[0]
        else:
            continue
        for mine, theirs in zip(positions, model):
            if out[mine] is None:
                out[mine] = patterns[theirs]
    return out


def row_layout(row: etree._Element) -> tuple:
    """What a table row looks like without its answers: cells, text outside controls, kinds of control."""
    out: list[object] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            joined = " ".join("".join(text).split())
            if joined:
                out.append(joined)
            text.clear()

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if tag == _W_SDT:
                content = child.find(_W_SDT_CONTENT)
                if content is not None and next(content.iter(_W_SDT), None) is not None:
                    walk(content)  # a container: a repeating-section item, a wrapper
                else:
                    flush()
                    out.append(kind_of(child.find(_W_SDT_PR)))
            elif tag == _W_TC:
                flush()
                out.append("|")
                walk(child)
            elif tag == _W_T:
                text.append(child.text or "")
            elif isinstance(tag, str):
                walk(child)

    walk(row)
    flush()
    return tuple(out)


@dataclass
class Located:
    """One of our fields found in a document, with its concrete path."""

    marks: Marks
    pattern: str
    path: str
    #: ``(list pattern, indices)`` of each list item this control sits in, outermost first.
    items: tuple[tuple[str, tuple[int, ...]], ...]


@dataclass
class _Item:
    index: int = -1
    seen: set[str] = field(default_factory=set)
    row: etree._Element | None = None
    #: the table holding the item's own fields (block lists)
    table: etree._Element | None = None
    tables: dict[str, etree._Element | None] = field(default_factory=dict)


class Structure:
    """The list structure of one kind of document, from its catalogue."""

    def __init__(self, cat: Catalogue) -> None:
        self.catalogue = cat
        self.chains: dict[str, tuple[str, ...]] = {}
        for fd in cat.fields:
            chain: list[str] = []
            current = fd.list_path
            while current is not None:
                chain.insert(0, current)
                current = cat.lists_by_path[current].parent
            self.chains[fd.path] = tuple(chain)
        #: lists whose items are table rows (they hold no lists themselves)
        self.row_lists = frozenset(ls.path for ls in cat.lists if not ls.lists)

    def assign(self, controls: list[tuple[Marks, str]]) -> list[Located]:
        """Concrete paths for identified controls (``(marks, pattern)`` in document order)."""
        state: dict[str, _Item] = {}
        out: list[Located] = []
        for marks, pattern in controls:
            chain = self.chains[pattern]
            indices: list[int] = []
            items: list[tuple[str, tuple[int, ...]]] = []
            for depth, list_path in enumerate(chain):
                item = state.get(list_path)
                if item is None:
                    item = state[list_path] = _Item()
                direct = depth == len(chain) - 1
                if item.index < 0:
                    new = True
                elif direct and list_path in self.row_lists:
                    new = pattern in item.seen or (marks.row is not None and marks.row is not item.row)
                elif direct:
                    new = pattern in item.seen and (marks.table is None or marks.table is not item.table)
                else:
                    child = chain[depth + 1]
                    before = item.tables.get(child)
                    new = child in item.tables and before is not marks.table
                if new:
                    item.index += 1
                    item.seen = set()
                    item.row = marks.row
                    item.table = None
                    item.tables = {}
                    prefix = list_path + ".*."
                    for inner in [p for p in state if p.startswith(prefix)]:
                        del state[inner]
                if direct:
                    if not item.seen:
                        item.table = marks.table
                    item.seen.add(pattern)
                else:
                    item.tables.setdefault(chain[depth + 1], marks.table)
                indices.append(item.index)
                items.append((list_path, tuple(indices)))
            out.append(Located(marks, pattern, _concrete(pattern, indices), tuple(items)))
        return out


def _concrete(pattern: str, indices: list[int]) -> str:
    if not indices:
        return pattern
    parts = pattern.split(".")
    it = iter(indices)
    return ".".join(str(next(it)) if part == "*" else part for part in parts)
