"""Finding our fields in a Word document, and which list row each one belongs to.

Used both on templates (to compile them) and on returned forms (to read them), so
the two always agree on what the document means.

Which field a control is comes from its marks (see :mod:`.control_names`). Which *list
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
from typing import Callable, Iterator, Mapping

from lxml import etree

from ..catalogue import Catalogue
from .controls import ControlKind, bookmark_names, kind_of, read_control
from .control_names import Names
from .ooxml import qn

_W_SDT = qn("w:sdt")
_W_SDT_PR = qn("w:sdtPr")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_TR = qn("w:tr")
_W_TBL = qn("w:tbl")
_BM_START = qn("w:bookmarkStart")
_W_ID = qn("w:id")
_W_NAME = qn("w:name")
_W_TC = qn("w:tc")
_W_VAL = qn("w:val")
_W_BODY = qn("w:body")
_W_P = qn("w:p")
_W_T = qn("w:t")


class Marks:
    """What a control says about itself, before we know the kind of document.

    It also keeps what the reader needs from the control, taken in the same walk:
    its properties and content elements, its text, the placeholder flag, and the
    element that holds its state (``w:date``, ``w14:checkbox``, ``w:dropDownList``).
    Its bookmark names are worked out only when asked for: a control whose tag
    names its field never needs them.
    """

    __slots__ = ("sdt", "kind", "tag", "pr", "content", "text", "showing", "state",
                 "_alias", "_bookmarks", "_inside", "_names", "_row", "_table", "_placed")

    def __init__(self, sdt: etree._Element, kind: ControlKind, tag: str | None, alias: str | etree._Element | None,
                 bookmarks: list[str] | None = None, pr: etree._Element | None = None,
                 content: etree._Element | None = None, text: str = "", showing: bool = False,
                 state: etree._Element | None = None, inside: list[etree._Element] | None = None,
                 names_by_id: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.sdt = sdt
        self.kind = kind
        self.tag = tag
        self.pr = pr
        self.content = content
        self.text = text
        self.showing = showing
        self.state = state
        self._alias = alias
        self._bookmarks = bookmarks
        self._inside = inside
        self._names = names_by_id
        self._placed = False

    def _place(self) -> None:
        # Found on first use only: most fields of an agreement are in no list and never ask.
        # A control in a table sits in a paragraph of a cell of the row: look there first,
        # since asking an element its tag costs as much as the step itself.
        row = table = None
        node = self.sdt.getparent()
        cell = node.getparent() if node is not None else None
        guess = cell.getparent() if cell is not None else None
        if guess is not None and guess.tag == _W_TR and node.tag == _W_P:  # type: ignore[union-attr]
            above = guess.getparent()
            if above is not None and above.tag == _W_TBL:
                self._row, self._table, self._placed = guess, above, True
                return
        while node is not None:
            tag = node.tag
            if tag == _W_TR:
                if row is None:
                    row = node
            elif tag == _W_TBL:
                table = node
                break
            elif tag == _W_BODY:
                break
            node = node.getparent()
        self._row, self._table, self._placed = row, table, True

    @property
    def row(self) -> etree._Element | None:
        """The table row holding the control (the innermost), or None."""
        if not self._placed:
            self._place()
        return self._row

    @property
    def table(self) -> etree._Element | None:
        """The table holding the control (the innermost), or None."""
        if not self._placed:
            self._place()
        return self._table

    @property
    def alias(self) -> str | None:
        """The control's title (``w:alias``)."""
        if self._alias is not None and not isinstance(self._alias, str):
            self._alias = self._alias.get(_W_VAL)
        return self._alias  # type: ignore[return-value]

    @property
    def bookmarks(self) -> list[str]:
        """Names of the bookmarks that mark the control (see :func:`.controls.bookmark_names`)."""
        if self._bookmarks is None:
            self._bookmarks = bookmark_names(self.sdt, self._inside or [], self._names or dict)
        return self._bookmarks

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


