"""Page layout of the PDF forms, derived from the field catalogue alone.

The catalogue's structure tree decides everything: each top-level group is a
section (a heading band with the section's prompt), short fields share rows,
long text gets a full-width box with its question printed above it, each focus
area is a ticked box, lists get their fixed rows (:mod:`.rows`), sibling groups of
the same shape (mentor and mentee, the three signatures) stand side by side.
Nothing here names a field: a field added to the schemas appears on the form.

:func:`draw` paints the static page art with reportlab and returns where each
form field goes; :mod:`.assemble` then adds the fields.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..catalogue import Catalogue, Field, FieldKind, Node
from ..paper import SIZES, Paper
from .rows import rows as rows_of

PAGE_W, PAGE_H = SIZES["letter"].width, SIZES["letter"].height  # the layout's own width; see draw() for A4
MARGIN_X = 48.0
MARGIN_TOP = 46.0
MARGIN_BOTTOM = 50.0
CONTENT_W = PAGE_W - 2 * MARGIN_X
GAP = 8.0  # between boxes in a row

INK = (0.11, 0.16, 0.25)       # headings
ACCENT = (0.16, 0.29, 0.47)    # section bands
MUTED = (0.36, 0.39, 0.45)     # labels and prompts
BOX_FILL = (0.945, 0.957, 0.98)
BOX_LINE = (0.55, 0.58, 0.64)

LABEL_SIZE = 7.2
PROMPT_SIZE = 7.4
BOX_H = 17.0          # one-line boxes
LINE_H = 11.6         # per line of a long-text box
CHECK = 10.0          # checkbox side
SIGNATURE_LINE_H = 40.0  # the row with the line to sign on (and the digital signature field)

BOLD = "Helvetica-Bold"
REGULAR = "Helvetica"
ITALIC = "Helvetica-Oblique"


@dataclass
class Widget:
    """Where one form field goes: its concrete path, catalogue field and rectangle."""

    path: str
    field: Field
    page: int
    rect: tuple[float, float, float, float]


@dataclass
class Row:
    """A horizontal strip of the page: its height and how to paint it at a given top."""

    height: float
    paint: Callable[["Painter", float], None]
    keep_next: bool = False  # a heading or prompt: never the last thing on a page


@dataclass
class Block:
    """Rows that stay together on one page (a heading with its first fields, a list item)."""

    rows: list[Row] = field(default_factory=list)
    keep: bool = False  # True: all rows on one page (a list item); False: may break between rows

    @property
    def height(self) -> float:
        return sum(r.height for r in self.rows)


class Painter:
    """The reportlab canvas plus the page we are on and the widgets placed so far."""

    def __init__(self, canvas: Canvas, shift: float = 0.0) -> None:
        self.c = canvas
        self.page = 0
        self.widgets: list[Widget] = []
        # How far right of the Letter layout the page art is drawn (the canvas is
        # translated by it); form fields are placed on the page, so they move too.
        self.shift = shift

    def box(self, path: str, fd: Field, x: float, y_top: float, w: float, h: float) -> None:
        c = self.c
        c.setLineWidth(0.6)
        c.setStrokeColorRGB(*BOX_LINE)
        c.setFillColorRGB(*BOX_FILL)
        c.rect(x, y_top - h, w, h, stroke=1, fill=1)
        dx = self.shift
        self.widgets.append(Widget(path, fd, self.page, (x + dx, y_top - h, x + w + dx, y_top)))

    def text(self, x: float, y: float, text: str, font: str, size: float, color=MUTED) -> None:
        self.c.setFont(font, size)
        self.c.setFillColorRGB(*color)
        self.c.drawString(x, y, text)


# -- text helpers -------------------------------------------------------------------


def fit(text: str, font: str, size: float, width: float, smallest: float = 5.5) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap with reportlab's metrics (page art only, English text)."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for word in para.split():
            trial = f"{current} {word}".strip()
            if current and stringWidth(trial, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


# -- rows ---------------------------------------------------------------------------


def natural_width(fd: Field) -> float:
    """How wide a one-line field wants to be before a row stretches it."""
    if fd.kind is FieldKind.DATE:
        return 72.0
    if fd.kind is FieldKind.NUMBER:
        return 60.0
    if fd.kind is FieldKind.CHOICE:
        widest = max(stringWidth(c.label, REGULAR, 10) for c in fd.choices)
        return max(60.0, widest + 12.0)
    if fd.format == "email":
        return 190.0
    if fd.required and fd.list_path is not None:
        # The name of a list item (a goal's title, a competency): room for a phrase.
        return 300.0
    return 160.0


def stretch_limit(fd: Field) -> float:
    return 1.4 if fd.kind in (FieldKind.DATE, FieldKind.NUMBER) else 4.0


def short_rows(cells: list[tuple[str, Field, str]], width: float) -> list[Row]:
    """One-line fields packed left to right into rows of ``width``; labels above boxes."""
    out: list[Row] = []
    line: list[tuple[str, Field, str, float]] = []
    used = 0.0
    for path, fd, label in cells:
        want = min(natural_width(fd), width)
        if line and used + GAP + want > width:
            out.append(_short_row(line, width))
            line, used = [], 0.0
        line.append((path, fd, label, want))
        used += (GAP if len(line) > 1 else 0) + want
    if line:
        out.append(_short_row(line, width))
    return out


def _short_row(line: list[tuple[str, Field, str, float]], width: float) -> Row:
    natural = sum(w for *_, w in line)
    spare = width - natural - GAP * (len(line) - 1)
    widths = [w for *_, w in line]
    # Hand the spare width out to the cells that may still grow, proportionally.
    for _ in range(4):
        growable = [i for i, (_, fd, _, w) in enumerate(line) if widths[i] < w * stretch_limit(fd) - 0.01]
        if spare <= 0.01 or not growable:
            break
        total = sum(widths[i] for i in growable)
        handed = 0.0
        for i in growable:
            cap = line[i][3] * stretch_limit(line[i][1])
            extra = min(spare * widths[i] / total, cap - widths[i])
            widths[i] += extra
            handed += extra
        spare -= handed
    label_h = LABEL_SIZE + 3

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        x = MARGIN_X + x0
        for (path, fd, label, _), w in zip(line, widths):
            p.text(x, top - LABEL_SIZE, label, BOLD, fit(label, BOLD, LABEL_SIZE, w), MUTED)
            p.box(path, fd, x, top - label_h, w, BOX_H)
            x += w + GAP

    return Row(label_h + BOX_H + 6, paint)


def long_rows(cells: list[tuple[str, Field, str]], width: float, per_row: int, lines: int,
              prompts: bool = True, label: bool = True) -> list[Row]:
    """Multi-line boxes, ``per_row`` side by side, each with its label and question above."""
    out = []
    for start in range(0, len(cells), per_row):
        group = cells[start:start + per_row]
        w = (width - GAP * (len(group) - 1)) / len(group)
        wanted = [wrap_words(fd.help, ITALIC, PROMPT_SIZE, w)[:3] if prompts else [] for _, fd, _ in group]
        prompt_lines = max(len(pl) for pl in wanted)
        label_h = (LABEL_SIZE + 3 if label else 0) + prompt_lines * (PROMPT_SIZE + 1.6) + 1.5
        box_h = lines * LINE_H + 4

        def paint(p: Painter, top: float, x0: float = 0.0, group=group, w=w, wanted=wanted, label_h=label_h,
                  box_h=box_h) -> None:
            x = MARGIN_X + x0
            for (path, fd, text), prompt in zip(group, wanted):
                if label:
                    p.text(x, top - LABEL_SIZE, text, BOLD, fit(text, BOLD, LABEL_SIZE, w), MUTED)
                y = top - (LABEL_SIZE + 3 if label else 0) - PROMPT_SIZE
                for line in prompt:
                    p.text(x, y, line, ITALIC, PROMPT_SIZE, MUTED)
                    y -= PROMPT_SIZE + 1.6
                p.box(path, fd, x, top - label_h, w, box_h)
                x += w + GAP

        out.append(Row(label_h + box_h + 7, paint))
    return out


def check_rows(cells: list[tuple[str, Field, str]], width: float, columns: int = 3) -> list[Row]:
    """A grid of checkboxes with their labels."""
    out = []
    col_w = (width - GAP * (columns - 1)) / columns
    for start in range(0, len(cells), columns):
        group = cells[start:start + columns]

        def paint(p: Painter, top: float, x0: float = 0.0, group=group) -> None:
            x = MARGIN_X + x0
            for path, fd, label in group:
                p.box(path, fd, x, top - 1, CHECK, CHECK)
                size = fit(label, REGULAR, 8.6, col_w - CHECK - 6)
                p.text(x + CHECK + 5, top - CHECK + 1.5, label, REGULAR, size, INK)
                x += col_w + GAP

        out.append(Row(CHECK + 7, paint))
    return out


def heading_row(title: str, width: float = CONTENT_W) -> Row:
    """A section's title band."""
    height = 17.0

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        c = p.c
        c.setFillColorRGB(*ACCENT)
        c.rect(MARGIN_X + x0, top - height, width, height, stroke=0, fill=1)
        p.text(MARGIN_X + x0 + 6, top - height + 5, title, BOLD, fit(title, BOLD, 10.5, width - 12), (1, 1, 1))

    return Row(height + 4, paint, keep_next=True)


def prompt_row(text: str, width: float = CONTENT_W, size: float = 8.2) -> Row:
    """A section's or list's guiding question, in italics."""
    lines = wrap_words(text, ITALIC, size, width)

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        y = top - size
        for line in lines:
            p.text(MARGIN_X + x0, y, line, ITALIC, size, MUTED)
            y -= size + 2

    return Row(len(lines) * (size + 2) + 5, paint, keep_next=True)


def subheading_row(title: str, width: float = CONTENT_W) -> Row:
    """A group's or list item's title with a thin rule under it."""

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        p.text(MARGIN_X + x0, top - 9, title, BOLD, 9.2, INK)
        c = p.c
        c.setStrokeColorRGB(*BOX_LINE)
        c.setLineWidth(0.4)
        c.line(MARGIN_X + x0, top - 12, MARGIN_X + x0 + width, top - 12)

    return Row(17, paint, keep_next=True)


def numbered_rows(cells: list[tuple[str, Field]], width: float) -> list[Row]:
    """A list of one-line texts: one numbered box per row."""
    out = []
    for number, (path, fd) in enumerate(cells, start=1):

        def paint(p: Painter, top: float, x0: float = 0.0, path=path, fd=fd, number=number) -> None:
            p.text(MARGIN_X + x0, top - 12, f"{number}.", BOLD, 8.5, INK)
            p.box(path, fd, MARGIN_X + x0 + 16, top, width - 16, BOX_H)

        out.append(Row(BOX_H + 4, paint))
    return out