def leaf_controls(root: etree._Element) -> Iterator[Marks]:
    """Every content control that holds a value, in document order, with its marks.

    Controls that contain other controls (repeating sections, and the paragraph
    wrappers LibreOffice adds around some controls) are containers, not fields.
    This runs for every control of every form read, so each control is walked
    once (its properties, then its content), rows and bookmark names are found
    only when asked for, and lxml's ``find`` (a Python-level path search) and
    multi-tag ``iter`` (costly to set up) are avoided.
    """
    end_names: dict[str, str] | None = None

    def names_by_id() -> dict[str, str]:
        nonlocal end_names
        if end_names is None:
            end_names = {}
            for start in root.iter(_BM_START):
                number, name = start.get(_W_ID), start.get(_W_NAME)
                if number is not None and name:
                    end_names[number] = name
        return end_names

    sdt_pr_tag, content_tag, other = _W_SDT_PR, _W_SDT_CONTENT, ControlKind.OTHER
    for sdt in root.iter(_W_SDT):
        sdt_pr = content = None
        for child in sdt:
            tag = child.tag
            if tag == sdt_pr_tag:
                sdt_pr = child
            elif tag == content_tag:
                content = child
        kind, tag_value, alias, showing, state, text, inside, nested = read_control(sdt_pr, content)
        if kind is other or nested:
            continue
        yield Marks(sdt, kind, tag_value, alias, None, sdt_pr, content, text, showing, state, inside, names_by_id)


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
        # The lists inside each list (a new item of a list starts its inner lists again).
        inner = {ls.path: tuple(other.path for other in cat.lists if other.path.startswith(ls.path + ".*."))
                 for ls in cat.lists}
        # Per pattern, each list it sits in: (list, direct?, a row list?, the inner list on the way, inner lists)
        self._steps: dict[str, tuple[tuple[str, bool, bool, str | None, tuple[str, ...]], ...]] = {
            pattern: tuple((list_path, depth == len(chain) - 1, list_path in self.row_lists,
                            chain[depth + 1] if depth < len(chain) - 1 else None, inner[list_path])
                           for depth, list_path in enumerate(chain))
            for pattern, chain in self.chains.items()
        }
        self._paths: dict[tuple[str, tuple[int, ...]], str] = {}

    def assign(self, controls: list[tuple[Marks, str]]) -> list[Located]:
        """Concrete paths for identified controls (``(marks, pattern)`` in document order)."""
        return [Located(marks, pattern, path, items)
                for (marks, pattern), (path, items) in zip(controls, self._walk(controls, True))]

    def paths(self, controls: list[tuple[Marks, str]]) -> list[str]:
        """Just the concrete paths of :meth:`assign` (what the reader needs, and faster)."""
        return [path for path, _ in self._walk(controls, False)]

    def _walk(self, controls: list[tuple[Marks, str]],
              with_items: bool) -> list[tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]]:
        state: dict[str, _Item] = {}
        out: list[tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]] = []
        steps_of = self._steps
        paths = self._paths
        for marks, pattern in controls:
            steps = steps_of[pattern]
            if not steps:
                out.append((pattern, ()))
                continue
            indices: tuple[int, ...] = ()
            items: list[tuple[str, tuple[int, ...]]] | None = [] if with_items else None
            for list_path, direct, row_list, child, inner_lists in steps:
                item = state.get(list_path)
                if item is None:
                    item = state[list_path] = _Item()
                if item.index < 0:
                    new = True
                elif direct and row_list:
                    new = pattern in item.seen or (marks.row is not None and marks.row is not item.row)
                elif direct:
                    new = pattern in item.seen and (marks.table is None or marks.table is not item.table)
                else:
                    new = child in item.tables and item.tables[child] is not marks.table
                if new:
                    item.index += 1
                    item.seen = set()
                    item.row = marks.row
                    item.table = None
                    item.tables = {}
                    for inner in inner_lists:
                        if inner in state:
                            del state[inner]
                if direct:
                    if not item.seen:
                        item.table = marks.table
                    item.seen.add(pattern)
                else:
                    item.tables.setdefault(child, marks.table)  # type: ignore[arg-type]
                indices += (item.index,)
                if items is not None:
                    items.append((list_path, indices))
            path = paths.get((pattern, indices))
            if path is None:
                path = self._path(pattern, indices)
            out.append((path, tuple(items) if items is not None else ()))
        return out

    def _path(self, pattern: str, indices: tuple[int, ...]) -> str:
        key = (pattern, indices)
        path = self._paths.get(key)
        if path is None:
            path = _concrete(pattern, indices)
            if len(self._paths) < _MAX_PATHS:  # bounded: a huge document must not grow it for ever
                self._paths[key] = path
        return path


#: Concrete paths a :class:`Structure` remembers (a form has a few hundred).
_MAX_PATHS = 20000


def _concrete(pattern: str, indices: tuple[int, ...] | list[int]) -> str:
    if not indices:
        return pattern
    parts = pattern.split(".")
    it = iter(indices)
    return ".".join(str(next(it)) if part == "*" else part for part in parts)