def table_rows(item_fields: list[Field], concrete: list[list[tuple[str, Field]]], width: float) -> list[Row]:
    """A list of records with one-line fields only: a table with a header row."""
    natural = [natural_width(fd) for fd in item_fields]
    total = sum(natural) + GAP * (len(natural) - 1)
    widths = [w * (width - 16 - GAP * (len(natural) - 1)) / (total - GAP * (len(natural) - 1)) for w in natural]
    if total > width:
        widths = [w * width / total for w in widths]

    def header(p: Painter, top: float, x0: float = 0.0) -> None:
        x = MARGIN_X + x0 + 16
        for fd, w in zip(item_fields, widths):
            p.text(x, top - LABEL_SIZE, fd.label, BOLD, fit(fd.label, BOLD, LABEL_SIZE, w), MUTED)
            x += w + GAP

    out = [Row(LABEL_SIZE + 3, header, keep_next=True)]
    for number, cells in enumerate(concrete, start=1):

        def paint(p: Painter, top: float, x0: float = 0.0, cells=cells, number=number) -> None:
            p.text(MARGIN_X + x0, top - 12, f"{number}.", BOLD, 8.5, INK)
            x = MARGIN_X + x0 + 16
            for (path, fd), w in zip(cells, widths):
                p.box(path, fd, x, top, w, BOX_H)
                x += w + GAP

        out.append(Row(BOX_H + 4, paint))
    out[-1].height += 4
    return out


def columns_row(blocks: list[list[Row]], width: float = CONTENT_W) -> Row:
    """Several stacks of rows side by side (mentor | mentee, the signatures)."""
    col_w = (width - 2 * GAP * (len(blocks) - 1)) / len(blocks)
    height = max(sum(r.height for r in rows) for rows in blocks)

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        for i, rows in enumerate(blocks):
            y = top
            for row in rows:
                row.paint(p, y, x0 + i * (col_w + 2 * GAP))  # type: ignore[call-arg]
                y -= row.height

    return Row(height, paint)


def signature_line_row(width: float) -> Row:
    """A ruled line to sign by hand (a drawn line, not a form field)."""

    def paint(p: Painter, top: float, x0: float = 0.0) -> None:
        c = p.c
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.7)
        c.line(MARGIN_X + x0, top - 26, MARGIN_X + x0 + width, top - 26)
        p.text(MARGIN_X + x0, top - 34, "Signature", BOLD, LABEL_SIZE, MUTED)

    return Row(SIGNATURE_LINE_H, paint)


# -- the catalogue walk ---------------------------------------------------------------


class Layout:
    """Turns one kind's catalogue into blocks of rows."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.rows = rows_of(cat.kind, cat.extension)

    # The content of a group node (or list item) as blocks; ``width`` is the column width.
    def content(self, node: Node, concrete: str, width: float, in_item: bool, prompts: bool = True) -> list[Block]:
        blocks: list[Block] = [Block()]
        pending_short: list[tuple[str, Field, str]] = []
        pending_long: list[tuple[str, Field, str]] = []

        def flush() -> None:
            if pending_short:
                blocks[-1].rows += short_rows(list(pending_short), width)
                pending_short.clear()
            if pending_long:
                per_row = 1 if not in_item else (3 if len(pending_long) == 3 else 2)
                lines = 4 if not in_item else (2 if per_row == 1 else 3)
                blocks[-1].rows += long_rows(list(pending_long), width, per_row, lines, prompts)
                pending_long.clear()

        children = list(node.children)
        if in_item:
            # In a list item, a required long text (the activity itself) leads; then the
            # short facts share rows, then the remaining long texts side by side.
            lead = [c for c in children if c.leaf is not None and c.leaf.kind is FieldKind.LONG_TEXT and c.leaf.required]
            short = [c for c in children if c not in lead and self._is_short(c)]
            rest = [c for c in children if c not in lead and c not in short]
            children = lead + short + rest
        i = 0
        while i < len(children):
            child = children[i]
            path = f"{concrete}.{child.key}" if concrete else child.key
            if child.leaf is not None:
                fd = child.leaf
                if fd.kind is FieldKind.CHECKBOX and fd.set_path is None:
                    # A yes/no statement: its box and caption on a line of their own, the question below.
                    flush()
                    blocks[-1].rows += check_rows([(path, fd, fd.label)], width, columns=1)
                    blocks[-1].rows.append(prompt_row(fd.help, width, PROMPT_SIZE))
                    i += 1
                    continue
                if fd.kind is FieldKind.LONG_TEXT:
                    if pending_short or (not in_item and pending_long):
                        flush()
                    pending_long.append((path, fd, fd.label))
                else:
                    if pending_long:
                        flush()
                    pending_short.append((path, fd, fd.label))
                i += 1
                continue
            if child.pattern in self.cat.choice_sets:
                flush()
                group = self.cat.groups[child.pattern]
                blocks[-1].rows.append(self._label_row(group.label, group.help, width))
                blocks[-1].rows += check_rows([(f"{path}.{c.key}", c.leaf, c.leaf.label) for c in child.children if c.leaf], width)
                i += 1
                continue
            if child.is_list:
                flush()
                blocks += self.list_blocks(child, path, width)
                blocks.append(Block())
                i += 1
                continue
            twins = self._twins(children, i)
            if len(twins) > 1:
                flush()
                blocks.append(Block([self.side_by_side(twins, concrete, width)]))
                blocks.append(Block())
                i += len(twins)
                continue
            # a nested group: small all-short groups join the current rows inline
            if self._is_short(child):
                for leaf_node in child.children:
                    leaf = leaf_node.leaf
                    assert leaf is not None
                    label = leaf.label if leaf_node is not child.children[0] else self.cat.groups[child.pattern].label
                    pending_short.append((f"{path}.{leaf_node.key}", leaf, label))
                i += 1
                continue
            flush()
            group = self.cat.groups[child.pattern]
            inner = self.content(child, path, width, in_item, prompts)
            inner[0].rows[:0] = [subheading_row(group.label, width)]
            blocks += inner
            blocks.append(Block())
            i += 1
        flush()
        return [b for b in blocks if b.rows]

    def _is_short(self, node: Node) -> bool:
        if node.leaf is not None:
            return node.leaf.kind not in (FieldKind.LONG_TEXT,)
        if node.is_list or node.pattern in self.cat.choice_sets:
            return False
        return 0 < len(node.children) <= 2 and all(
            c.leaf is not None and c.leaf.kind is not FieldKind.LONG_TEXT for c in node.children)

    def _shape(self, node: Node) -> tuple[str, ...] | None:
        if node.leaf is not None or node.is_list or node.pattern in self.cat.choice_sets:
            return None
        if not all(c.leaf is not None for c in node.children):
            return None
        return tuple(c.key for c in node.children)

    def _twins(self, children: list[Node], start: int) -> list[Node]:
        shape = self._shape(children[start])
        if shape is None:
            return [children[start]]
        out = [children[start]]
        for other in children[start + 1:]:
            if self._shape(other) != shape:
                break
            out.append(other)
        return out

    def side_by_side(self, twins: list[Node], concrete: str, width: float) -> Row:
        """Groups of the same shape in columns; signature groups get a line to sign on."""
        col_w = (width - 2 * GAP * (len(twins) - 1)) / len(twins)
        stacks = []
        for node in twins:
            path = f"{concrete}.{node.key}" if concrete else node.key
            group = self.cat.groups[node.pattern]
            top_level = not concrete
            stack = [heading_row(group.label, col_w) if top_level else subheading_row(group.label, col_w)]
            if top_level:
                stack.append(prompt_row(group.help, col_w))
            else:
                stack.append(signature_line_row(col_w))
            for leaf_node in node.children:
                fd = leaf_node.leaf
                assert fd is not None
                stack += short_rows([(f"{path}.{leaf_node.key}", fd, fd.label)], col_w)
            stacks.append(stack)
        return columns_row(stacks, width)

    def _label_row(self, label: str, help: str, width: float) -> Row:
        prompt = wrap_words(help, ITALIC, PROMPT_SIZE, width - stringWidth(label, BOLD, LABEL_SIZE + 1) - 10)[:1]

        def paint(p: Painter, top: float, x0: float = 0.0) -> None:
            p.text(MARGIN_X + x0, top - 8, label, BOLD, LABEL_SIZE + 1, INK)
            if prompt:
                p.text(MARGIN_X + x0 + stringWidth(label, BOLD, LABEL_SIZE + 1) + 8, top - 8, prompt[0], ITALIC,
                       PROMPT_SIZE, MUTED)

        return Row(14, paint, keep_next=True)

    def list_blocks(self, node: Node, path: str, width: float, titled: bool = True) -> list[Block]:
        """A list's fixed rows: numbered boxes, a table, or one block per item."""
        spec = self.cat.lists_by_path[node.pattern]
        count = self.rows[node.pattern]
        item = node.children[0]
        head = [subheading_row(spec.label, width), prompt_row(spec.help, width, PROMPT_SIZE)] if titled else []
        if item.leaf is not None:
            return [Block(head + numbered_rows([(f"{path}.{i}", item.leaf) for i in range(count)], width))]
        leaves = [(c, c.leaf) for c in item.children if c.leaf is not None]
        if len(leaves) == len(item.children) and all(self._is_short(c) for c, _ in leaves):
            concrete = [[(f"{path}.{i}.{c.key}", leaf) for c, leaf in leaves] for i in range(count)]
            return [Block(head + table_rows([leaf for _, leaf in leaves], concrete, width))]
        blocks = [Block(list(head))]
        for i in range(count):
            item_path = f"{path}.{i}"
            # Questions are printed with the first item only: the rows repeat them.
            inner = self.content(item, item_path, width, in_item=True, prompts=i == 0)
            title = f"{spec.item_label} {self._number(item_path)}"
            inner[0].rows[:0] = [subheading_row(title, width)]
            if len(inner) == 1:
                inner[0].keep = True
            if i == 0:
                inner[0].rows[:0] = blocks.pop().rows  # the list's heading goes with its first item
            blocks += inner
        return blocks

    @staticmethod
    def _number(item_path: str) -> str:
        """``goals.0.activities.2`` -> ``1.3``: the item's number within its parents."""
        return ".".join(str(int(p) + 1) for p in item_path.split(".") if p.isdigit())

    def sections(self) -> list[Block]:
        """Every section of the form, in catalogue order."""
        out: list[Block] = []
        root = self.cat.root.children
        header = [n for n in root if n.leaf is not None and self._is_short(n)]
        if header:
            out.append(Block(short_rows([(n.key, n.leaf, n.leaf.label) for n in header if n.leaf], CONTENT_W)))
        rest = [n for n in root if n not in header]
        i = 0
        while i < len(rest):
            node = rest[i]
            twins = self._twins(rest, i) if node.leaf is None else [node]
            if len(twins) > 1:
                out.append(Block([self.side_by_side(twins, "", CONTENT_W)]))
                i += len(twins)
                continue
            section = next(s for s in self.cat.sections if s.key == node.key)
            head = [heading_row(section.title), prompt_row(section.help)]
            if node.leaf is not None:
                # the section's title and prompt already say what the box is for
                fd = node.leaf
                rows = long_rows([(node.key, fd, fd.label)], CONTENT_W, 1, 5, prompts=False, label=False) \
                    if fd.kind is FieldKind.LONG_TEXT else short_rows([(node.key, fd, fd.label)], CONTENT_W)
                out.append(Block(head + rows))
            elif node.is_list:
                blocks = self.list_blocks(node, node.key, CONTENT_W, titled=False)
                blocks[0].rows[:0] = head
                out += blocks
            else:
                blocks = self.content(node, node.key, CONTENT_W, in_item=False)
                blocks[0].rows[:0] = head
                out += blocks
            i += 1
        return out


def draw(cat: Catalogue, paper: Paper = SIZES["letter"]) -> tuple[bytes, list[Widget], int]:
    """Paint the form's pages; return the PDF bytes, the field placements and the page count."""
    # Units are what may not be split across pages: a kept block whole, otherwise a
    # row together with the headings and prompts before it.
    units: list[list[Row]] = []
    for block in Layout(cat).sections():
        if block.keep:
            units.append(list(block.rows))
            continue
        pending: list[Row] = []
        for row in block.rows:
            pending.append(row)
            if not row.keep_next:
                units.append(pending)
                pending = []
        if pending:
            units.append(pending)
    # First pass: paginate, so that the footer can say "page n of N".
    pages: list[list[tuple[Row, float]]] = [[]]
    page_h = paper.height
    y = page_h - MARGIN_TOP - 52  # room for the title on page 1
    for unit in units:
        height = sum(r.height for r in unit)
        if y - height < MARGIN_BOTTOM and pages[-1]:
            pages.append([])
            y = page_h - MARGIN_TOP
        for row in unit:
            pages[-1].append((row, y))
            y -= row.height
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(paper.width, paper.height), invariant=1, pageCompression=1)
    canvas.setTitle(cat.title)
    canvas.setSubject((cat.schema_class.__doc__ or "").strip().splitlines()[0])
    canvas.setCreator("mentoring-docs")
    canvas.setAuthor("")
    canvas.setProducer("mentoring-docs (reportlab)")
    # The same content width on every paper: a wider or narrower page moves the
    # content sideways to keep equal side margins, nothing is scaled.
    shift = (paper.width - CONTENT_W) / 2 - MARGIN_X
    painter = Painter(canvas, shift)
    for number, page in enumerate(pages):
        painter.page = number
        if shift:
            canvas.translate(shift, 0)
        if number == 0:
            _title(painter, cat, page_h)
        for row, top in page:
            row.paint(painter, top)
        _footer(painter, cat, number, len(pages))
        canvas.showPage()  # also resets the translation for the next page
    canvas.save()
    return buffer.getvalue(), painter.widgets, len(pages)


def _title(p: Painter, cat: Catalogue, page_h: float) -> None:
    top = page_h - MARGIN_TOP
    p.text(MARGIN_X, top - 20, cat.title, BOLD, 20, INK)
    doc = (cat.schema_class.__doc__ or "").strip().splitlines()[0]
    p.text(MARGIN_X, top - 35, doc + " Type in the boxes on screen, or print the form and write by hand.",
           ITALIC, 8.4, MUTED)
    c = p.c
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(1.6)
    c.line(MARGIN_X, top - 43, PAGE_W - MARGIN_X, top - 43)


def _footer(p: Painter, cat: Catalogue, number: int, total: int) -> None:
    c = p.c
    c.setStrokeColorRGB(*BOX_LINE)
    c.setLineWidth(0.4)
    c.line(MARGIN_X, 36, PAGE_W - MARGIN_X, 36)
    p.text(MARGIN_X, 26, cat.title, REGULAR, 7.5, MUTED)
    c.setFont(REGULAR, 7.5)
    c.drawRightString(PAGE_W - MARGIN_X, 26, f"Page {number + 1} of {total}")
